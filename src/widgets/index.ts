/**
 * @nodeflow/runtime/widgets: the UI side. React hooks over the engine's widget actors
 * (`useStreamData`, `useConnectionState`, `useEngineMetrics`), the components of the widget
 * gallery, and the widget actor's own types. React is a peer dependency of this entry only.
 *
 * Renders happen at most once per `updateInterval` through one shared frame loop, never per
 * message; data windows are bounded; off-screen widgets do not render. Replays of a recording
 * (`source` of `useStreamData`, `useReplay`, `Timeline`) import only the browser-safe part of the
 * record entry (never the file log, which needs `node:fs`).
 * @packageDocumentation
 */
export { StreamEngineProvider, useStreamEngine } from './engine-context.js';
export type { EngineLike, ConnectionLike, WidgetLike, WidgetObservation, ActorLike, ActorSnapshotLike } from './engine-like.js';
export { useStreamData, type StreamDataOptions } from './use-stream-data.js';
export type { StreamData, StreamDataMetrics } from './stream-data.js';
export { LIVE, type StreamSource, type ReplayStart } from './stream-source.js';
export { useReplay, type ReplayView, type ReplayViewOptions } from './use-replay.js';
export { useReplayState } from './use-replay-state.js';
export { Timeline, type TimelineProps } from './timeline.js';
export type { TimelineScale } from './timeline-scale.js';
// The browser-safe half of @nodeflow/runtime/record, for pages that record in the page.
export { MemoryLog, type MemoryRetention } from '../record/memory-log.js';
export { record, type RecordOptions } from '../record/record.js';
export { replay, Replay } from '../record/replay.js';
export type { Recording, LiveSource, RecordingStats } from '../record/recording.js';
export type { RecordLog, RecordedBatch, ReadFrom, LogBounds } from '../record/record-log.js';
export type { ReplayOptions, ReplaySpeed } from '../record/replay-options.js';
export type { ReplayState, ReplayStateBase, ReplayPosition } from '../record/replay-state.js';
export { useConnectionState } from './use-connection-state.js';
export { useEngineMetrics } from './use-engine-metrics.js';
export { useVisible, useDocumentVisible } from './visibility.js';
export { FrameLoop, frameLoop, defaultFrameSource, type FrameTask, type FrameSource } from './frame-loop.js';
export { createGovernor, govern, MAX_INTERVAL_MS, type GovernorState } from './governor.js';
export { resolveStream, topologyOf, type ResolvedStream, type Topology } from './topology.js';
export { WidgetCard, numericValue, type StreamWidgetProps } from './card.js';
export { LineChart, type LineChartProps } from './line-chart.js';
export { Sparkline, type SparklineProps } from './sparkline.js';
export { Gauge, type GaugeProps } from './gauge.js';
export { ValueTile, type ValueTileProps } from './value-tile.js';
export { EventLog, type EventLogProps } from './event-log.js';
export { Histogram, type HistogramProps } from './histogram.js';
export { MetricsPanel, type MetricsPanelProps } from './metrics-panel.js';
export { formatNumber, spanDigits, type NumberFormatOptions } from './format.js';
export { ConnectionBadge, type ConnectionBadgeProps } from './connection-badge.js';
export { FrameRateMeter } from './frame-rate-meter.js';
export {
  WidgetRuntime,
  type WidgetOptions,
  type WidgetWindow,
  type WidgetFrame,
  type WidgetMetrics,
  type WidgetStatus,
  type WidgetPacer,
} from '../actors/targets/widget.js';
export { widgetMachine, type WidgetActorRef, type WidgetEvent } from '../machines/widget.machine.js';
