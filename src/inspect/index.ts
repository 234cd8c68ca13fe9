/**
 * @nodeflow/runtime/inspect: state-chart visual inspection, offline. Turn any XState machine
 * (the engine's `connectionMachine`, `nodeMachine`, `widgetMachine`, `engineMachine`, or your
 * own) into a plain graph, Mermaid text, an ELK layout, an SVG string, or a live React chart
 * that follows an actor. React is a peer dependency of this entry (`react-dom` too, for
 * `renderStateChartSvg`).
 * @packageDocumentation
 */
export { machineToGraph, transitionId, type ChartGraph, type ChartState, type ChartTransition } from './graph.js';
export { activeStateIds, takenTransitionIds, inferTransitionIds } from './active.js';
export { toMermaid } from './mermaid.js';
export { layoutChart, CHART_FONT, type ChartLayout, type ChartBox, type ChartEdge } from './layout.js';
export { StateChartSvg, type StateChartSvgProps } from './svg.js';
export { StateChart, useChartTrace, type StateChartProps, type ChartTrace } from './state-chart.js';
export { renderStateChartSvg, type RenderSvgOptions } from './render.js';
export { trackRemoteActors, type RemoteActor, type RemoteInspectionEvent } from './remote.js';
export { readTopology, layoutTopology, type Topology, type TopologyLayout } from './topology.js';
export { EngineInspector, CONNECTION_STATE_COLORS, type EngineInspectorProps } from './engine-inspector.js';
export type { EngineLike, ConnectionLike, WidgetLike, WidgetObservation, ActorLike, ActorSnapshotLike } from '../widgets/engine-like.js';
