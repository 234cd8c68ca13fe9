import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * One state of a {@link ChartGraph}. `id` is XState's state node id (`connection.retrying`),
 * unique within a machine, so renderers and snapshots can name the same state.
 *
 * @example
 * ```ts
 * const s: ChartState = machineToGraph(connectionMachine).states.find((s) => s.key === 'settled')!;
 * s.type; // 'atomic'
 * ```
 */
export interface ChartState {
  readonly id: string;
  readonly key: string;
  /** The parent state's id; null for the machine root. */
  readonly parent: string | null;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Id of the initial child of a compound state, else null. */
  readonly initial: string | null;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly description: string | null;
}

/**
 * One transition. `kind` says what triggers it: an event, an eventless `always` check, or an
 * `after` delay. A transition with no `targets` runs its actions without leaving the state.
 *
 * @example
 * ```ts
 * const t: ChartTransition = machineToGraph(connectionMachine).transitions.find((t) => t.kind === 'always')!;
 * t.guard; // 'isPressured'
 * ```
 */
export interface ChartTransition {
  /** `<source id>|<event type>|<index>`: stable for a given machine definition. */
  readonly id: string;
  readonly source: string;
  readonly targets: readonly string[];
  readonly kind: 'event' | 'always' | 'after';
  /** The event type XState matches (`xstate.after.<delay>.<state id>` for delays, '' for always). */
  readonly eventType: string;
  /** A named delay (`resetTimeout`) or milliseconds; only for `after`. */
  readonly delay: string | number | null;
  readonly guard: string | null;
  readonly actions: readonly string[];
  readonly reenter: boolean;
  /** What a renderer writes on the edge: `event [guard] / actions`. */
  readonly label: string;
}

/**
 * A machine as plain data: every state node and every transition, in document order.
 *
 * @example
 * ```ts
 * const { states, transitions } = machineToGraph(connectionMachine);
 * ```
 */
export interface ChartGraph {
  /** The machine id (`connection`), also the root state's id. */
  readonly id: string;
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
}

// An inline arrow takes its name from the config key it sits under (`guard: () => ...`).
const fnName = (f: { name: string }) => (['', 'guard', 'actions', 'entry', 'exit'].includes(f.name) ? 'inline' : f.name);
// Actions XState adds itself (the raise/cancel that schedule `after` timers) are not the author's.
const nameOf = (a: unknown): string | null => {
  if (typeof a === 'string') return a;
  const type = (a as { type?: unknown } | null)?.type;
  if (typeof type === 'string') return type.startsWith('xstate.') ? null : type;
  return typeof a === 'function' ? fnName(a) : null;
};
const names = (xs: readonly unknown[] | undefined) => (xs ?? []).map(nameOf).filter((n): n is string => n !== null);

function guardName(g: unknown): string | null {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  const inner = (g as { guards?: unknown[] }).guards;
  const type = (g as { type?: string }).type ?? (typeof g === 'function' ? fnName(g) : 'guard');
  // Higher-order guards (and/or/not) keep their operands readable.
  if (inner) return `${type.replace(/^xstate\./, '')}(${inner.map(guardName).join(', ')})`;
  return type;
}

/**
 * Walks a machine's state nodes into a {@link ChartGraph}. It reads `StateNode`s rather than
 * `machine.toJSON()` because the JSON form drops `always` transitions.
 *
 * @example
 * ```ts
 * import { connectionMachine } from '@nodeflow/runtime';
 * import { machineToGraph } from '@nodeflow/runtime/inspect';
 * const graph = machineToGraph(connectionMachine);
 * graph.transitions.filter((t) => t.kind === 'after').map((t) => t.label); // ['after retryDelay / redeliver', ...]
 * ```
 */
export function machineToGraph(machine: AnyStateMachine): ChartGraph {
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  const visit = (node: AnyStateNode) => {
    const initial = node.type === 'compound' ? (node.initial?.target?.[0]?.id ?? null) : null;
    const entry = names(node.entry);
    const exit = names(node.exit);
    states.push({ id: node.id, key: node.key, parent: node.parent?.id ?? null, type: node.type, initial, entry, exit, description: node.description ?? null });
    const delays = new Map(node.after.map((t) => [t.eventType, t.delay]));
    for (const [eventType, list] of node.transitions) {
      list.forEach((t, i) => transitions.push(toTransition(node, t, eventType, i, delays.has(eventType) ? (delays.get(eventType) as string | number) : undefined)));
    }
    (node.always ?? []).forEach((t, i) => transitions.push(toTransition(node, t, '', i, undefined)));
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return { id: machine.root.id, states, transitions };
}

function toTransition(node: AnyStateNode, t: AnyTransitionDefinition, eventType: string, index: number, delay: string | number | undefined): ChartTransition {
  const kind = eventType === '' ? 'always' : delay !== undefined ? 'after' : 'event';
  const guard = guardName(t.guard);
  const actions = names(t.actions);
  const trigger = kind === 'always' ? 'always' : kind === 'after' ? `after ${typeof delay === 'number' ? `${delay}ms` : delay}` : eventType;
  const label = `${trigger}${guard ? ` [${guard}]` : ''}${actions.length ? ` / ${actions.join(', ')}` : ''}`;
  return {
    id: transitionId(node.id, eventType, index),
    source: node.id,
    targets: (t.target ?? []).map((s: AnyStateNode) => s.id),
    kind,
    eventType,
    delay: delay ?? null,
    guard,
    actions,
    reenter: t.reenter === true,
    label,
  };
}

/**
 * The graph id of a transition, from its source state id, event type and index among that
 * state's transitions for the event. Renderers use it to find the edge an actor just took.
 *
 * @example
 * ```ts
 * transitionId('connection.settled', '', 1); // 'connection.settled||1', the fallback to flowing
 * ```
 */
export function transitionId(sourceId: string, eventType: string, index: number): string {
  return `${sourceId}|${eventType}|${index}`;
}
