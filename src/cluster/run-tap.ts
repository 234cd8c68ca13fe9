import type { Subscription } from 'rxjs';
import { StreamDebugger } from '../actors/debug/stream-debugger.js';
import type { DebugEvent } from '../actors/debug/debug-event.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { EventBatch } from './protocol.js';

/**
 * The debug events of one process's part of a run: a `StreamDebugger` on the process's engine
 * (so the events are exactly what a debugger records: lifecycle and connection state edges,
 * retries, errors, dead letters, circuit changes, alerts, and batch/drop counts sampled every
 * `sampleIntervalMs`; never one per message), keeping only those of the part's nodes and of
 * connections that touch them (an engine may run parts of other runs too).
 *
 * @example
 * ```ts
 * const tap = new RunTap(engine, ['work', 'sink'], 250, (e) => batcher.push(e));
 * tap.start(); // ... tap.stop();
 * ```
 * @internal
 */
export class RunTap {
  private dbg: StreamDebugger | undefined;
  private sub: Subscription | undefined;
  private readonly nodes: ReadonlySet<string>;
  /** Connections seen to belong to the part (a removed one can no longer be looked up). */
  private readonly conns = new Set<string>();

  constructor(
    private readonly engine: StreamEngine,
    nodeIds: Iterable<string>,
    private readonly sampleIntervalMs: number,
    private readonly onEvent: (e: DebugEvent) => void,
  ) {
    this.nodes = new Set(nodeIds);
  }

  get active(): boolean {
    return this.dbg !== undefined;
  }

  start(): void {
    if (this.dbg) return;
    for (const c of this.engine.listConnections()) this.mine(c.id);
    // History 0: the events go to onEvent as they happen; nothing is kept here.
    this.dbg = new StreamDebugger(this.engine, { historySize: 0, sampleIntervalMs: this.sampleIntervalMs });
    this.sub = this.dbg.debug$.subscribe((e) => this.keep(e) && this.onEvent(e));
    this.dbg.startRecording();
  }

  /** Detaches (the counters moved since the last sample are reported first). */
  stop(): void {
    const dbg = this.dbg;
    this.dbg = undefined;
    dbg?.dispose();
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  private keep(e: DebugEvent): boolean {
    if (e.connectionId !== null) return this.mine(e.connectionId);
    if (e.type === 'state.transition' && e.data.actor !== 'engine' && e.data.actor !== 'connection') return this.nodes.has(e.data.actorId);
    return true; // the engine's own transitions concern every part on it
  }

  private mine(id: string): boolean {
    if (this.conns.has(id)) return true;
    const c = this.engine.findConnection(id);
    if (!c || !(this.nodes.has(c.sourceNodeId) || this.nodes.has(c.targetNodeId))) return false;
    this.conns.add(id);
    return true;
  }
}

/**
 * A worker's debug events between two ticks, bounded: at most `cap` are kept for the next batch,
 * the rest counted in `eventsDropped` (a flood costs a counter, not memory or bandwidth).
 *
 * @example
 * ```ts
 * const b = new EventBatcher(1000);
 * b.push(event);
 * const batch = b.take({ run, worker, incarnation }); // undefined when there is nothing new
 * ```
 * @internal
 */
export class EventBatcher {
  private pending: DebugEvent[] = [];
  private seq = 0;
  private total = 0;
  private dropped = 0;
  private sentDropped = 0;

  constructor(readonly cap: number) {}

  push(e: DebugEvent): void {
    this.total++;
    if (this.pending.length < this.cap) this.pending.push(e);
    else this.dropped++;
  }

  /** The batch of this tick (and a new drop count), or undefined when there is nothing to say. */
  take(meta: Pick<EventBatch, 'run' | 'worker' | 'incarnation'>): EventBatch | undefined {
    if (this.pending.length === 0 && this.dropped === this.sentDropped) return undefined;
    const batch: EventBatch = { ...meta, seq: ++this.seq, events: this.pending, total: this.total, eventsDropped: this.dropped };
    this.pending = [];
    this.sentDropped = this.dropped;
    return batch;
  }
}
