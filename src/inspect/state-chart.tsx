import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { AnyActorRef, AnyStateMachine, StateValue } from 'xstate';
import { activeStateIds, takenTransitionIds } from './active.js';
import { machineToGraph } from './graph.js';
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
 * `inspect` option of its own). One update per actor step, never per message.
 *
 * @example
 * ```tsx
 * const { value, taken } = useChartTrace(engine.getConnection(id).actor);
 * ```
 */
export function useChartTrace(actor: AnyActorRef | undefined): ChartTrace {
  const [trace, setTrace] = useState<ChartTrace>(() => ({ value: actor?.getSnapshot().value ?? null, taken: [] }));
  useEffect(() => {
    if (!actor) return;
    let pending: string[] = [];
    const inspection = actor.system.inspect((e) => {
      if (e.type === '@xstate.microstep' && e.actorRef === actor) pending.push(...takenTransitionIds(e._transitions));
    });
    const snapshots = actor.subscribe((s) => {
      const taken = pending;
      pending = [];
      setTrace((prev) => ({ value: s.value, taken: taken.length ? taken : prev.taken }));
    });
    setTrace({ value: actor.getSnapshot().value, taken: [] });
    return () => {
      inspection.unsubscribe();
      snapshots.unsubscribe();
    };
  }, [actor]);
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
  /** A running actor of that machine to follow: its state and last transition light up. */
  readonly actor?: AnyActorRef;
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
  const trace = useChartTrace(actor);
  const shown = actor ? trace : { value: value ?? null, taken: taken ?? [] };
  const active = useMemo(() => activeStateIds(graph, shown.value), [graph, shown.value]);
  const takenSet = useMemo(() => new Set(shown.taken), [shown.taken]);
  return (
    <div className="nodeflow-state-chart" data-machine={graph.id} data-layout={layout ? 'ready' : 'pending'} data-value={JSON.stringify(shown.value)} style={{ maxWidth: '100%' }}>
      {layout ? <StateChartSvg layout={layout} active={active} taken={takenSet} title={title} fit /> : <span>laying out {graph.id}…</span>}
    </div>
  );
}
