/**
 * @nodeflow/runtime: the public API. One barrel, named exports only.
 * @packageDocumentation
 */
export { StreamEngine, type EngineCore, type EngineOptions, type ConnectionInfo, type EngineMetrics, type EngineTopology, type TopologyNode } from './actors/engine/stream-engine.js';
export { Connection } from './actors/connection/connection.js';
export { OutputPort } from './actors/targets/output-port.js';
export type { NodeHandle, NodeOptions, NodeState, ProcessFn } from './actors/targets/node.js';
// The platform-free types of nodes on worker threads; the pools themselves come from '@nodeflow/runtime/threads'.
export type { NodeThreadOptions } from './threads/options.js';
export type { ThreadPool, ThreadPoolOptions, ThreadPoolStats } from './threads/pool.js';
export type { ThreadWork } from './threads/work.js';
export type { ThreadDelivery } from './threads/thread-carrier.js';
export type { ThreadFn, ThreadResult } from './threads/worker-core.js';
export { WidgetRuntime, type WidgetOptions, type WidgetWindow, type WidgetFrame, type WidgetMetrics, type WidgetStatus } from './actors/targets/widget.js';
export { RingBuffer } from './actors/buffers/ring-buffer.js';
export { DefaultBackpressureHandler, type BackpressureHandler, type DefaultBackpressureOptions, type HandlerContext } from './actors/policies/backpressure.js';
export { AdaptiveBackpressureHandler, type AdaptiveBackpressureOptions, type AdaptiveConnectionMetrics } from './actors/policies/adaptive-backpressure.js';
export { systemLoadProbe, type LoadProbe } from './actors/metrics/load-probe.js';
export { DEFAULT_ADAPTIVE_LAW, decide, type AdaptiveLaw, type Knobs, type Signals, type KnobChange } from './machines/adaptive.logic.js';
export { GracefulErrorRecovery, DEFAULT_BREAKER, type ErrorRecovery, type GracefulErrorRecoveryOptions } from './actors/policies/error-recovery.js';
export type { DeadLetter, ConnectionStats, ConnectionKnobs, EngineEvent, InspectObserver, IoState } from './actors/types.js';
export type { OfferResult, DropReason, Batch, Inbox } from './message.js';
export {
  DEFAULT_STREAM_CONFIG,
  HIGH_FREQUENCY_CONFIG,
  LOW_LATENCY_CONFIG,
  MEMORY_CONSTRAINED_CONFIG,
  STREAM_PRESETS,
  validateStreamConfig,
  OVERFLOW_STRATEGIES,
  type OverflowStrategy,
  type BatchingMode,
  type StreamConfig,
} from './config.js';
export { NodeflowError, ConfigError, type NodeflowErrorCode } from './errors.js';
export type { NodeflowWarning, WarningsOption } from './warnings.js';
export { assertMessage, type StreamMessage, type OutgoingMessage, type Priority } from './message.js';
export { realClock, type EngineClock } from './clock.js';
export { connectionMachine, type ConnectionActorRef, type ConnectionState, type ConnectionEvent, type ConnectionPort } from './machines/connection.machine.js';
export { nodeMachine, type NodeActorRef, type NodeEvent, type BatchSink } from './machines/node.machine.js';
export { widgetMachine, type WidgetActorRef, type WidgetEvent } from './machines/widget.machine.js';
export { engineMachine, type EngineActorRef, type EngineMachineEvent } from './machines/engine.machine.js';
export { backoffDelay, failureRate, createBreakerState, type BreakerOptions, type BreakerState } from './machines/recovery.logic.js';
export { LatencyHistogram } from './actors/metrics/histogram.js';
export { WorkflowEngine, type WorkflowEngineOptions } from './actors/workflow/workflow-engine.js';
export { WorkflowRun, type WorkflowStatus, type WorkflowNodeStatus, type WorkflowResult, type WorkflowMetrics } from './actors/workflow/run.js';
export {
  WorkflowValidationError,
  type WorkflowDefinition,
  type WorkflowNode,
  type WorkflowEdge,
  type WorkflowProblem,
  type PortSpec,
  type StandardSchemaV1,
  type StandardResult,
} from './actors/workflow/definition.js';
export { NodeTypeRegistry, type NodeTypeDefinition, type NodeBehavior, type NodeContext, type Emitter, type IoReport } from './actors/workflow/node-types.js';
export { BUILTIN_NODE_TYPES } from './actors/workflow/builtins.js';
export { patternGenerator, seededRandom, DATA_PATTERNS, type DataPattern, type PatternOptions } from './actors/workflow/patterns.js';
export { validateWorkflow } from './actors/workflow/validate.js';
export { PerformanceTestSuite, type PerformanceProgress } from './actors/perf/performance-test-suite.js';
export { STANDARD_PERFORMANCE_TESTS, QUICK_PERFORMANCE_TESTS, type PerformanceTest, type PerformanceResult } from './actors/perf/perf-test.js';
export { formatReport, type ReportFormat } from './actors/perf/report.js';
export type { ConnectionMetrics } from './actors/connection/connection-meter.js';
export type { NodeMetrics } from './actors/metrics/node-metrics.js';
export type { ActorTag, ActorKind, TaggedInspector } from './actors/engine/inspection-hub.js';
export { StreamDebugger, type StreamDebuggerOptions } from './actors/debug/stream-debugger.js';
export type { DebugInspection } from './actors/debug/debug-sources.js';
export type { DebugEvent, DebugEventType, DebugEventData } from './actors/debug/debug-event.js';
export type { Alert } from './actors/debug/alerts.js';
export { DEFAULT_ALERT_THRESHOLDS, defaultAlertRules, type AlertRule, type AlertSeverity, type AlertSubject, type AlertThresholds } from './actors/debug/alert-rules.js';
export { DEBUG_DATA_FORMAT, DEBUG_DATA_VERSION, type DebugData, type DebugCluster } from './actors/debug/debug-data.js';
export { BoundedHistory } from './actors/buffers/bounded-history.js';
export { stepAlert, INITIAL_ALERT_STATE, type AlertState, type AlertTiming } from './machines/alert.logic.js';
