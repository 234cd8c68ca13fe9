import type { Subscription } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import type { ActorTag } from '../engine/inspection-hub.js';
import type { EngineMetrics, StreamEngine } from '../engine/stream-engine.js';
import type { ConnectionStats, EngineEvent } from '../types.js';
import type { DropReason } from '../../message.js';
import type { DebugEventData, DebugEventType } from './debug-event.js';
import { errorMessage } from '../../errors.js';

/**
 * How much XState inspection a StreamDebugger attaches: `'edges'` (default) inspects the engine
 * and connection actors, which hear only control edges, so recording costs next to nothing;
 * `'all'` adds node and widget actors, which take one event per batch (measured: about half the
 * throughput on the per-batch path); `'off'` uses only the engine's own events.
 *
 * @example
 * ```ts
 * new StreamDebugger(engine, { inspection: 'all' });
 * ```
 */
export type DebugInspection = 'edges' | 'all' | 'off';

type Record_ = <K extends DebugEventType>(type: K, connectionId: string | null, data: DebugEventData[K]) => void;

const CIRCUIT = new Set(['circuitOpen', 'halfOpen']);
const valueOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Where debug events come from while recording: the engine's lifecycle events (no per-drop
 * events), XState inspection of every actor (state transitions; per actor event, i.e. per
 * batch at most, and the check is one Map lookup), and counter deltas per sampling tick.
 * @internal
 */
export class DebugSources {
  active = false;
  private events: Subscription | undefined;
  private detachInspect: (() => void) | undefined;
  /** Last known state per actor (`kind:id`), so a transition is reported once. */
  private readonly states = new Map<string, string>();
  /** Counters at the previous tick, by connection (a removal deletes one entry: O(1)). */
  private last: { at: number; connections: Map<string, ConnectionStats> } | undefined;

  constructor(
    private readonly engine: StreamEngine,
    private readonly inspection: DebugInspection,
    private readonly record: Record_,
  ) {}

  start(): void {
    this.active = true;
    this.states.clear();
    for (const c of this.engine.listConnections()) this.states.set(`connection:${c.id}`, c.state);
    for (const n of this.engine.listNodes()) this.states.set(`${n.kind}:${n.id}`, n.state);
    this.states.set('engine:engine', this.engine.state);
    // The baseline of the counter deltas: what happens from now on is reported.
    this.remember(this.engine.getMetrics());
    this.events = this.engine.lifecycle$.subscribe((e) => this.onEngineEvent(e));
    if (this.inspection !== 'off') {
      const kinds = this.inspection === 'all' ? null : (['engine', 'connection'] as const);
      this.detachInspect = this.engine.inspect((e, tag) => this.onInspection(e, tag), kinds ? { kinds } : {});
    }
  }

  stop(): void {
    this.sample(this.engine.getMetrics()); // what happened since the last tick
    this.active = false;
    this.events?.unsubscribe();
    this.detachInspect?.();
    this.events = undefined;
    this.detachInspect = undefined;
  }

  private onInspection(e: InspectionEvent, tag: ActorTag): void {
    const key = `${tag.kind}:${tag.id}`;
    if (e.type === '@xstate.actor') {
      // An actor we are now attached to: its current state is the baseline.
      if (!this.states.has(key)) this.states.set(key, valueOf((e.actorRef.getSnapshot() as { value?: unknown }).value));
      return;
    }
    if (e.type !== '@xstate.snapshot') return;
    const to = valueOf((e.snapshot as { value?: unknown }).value);
    const from = this.states.get(key);
    if (from === to) return;
    this.states.set(key, to);
    if (from === undefined) return; // never announced: its first state is a baseline, not a change
    this.record('state.transition', tag.kind === 'connection' ? tag.id : null, { actor: tag.kind, actorId: tag.id, from, to, event: e.event.type });
  }

  private transition(kind: 'node' | 'widget', id: string, to: string, event: string): void {
    const key = `${kind}:${id}`;
    const from = this.states.get(key);
    this.states.set(key, to);
    if (from !== undefined && from !== to) this.record('state.transition', null, { actor: kind, actorId: id, from, to, event });
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'connection.created': {
        const c = this.engine.hasConnection(e.connectionId) ? this.engine.getConnection(e.connectionId) : undefined;
        if (c) this.states.set(`connection:${c.id}`, c.currentState);
        this.record('connection.created', e.connectionId, { sourceNodeId: c?.sourceNodeId ?? '', targetNodeId: c?.targetNodeId ?? '', outputPort: c?.outputPort ?? '', inputPort: c?.inputPort ?? '' });
        return;
      }
      case 'connection.removed': {
        this.states.delete(`connection:${e.connectionId}`);
        // Its last counters, so what happened since the previous tick is not lost.
        const last = this.last;
        if (e.stats && last) {
          this.deltas(e.connectionId, e.stats, last.connections.get(e.connectionId), e.at - last.at);
          last.connections.delete(e.connectionId);
        }
        this.record('connection.removed', e.connectionId, {});
        return;
      }
      case 'widget.removed':
        this.states.delete(`widget:${e.widgetId}`);
        return;
      case 'node.state':
        // Node actors take one event per batch: their lifecycle comes from the engine's events
        // unless the debugger inspects every actor.
        if (e.to === 'stopped') this.states.delete(`node:${e.nodeId}`);
        if (this.inspection !== 'all') this.transition('node', e.nodeId, e.to, e.event);
        return;
      case 'connection.state':
        if (this.inspection === 'off') this.record('state.transition', e.connectionId, { actor: 'connection', actorId: e.connectionId, from: e.from, to: e.to, event: '' });
        if (CIRCUIT.has(e.to) || CIRCUIT.has(e.from)) {
          const to = e.to === 'circuitOpen' ? 'open' : e.to === 'halfOpen' ? 'halfOpen' : 'closed';
          this.record('circuit.change', e.connectionId, { from: e.from, to });
        }
        return;
      case 'delivery.failed':
        this.record('error', e.connectionId, { attempt: e.attempt, error: errorMessage(e.error) });
        return;
      case 'delivery.retry':
        this.record('retry', e.connectionId, { attempt: e.attempt, delay: e.delay });
        return;
      case 'batch.deadLettered':
        this.record('dead.letter', e.connectionId, { count: e.count });
        return;
      case 'handler.adjusted':
        this.record('handler.adjusted', e.connectionId, { knob: e.knob, from: e.from, to: e.to, reason: e.reason });
        return;
      default:
        return;
    }
  }

  /** Counter deltas since the previous tick: what would be per batch or per message. */
  sample(m: EngineMetrics): void {
    // Widget actors take one event per batch and change state rarely: sampled, unless inspected.
    if (this.inspection !== 'all') for (const [id, n] of Object.entries(m.nodes)) if (n.kind === 'widget') this.transition('widget', id, n.state, '(sampled)');
    const prev = this.last;
    this.remember(m);
    if (!prev) return;
    // A connection created since the previous tick counts from zero.
    for (const [id, c] of Object.entries(m.connections)) this.deltas(id, c, prev.connections.get(id), m.at - prev.at);
  }

  private remember(m: EngineMetrics): void {
    this.last = { at: m.at, connections: new Map(Object.entries(m.connections)) };
  }

  private deltas(id: string, c: ConnectionStats, p: ConnectionStats | undefined, since: number): void {
    const batches = c.batches - (p?.batches ?? 0);
    if (batches > 0) this.record('batch.flushed', id, { batches, messages: c.delivered - (p?.delivered ?? 0), sinceMs: since });
    for (const reason of Object.keys(c.dropped) as DropReason[]) {
      const n = c.dropped[reason] - (p?.dropped[reason] ?? 0);
      if (n > 0) this.record('drop', id, { reason, count: n, sinceMs: since });
    }
    const refused = c.refused - (p?.refused ?? 0);
    if (refused > 0) this.record('drop', id, { reason: 'refused', count: refused, sinceMs: since });
  }
}
