/**
 * @nodeflow/runtime/widgets: the UI side. React hooks over the engine's widget actors
 * (`useStreamData`, `useConnectionState`, `useEngineMetrics`), the components of the widget
 * gallery, and the widget actor's own types. React is a peer dependency of this entry only.
 *
 * Renders happen at most once per `updateInterval` through one shared frame loop, never per
 * message; data windows are bounded; off-screen widgets do not render.
 * @packageDocumentation
 */
export { StreamEngineProvider, useStreamEngine } from './engine-context.js';
export type { EngineLike, ConnectionLike, WidgetLike, WidgetObservation, ActorLike, ActorSnapshotLike } from './engine-like.js';
export { useStreamData, type StreamDataOptions } from './use-stream-data.js';
export type { StreamData, StreamDataMetrics } from './stream-data.js';
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
