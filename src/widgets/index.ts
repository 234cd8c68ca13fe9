/**
 * @nodeflow/runtime/widgets: the UI side. For now it exposes the widget actor's streams; the
 * React hook `useStreamData` and the components arrive with the widgets issue. React is a
 * peer dependency of this entry only.
 * @packageDocumentation
 */
export { WidgetRuntime, type WidgetOptions, type WidgetWindow, type WidgetFrame, type WidgetMetrics, type WidgetStatus } from '../actors/widget.js';
export { widgetMachine, type WidgetActorRef } from '../machines/widget.machine.js';
