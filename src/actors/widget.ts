import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { createActor } from 'xstate';
import { NodeflowError } from '../errors.js';
import type { StreamMessage } from '../message.js';
import { widgetMachine, type WidgetActorRef } from '../machines/widget.machine.js';
import { WindowBuffer } from './window-buffer.js';
import { sendBatch } from './send-batch.js';
import type { ActorHost, Batch, Inbox } from './types.js';

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
}

/**
 * Lifecycle of a widget actor, as `status$` reports it.
 *
 * @example
 * ```ts
 * widget.status$.subscribe((s: WidgetStatus) => console.log(s));
 * ```
 */
export type WidgetStatus = 'waiting' | 'live' | 'stopped';

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
  private last: Batch | undefined;
  private readonly lastTaken = () => {
    const b = this.last;
    this.last = undefined;
    return b;
  };
  readonly actor: WidgetActorRef;
  readonly window: WidgetWindow;
  readonly data$: Observable<WidgetFrame>;
  readonly metrics$: Observable<WidgetMetrics>;
  readonly status$: Observable<WidgetStatus>;
  private readonly ring: WindowBuffer<StreamMessage>;
  private readonly dataSubject = new Subject<WidgetFrame>();
  private readonly metricsSubject = new Subject<WidgetMetrics>();
  private readonly statusSubject = new BehaviorSubject<WidgetStatus>('waiting');
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
    // No snapshot observer: it would run on every batch event. The status mirrors the two
    // edges the machine has (first batch: waiting → live; stop) where they happen.
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
    };
  }

  deliver(batch: Batch): void {
    if (this.statusSubject.value === 'stopped') {
      throw new NodeflowError('CONNECTION_FAILED', `Widget ${this.id} is stopped and cannot take deliveries`, { widgetId: this.id });
    }
    sendBatch(this.actor, batch, this.lastTaken);
  }

  /** Called by the actor's `ingestBatch` action. @internal */
  ingest(batch: Batch): void {
    this.last = batch;
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
    this.actor.send({ type: 'widget.stop' });
    this.actor.stop();
    if (this.statusSubject.value !== 'stopped') this.statusSubject.next('stopped');
    this.dataSubject.complete();
    this.metricsSubject.complete();
    this.statusSubject.complete();
  }
}
