import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { AnyStateMachine, StateValue } from 'xstate';
import type { ActorLike } from '../widgets/engine-like.js';
import { activeStateIds, inferTransitionIds, takenTransitionIds } from './active.js';
import { machineToGraph, type ChartGraph } from './graph.js';
import { layoutChart } from './layout.js';
import { useLayout } from './use-layout.js';
import { StateChartSvg } from './svg.js';

/**
 * What a live actor looks like to a chart: its current state value and the transitions of its
 * last step that took any (a step that handled nothing keeps the previous ones).
 *
 * @example
 * ```ts
 * const trace: ChartTrace = { value: 'flowing', taken: ['connection.settled||1'] };
 * ```
 */
export interface ChartTrace {
  readonly value: StateValue | null;
  readonly taken: readonly string[];
}

/**
 * Follows a live actor for a chart: its snapshots, and the transitions XState reports in
 * `@xstate.microstep` inspection events (through `actor.system.inspect`, so the actor needs no
 * `inspect` option of its own). An actor without `system.inspect` (a remote engine's mirror)
 * gets its transitions inferred from `graph`, the previous and new values and the snapshot's
 * `event`. One update per actor step, never per message.
 *
 * @example
 * ```tsx
 * const { value, taken } = useChartTrace(engine.getConnection(id).actor);
 * ```
 */
export function useChartTrace(actor: ActorLike | undefined, graph?: ChartGraph): ChartTrace {
  const [trace, setTrace] = useState<ChartTrace>(() => ({ value: (actor?.getSnapshot().value ?? null) as StateValue | null, taken: [] }));
  useEffect(() => {
    if (!actor) return;
    let pending: string[] = [];
    const system = actor.system;
    const inspection = system?.inspect?.((e) => {
      if (e.type === '@xstate.microstep' && (e.actorRef as unknown) === actor) pending.push(...takenTransitionIds(e._transitions));
    });
    let before = actor.getSnapshot().value as StateValue | null;
    const snapshots = actor.subscribe({
      next: (s) => {
        const value = s.value as StateValue;
        // Snapshots only (no inspection): the likeliest transitions for this step.
        if (!inspection && graph && s.event && before !== null) pending = inferTransitionIds(graph, activeStateIds(graph, before), s.event.type, activeStateIds(graph, value));
        before = value;
        const taken = pending;
        pending = [];
        setTrace((prev) => ({ value, taken: taken.length ? taken : prev.taken }));
      },
    });
    setTrace({ value: before, taken: [] });
    return () => {
      inspection?.unsubscribe();
      snapshots.unsubscribe();
    };
  }, [actor, graph]);
  return trace;
}

/**
 * Props of {@link StateChart}. With `actor`, the chart follows it; otherwise `value` and
 * `taken` (if given) say what to highlight, e.g. from a remote inspection stream.
 *
 * @example
 * ```ts
 * const props: StateChartProps = { machine: connectionMachine, value: 'halfOpen' };
 * ```
 */
export interface StateChartProps {
  /** The machine to draw, e.g. `connectionMachine` or one of your own. */
  readonly machine: AnyStateMachine;
  /**
   * A running actor of that machine to follow (an XState actor, or any {@link ActorLike}): its
   * state and last transition light up.
   */
  readonly actor?: ActorLike;
  /** Without `actor`: the state value to highlight (e.g. from a remote inspection stream). */
  readonly value?: StateValue | null;
  /** Without `actor`: the transition ids to draw as the last step taken. */
  readonly taken?: readonly string[];
  /** The SVG's accessible title. Default: `<machine id> state chart`. */
  readonly title?: string;
}

/**
 * A machine's state chart as SVG, laid out once with ELK, highlighting the active state(s) of
 * a live actor and the last transition it took. Renders `data-layout="pending"` until the
 * layout is ready (ELK is asynchronous).
 *
 * @example
 * ```tsx
 * import { StateChart } from '@nodeflow/runtime/inspect';
 * const c = engine.getConnection(id);
 * <StateChart machine={connectionMachine} actor={c.actor} />;
 * ```
 */
export function StateChart({ machine, actor, value, taken, title }: StateChartProps): ReactElement {
  const graph = useMemo(() => machineToGraph(machine), [machine]);
  const layout = useLayout(() => layoutChart(graph), [graph]);
  const trace = useChartTrace(actor, graph);
  const shown = actor ? trace : { value: value ?? null, taken: taken ?? [] };
  const active = useMemo(() => activeStateIds(graph, shown.value), [graph, shown.value]);
  const takenSet = useMemo(() => new Set(shown.taken), [shown.taken]);
  return (
    <div className="nodeflow-state-chart" data-machine={graph.id} data-layout={layout ? 'ready' : 'pending'} data-value={JSON.stringify(shown.value)} style={{ maxWidth: '100%' }}>
      {layout ? <StateChartSvg layout={layout} active={active} taken={takenSet} title={title} fit /> : <span>laying out {graph.id}…</span>}
    </div>
  );
}
