import type { StreamMessage } from '../message.js';
import type { Replay } from '../record/replay.js';

/**
 * `metrics` of `useStreamData`: the widget's figures (the spec's `messageCount` and
 * `averageLatency`) plus the render governor's.
 *
 * @example
 * ```tsx
 * const { metrics } = useStreamData('chart');
 * <span>{metrics.updateRate.toFixed(0)} renders/s, {metrics.droppedFrames} frames missed</span>
 * ```
 */
export interface StreamDataMetrics {
  readonly messageCount: number;
  /** ms from message.timestamp to its arrival in the widget, mean over every message. */
  readonly averageLatency: number;
  readonly windowSize: number;
  /** Renders this hook caused since it subscribed (never more than one per interval). */
  readonly renderCount: number;
  /** Renders per second lately. */
  readonly updateRate: number;
  /** The interval in force (ms): the requested one, or wider while frames are slow. */
  readonly updateInterval: number;
  /** True while the governor has widened the interval. */
  readonly throttled: boolean;
  /** Smoothed frame time (ms) and frames the browser missed, page-wide. */
  readonly frameTime: number;
  readonly droppedFrames: number;
  /** ms from the oldest message new in this render to the render. */
  readonly renderLatency: number;
  /** When this render's data was taken, on the engine's clock (message timestamps' scale). */
  readonly renderedAt: number;
  /** True while the widget holds a batch back for a paced UI (enableBackpressure). */
  readonly backpressured: boolean;
  readonly pushbacks: number;
  /** Messages skipped before reaching this hook: by a remote engine's server for a slow link; 0 for a local engine. */
  readonly dropped: number;
}

/**
 * What `useStreamData` returns.
 *
 * @example
 * ```tsx
 * const { data, isConnected, metrics }: StreamData<number> = useStreamData('chart');
 * ```
 */
export interface StreamData<T = unknown> {
  /** The window's last `bufferSize` messages, oldest first; a new array only per render. */
  readonly data: readonly StreamMessage<T>[];
  readonly latest: StreamMessage<T> | undefined;
  readonly isConnected: boolean;
  readonly metrics: StreamDataMetrics;
  /** With a replay `source`: its controller (pause, seek, speed; give it to `Timeline`), once started. */
  readonly replay?: Replay;
}

/** @internal */
export interface StoreOptions {
  readonly bufferSize: number;
  readonly updateInterval: number;
  readonly enableBackpressure: boolean;
}

/** @internal */
export type Snapshot = Omit<StreamData, 'isConnected' | 'replay'> & { readonly live: boolean };

/** Before the widget exists. @internal */
export const EMPTY: Snapshot = {
  data: [],
  latest: undefined,
  live: false,
  metrics: { messageCount: 0, averageLatency: 0, windowSize: 0, renderCount: 0, updateRate: 0, updateInterval: 0, throttled: false, frameTime: 0, droppedFrames: 0, renderLatency: 0, renderedAt: 0, backpressured: false, pushbacks: 0, dropped: 0 },
};
