import { Observable, Subject } from 'rxjs';
import type { DebugEvent } from '../actors/debug/debug-event.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { ClusterLink } from './cluster.js';
import { SAMPLE_MS, decode, encode, subjects, type EventBatch } from './protocol.js';
import { RunTap } from './run-tap.js';

/**
 * A debug event of a run across processes: what a `StreamDebugger` records, tagged with the
 * process that recorded it (`'local'` for the coordinator, else the worker's name) and that
 * process's incarnation (a replaced worker's events carry its replacement's). `seq` counts per
 * process incarnation; `at` is that process's clock.
 *
 * @example
 * ```ts
 * run.events$.subscribe((e: ClusterDebugEvent) => e.type === 'dead.letter' && console.log(e.process, e.connectionId, e.data.count));
 * ```
 */
export type ClusterDebugEvent = DebugEvent & { readonly process: string; readonly incarnation: string };

/**
 * What the coordinator heard from one process's events: batches, events and those it dropped.
 *
 * @example
 * ```ts
 * const w1: ProcessEvents = { incarnation: '4242-lx3', eventsForwarded: 120, eventsDropped: 0 };
 * ```
 */
export interface ProcessEvents {
  readonly incarnation: string;
  /** Events received from the process (every incarnation). */
  readonly eventsForwarded: number;
  /** Events the process recorded but could not forward (its per-tick cap), every incarnation. */
  readonly eventsDropped: number;
  /** Events the process recorded while listened to, every incarnation: forwarded + dropped, once every batch arrived. */
  readonly eventsRecorded: number;
}

/**
 * The coordinator's side of a run's debug events: a refcounted `events$` (the first subscriber
 * attaches the local tap and starts the workers' lease, the last one ends both) merging the
 * local tap with the workers' batches.
 * @internal
 */
export class RunEvents {
  readonly events$: Observable<ClusterDebugEvent>;
  readonly processes = new Map<string, ProcessEvents>();
  /** The coordinator's incarnation (its pid and start time), in its events and samples. */
  readonly incarnation = `${process.pid}-${Date.now().toString(36)}`;
  /** The last batch's counts of each process incarnation (a few per worker: one per replacement). */
  private readonly counts = new Map<string, Map<string, { total: number; dropped: number }>>();
  private readonly subject = new Subject<ClusterDebugEvent>();
  private readonly tap: RunTap;
  private readonly unsubscribe: () => void;
  private listeners = 0;
  private ended = false;

  constructor(
    private readonly link: ClusterLink,
    private readonly run: string,
    engine: StreamEngine,
    localNodes: Iterable<string>,
  ) {
    const incarnation = this.incarnation;
    let n = 0;
    this.processes.set('local', { incarnation, eventsForwarded: 0, eventsDropped: 0, eventsRecorded: 0 });
    this.tap = new RunTap(engine, localNodes, SAMPLE_MS, (e) => {
      this.processes.set('local', { incarnation, eventsForwarded: ++n, eventsDropped: 0, eventsRecorded: n });
      this.emit({ ...e, process: 'local', incarnation });
    });
    this.unsubscribe = link.subscribe(subjects.allEvents(run), (data) => this.heard(decode<EventBatch>(data)));
    this.events$ = new Observable<ClusterDebugEvent>((sub) => {
      const inner = this.subject.subscribe(sub);
      this.listeners++;
      this.update();
      return () => {
        inner.unsubscribe();
        this.listeners--;
        this.update();
      };
    });
  }

  /** True while someone listens: workers are told so in their start request. */
  get listening(): boolean {
    return this.tap.active;
  }

  /**
   * Every coordinator tick: renews the workers' lease while listening, else says it does not;
   * either way the run's heartbeat (a worker that hears none stops its part as orphaned).
   */
  tick(): void {
    this.link.publish(subjects.listen(this.run), encode({ on: this.tap.active }));
  }

  /** The run finished: the local tap's last events, then events$ completes. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.update();
    this.unsubscribe();
    this.subject.complete();
  }

  private update(): void {
    const want = this.listeners > 0 && !this.ended;
    if (want === this.tap.active) return;
    if (want) this.tap.start();
    else this.tap.stop();
    this.link.publish(subjects.listen(this.run), encode({ on: want }));
  }

  private heard(b: EventBatch): void {
    if (b.run !== this.run || this.ended) return;
    const counts = this.counts.get(b.worker) ?? new Map<string, { total: number; dropped: number }>();
    this.counts.set(b.worker, counts.set(b.incarnation, { total: b.total, dropped: b.eventsDropped }));
    let recorded = 0;
    let dropped = 0;
    for (const c of counts.values()) ((recorded += c.total), (dropped += c.dropped));
    const forwarded = (this.processes.get(b.worker)?.eventsForwarded ?? 0) + b.events.length;
    this.processes.set(b.worker, { incarnation: b.incarnation, eventsForwarded: forwarded, eventsDropped: dropped, eventsRecorded: recorded });
    if (this.listeners === 0) return;
    for (const e of b.events) this.emit({ ...e, process: b.worker, incarnation: b.incarnation });
  }

  private emit(e: ClusterDebugEvent): void {
    this.subject.next(e);
  }
}
