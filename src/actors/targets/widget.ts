import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { NodeflowError } from '../../errors.js';
import type { Batch, Inbox, StreamMessage } from '../../message.js';
import { widgetDormancy, widgetMachine, type WidgetActorRef } from '../../machines/widget.machine.js';
import { WindowBuffer } from '../buffers/window-buffer.js';
import type { ActorHost } from '../types.js';
import { BatchHandoff } from './batch-handoff.js';
import { PacerSet, type WidgetPacer } from './widget-pacing.js';
import type { WidgetFrame, WidgetMetrics, WidgetStatus, WidgetWindow } from './widget-types.js';
import { ActorSlot } from '../engine/actor-slot.js';

export type { WidgetOptions, WidgetWindow, WidgetFrame, WidgetMetrics, WidgetStatus } from './widget-types.js';
export type { WidgetPacer } from './widget-pacing.js';

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
  private readonly slot: ActorSlot<typeof widgetMachine>;
  readonly window: WidgetWindow;
  readonly data$: Observable<WidgetFrame>;
  readonly metrics$: Observable<WidgetMetrics>;
  readonly status$: Observable<WidgetStatus>;
  private readonly ring: WindowBuffer<StreamMessage>;
  private readonly dataSubject = new Subject<WidgetFrame>();
  private readonly metricsSubject = new Subject<WidgetMetrics>();
  private readonly statusSubject = new BehaviorSubject<WidgetStatus>('waiting');
  private readonly pacers = new PacerSet();
  /** The batch held back for a lagging consumer, and its pending delivery. */
  private held: { batch: Batch; resolve: () => void; reject: (e: unknown) => void } | undefined;
  private pushbacks = 0;
  private messageCount = 0;
  private batchCount = 0;
  private latencySum = 0;
  private lastBatchLatency = 0;
  /** Told of each batch the widget shows, in order (a recording, see src/record/). @internal */
  tap: ((batch: Batch) => void) | null = null;

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
    // No snapshot observer: it would run on every batch event. The status mirrors the machine's
    // edges (first batch: waiting → live; consumer lagging ⇄ caught up; stop) where they happen.
    this.slot = new ActorSlot(widgetMachine, { kind: 'widget', id, host, dormancy: widgetDormancy, input: { widgetId: id, sink: { ingest: (b) => this.took(b) } } });
  }

  /** The widget's actor (started now if it was not yet needed: see `ActorSlot`). */
  get actor(): WidgetActorRef {
    return this.slot.ref;
  }

  /** The widget machine's state, read without starting its actor. */
  get state(): string {
    return this.slot.value;
  }

  /** Has its actor reached a final state or been stopped? Read without starting it. */
  get ended(): boolean {
    return this.slot.status !== 'active';
  }

  /** Starts the actor now (an inspector watches widgets). @internal */
  wake(): void {
    this.slot.wake();
  }

  /** Messages ingested so far: the sequence number of the newest one (remote cursors). @internal */
  get total(): number {
    return this.messageCount;
  }

  /** The newest `n` messages of the window, copied without the rest. @internal */
  tail(n: number): StreamMessage[] {
    return this.ring.tail(n);
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
    return this.pacers.add(
      options.credit ?? this.window.capacity,
      () => this.messageCount,
      () => this.releaseHeld(),
      () => this.held !== undefined,
    );
  }

  deliver(batch: Batch): void | Promise<void> {
    if (this.statusSubject.value === 'stopped') {
      throw new NodeflowError('TARGET_STOPPED', `Widget ${this.id} is stopped and cannot take deliveries`, { widgetId: this.id });
    }
    if (this.pacers.size > 0 && this.pacers.lagging(this.messageCount, batch.messages.length)) {
      // The connection keeps at most one batch out, so at most one is ever held here.
      this.pushbacks++;
      this.slot.send({ type: 'consumer.lagging' });
      this.statusSubject.next('backpressured');
      return new Promise<void>((resolve, reject) => (this.held = { batch, resolve, reject }));
    }
    this.hand(batch);
  }

  // The machine's batch.ready only hands the batch to ingest (and moves waiting to live): a
  // plain call unless widgets are inspected (then the event goes through the actor, to be seen).
  private hand(batch: Batch): void {
    if (this.slot.takesDirect('batch.ready')) this.ingest(batch);
    else this.handoff.send(this.slot.ref, batch);
  }

  private releaseHeld(): void {
    const h = this.held;
    if (h === undefined || this.pacers.lagging(this.messageCount, h.batch.messages.length)) return;
    this.held = undefined;
    this.slot.send({ type: 'consumer.caughtUp' });
    this.statusSubject.next('live');
    this.hand(h.batch);
    h.resolve();
  }

  /** The actor's `ingestBatch` action: the batch came through the actor. */
  private took(batch: Batch): void {
    this.handoff.took(batch);
    this.ingest(batch);
  }

  private ingest(batch: Batch): void {
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
    if (this.tap !== null) this.tap(batch);
    if (this.dataSubject.observed) this.dataSubject.next({ batch, window: this.window });
    if (this.metricsSubject.observed) this.metricsSubject.next(this.metrics());
  }

  stop(): void {
    const h = this.held;
    this.held = undefined;
    this.pacers.clear();
    h?.reject(new NodeflowError('TARGET_STOPPED', `Widget ${this.id} stopped with a batch held for its consumer`, { widgetId: this.id }));
    this.slot.send({ type: 'widget.stop' });
    this.slot.retire();
    if (this.statusSubject.value !== 'stopped') this.statusSubject.next('stopped');
    this.dataSubject.complete();
    this.metricsSubject.complete();
    this.statusSubject.complete();
  }
}
