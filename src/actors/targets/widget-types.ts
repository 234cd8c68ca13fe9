import type { SnapshotFrom } from 'xstate';
import type { widgetMachine } from '../../machines/widget.machine.js';
import type { Batch, StreamMessage } from '../../message.js';

// The public shapes of a widget: what users pass to createWidget and what its observables emit.

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
  /** Messages a remote source skipped for this subscriber (a mirrored widget only; absent locally). */
  readonly dropped?: number;
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
