import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { createActor, type SnapshotFrom } from 'xstate';
import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import { widgetMachine, type WidgetActorRef } from '../../machines/widget.machine.js';
import { WindowBuffer } from '../buffers/window-buffer.js';
import { BatchHandoff } from './batch-handoff.js';
import type { ActorHost } from '../types.js';
import type { Batch, Inbox } from '../../message.js';

/**
 * Options of `engine.createWidget(id, options)`.
 *
 * @example
 * ```ts
 * engine.createWidget('chart', { bufferSize: 500 });
 * ```
 */
export interface WidgetOptions {
  /** Messages kept in the widget's sliding window (default: the engine's bufferSize). */
  bufferSize?: number;
}

/**
 * A read-only view of a widget's sliding window; `toArray()` copies, so call it when you
 * render (once per frame), not per message.
 *
 * @example
 * ```ts
 * const points = widget.window.toArray().map((m) => m.data as number);
 * ```
 */
export interface WidgetWindow {
  readonly size: number;
  readonly capacity: number;
  toArray(): StreamMessage[];
  latest(): StreamMessage | undefined;
}

/**
 * What `data$` emits once per delivered batch: the new batch and the window after it.
 *
 * @example
 * ```ts
 * widget.data$.subscribe(({ batch, window }) => draw(window.toArray()));
 * ```
 */
export interface WidgetFrame {
  readonly batch: Batch;
  readonly window: WidgetWindow;
}

/**
 * Live figures of a widget (the spec's `metrics.messageCount` and `metrics.averageLatency`).
 *
 * @example
 * ```ts
 * widget.metrics$.subscribe((m) => console.log(m.messageCount, m.averageLatency.toFixed(1)));
 * ```
 */
export interface WidgetMetrics {
  readonly messageCount: number;
  readonly batchCount: number;
  /** Mean of (delivery time − message.timestamp) in ms over every message so far. */
  readonly averageLatency: number;
  /** The same over the last batch. */
  readonly lastBatchLatency: number;
  readonly windowSize: number;
  /** Times a paced consumer made the widget hold a batch back (see `pace()`). */
  readonly pushbacks: number;
}

/**
 * A paced consumer of a widget (what `useStreamData(..., { enableBackpressure: true })` holds).
 * While an active pacer has not acknowledged `credit` messages, the widget does not take the
 * next batch: the delivery stays pending, so the connection buffers behind it, turns
 * `backpressured`, and its overflow strategy decides (instead of the window overwriting
 * messages nobody saw).
 *
 * @example
 * ```ts
 * const pacer = widget.pace();
 * requestAnimationFrame(() => { draw(widget.window.toArray()); pacer.ack(); });
 * // later: pacer.release();
 * ```
 */
export interface WidgetPacer {
  /** The consumer has seen everything delivered so far. */
  ack(): void;
  /** An inactive pacer (a hidden widget) never holds deliveries back. */
  setActive(active: boolean): void;
  /** Unregisters; a held batch is taken if nothing else holds it. */
  release(): void;
  /** True while this widget holds a batch back. */
  readonly holding: boolean;
}

interface PacerState {
  acked: number;
  active: boolean;
  readonly credit: number;
}

/**
 * Lifecycle of a widget, as `status$` reports it: the widget machine's state, typed from the
 * machine (never a hand-kept copy). `waiting` until the first batch, then `live`;
 * `backpressured` while the widget holds its next batch back because a paced consumer
 * (`useStreamData(..., { enableBackpressure: true })`, see `pace()`) has not seen what the
 * window already holds: the connection feeding it then backs up and backpressures its
 * producer. Back to `live` when the consumer catches up. `stopped` is final.
 *
 * It is the widget's own state, not its connections': a widget fed by a backpressured
 * connection without a paced consumer is still `live` (the connection's state says that).
 *
 * @example
 * ```ts
 * widget.status$.subscribe((s: WidgetStatus) => {
 *   if (s === 'backpressured') console.log('the UI is behind; the producer is being slowed');
 * });
 * ```
 */
export type WidgetStatus = SnapshotFrom<typeof widgetMachine>['value'];

/**
 * A widget's engine side: an actor that receives batches, a bounded window, and RxJS
 * observables that emit at most once per delivered batch (never per message).
 *
 * @example
 * ```ts
 * const chart = engine.createWidget('chart', { bufferSize: 200 });
 * engine.createConnection('sensor', 'chart', 'out', 'in');
 * chart.metrics$.subscribe((m) => console.log(m.messageCount));
 * ```
 */
export class WidgetRuntime implements Inbox {
  private readonly handoff = new BatchHandoff();
  readonly actor: WidgetActorRef;
  readonly window: WidgetWindow;
  readonly data$: Observable<WidgetFrame>;
  readonly metrics$: Observable<WidgetMetrics>;
  readonly status$: Observable<WidgetStatus>;
  private readonly ring: WindowBuffer<StreamMessage>;
  private readonly dataSubject = new Subject<WidgetFrame>();
  private readonly metricsSubject = new Subject<WidgetMetrics>();
  private readonly statusSubject = new BehaviorSubject<WidgetStatus>('waiting');
  private readonly pacers = new Set<PacerState>();
  /** The batch held back for a lagging consumer, and its pending delivery. */
  private held: { batch: Batch; resolve: () => void; reject: (e: unknown) => void } | undefined;
  private pushbacks = 0;
  private messageCount = 0;
  private batchCount = 0;
  private latencySum = 0;
  private lastBatchLatency = 0;

  constructor(
    readonly id: string,
    bufferSize: number,
    private readonly host: ActorHost,
  ) {
    const ring = (this.ring = new WindowBuffer<StreamMessage>(bufferSize));
    this.window = {
      get size() {
        return ring.size;
      },
      capacity: bufferSize,
      toArray: () => ring.toArray(),
      latest: () => ring.latest(),
    };
    this.data$ = this.dataSubject.asObservable();
    this.metrics$ = new Observable<WidgetMetrics>((sub) => {
      sub.next(this.metrics());
      return this.metricsSubject.subscribe(sub);
    });
    this.status$ = this.statusSubject.asObservable();
    this.actor = createActor(widgetMachine, { input: { widgetId: id, sink: this }, clock: host.clock, inspect: host.inspect });
    // No snapshot observer: it would run on every batch event. The status mirrors the machine's
    // edges (first batch: waiting → live; consumer lagging ⇄ caught up; stop) where they happen.
    this.actor.start();
  }

  /** Current figures (also what `metrics$` emits). */
  metrics(): WidgetMetrics {
    return {
      messageCount: this.messageCount,
      batchCount: this.batchCount,
      averageLatency: this.messageCount === 0 ? 0 : this.latencySum / this.messageCount,
      lastBatchLatency: this.lastBatchLatency,
      windowSize: this.ring.size,
      pushbacks: this.pushbacks,
    };
  }

  /** True while anything observes data$ or metrics$, or a pacer is registered. */
  get isObserved(): boolean {
    return this.dataSubject.observed || this.metricsSubject.observed || this.pacers.size > 0;
  }

  /**
   * Registers a paced consumer that may leave at most `credit` (default: the window capacity)
   * unseen messages in the window before the widget pushes back; see {@link WidgetPacer}.
   */
  pace(options: { credit?: number } = {}): WidgetPacer {
    const credit = options.credit ?? this.window.capacity;
    if (!Number.isInteger(credit) || credit < 1) throw new NodeflowError('INVALID_ARGUMENT', 'pace: credit must be an integer >= 1', { field: 'credit' });
    const p: PacerState = { acked: this.messageCount, active: true, credit };
    this.pacers.add(p);
    const self = this;
    return {
      ack: () => {
        p.acked = this.messageCount;
        this.releaseHeld();
      },
      setActive: (active) => {
        p.active = active;
        p.acked = this.messageCount;
        this.releaseHeld();
      },
      release: () => {
        this.pacers.delete(p);
        this.releaseHeld();
      },
      get holding() {
        return self.held !== undefined;
      },
    };
  }

  deliver(batch: Batch): void | Promise<void> {
    if (this.statusSubject.value === 'stopped') {
      throw new NodeflowError('TARGET_STOPPED', `Widget ${this.id} is stopped and cannot take deliveries`, { widgetId: this.id });
    }
    if (this.pacers.size > 0 && this.lagging(batch.messages.length)) {
      // The connection keeps at most one batch out, so at most one is ever held here.
      this.pushbacks++;
      this.actor.send({ type: 'consumer.lagging' });
      this.statusSubject.next('backpressured');
      return new Promise<void>((resolve, reject) => (this.held = { batch, resolve, reject }));
    }
    this.handoff.send(this.actor, batch);
  }

  // Taking `n` more would leave some active pacer more than its credit behind. A pacer that
  // has seen everything always takes one batch, so a credit below the batch size cannot stall.
  private lagging(n: number): boolean {
    for (const p of this.pacers) {
      const unseen = this.messageCount - p.acked;
      if (p.active && unseen > 0 && unseen + n > p.credit) return true;
    }
    return false;
  }

  private releaseHeld(): void {
    const h = this.held;
    if (h === undefined || this.lagging(h.batch.messages.length)) return;
    this.held = undefined;
    this.actor.send({ type: 'consumer.caughtUp' });
    this.statusSubject.next('live');
    this.handoff.send(this.actor, h.batch);
    h.resolve();
  }

  /** Called by the actor's `ingestBatch` action. @internal */
  ingest(batch: Batch): void {
    this.handoff.took(batch);
    if (this.statusSubject.value === 'waiting') this.statusSubject.next('live');
    const ms = batch.messages;
    this.ring.add(ms);
    let tsum = 0;
    for (let i = 0; i < ms.length; i++) tsum += ms[i]!.timestamp;
    const n = ms.length;
    const lat = this.host.clock.now() * n - tsum;
    this.latencySum += lat;
    this.lastBatchLatency = lat / n;
    this.messageCount += n;
    this.batchCount++;
    if (this.dataSubject.observed) this.dataSubject.next({ batch, window: this.window });
    if (this.metricsSubject.observed) this.metricsSubject.next(this.metrics());
  }

  stop(): void {
    const h = this.held;
    this.held = undefined;
    this.pacers.clear();
    h?.reject(new NodeflowError('TARGET_STOPPED', `Widget ${this.id} stopped with a batch held for its consumer`, { widgetId: this.id }));
    this.actor.send({ type: 'widget.stop' });
    this.actor.stop();
    if (this.statusSubject.value !== 'stopped') this.statusSubject.next('stopped');
    this.dataSubject.complete();
    this.metricsSubject.complete();
    this.statusSubject.complete();
  }
}
