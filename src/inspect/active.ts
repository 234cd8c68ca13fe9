import type { AnyTransitionDefinition, StateValue } from 'xstate';
import { transitionId, type ChartGraph } from './graph.js';

/**
 * The ids of every active state for a snapshot `value`, the machine root included. It walks the
 * value against the graph (not the machine), so it also works for a graph rebuilt from a remote
 * inspector's definition.
 *
 * @example
 * ```ts
 * activeStateIds(machineToGraph(connectionMachine), 'retrying'); // Set { 'connection', 'connection.retrying' }
 * ```
 */
export function activeStateIds(graph: ChartGraph, value: StateValue | null | undefined): Set<string> {
  const children = new Map<string, Map<string, string>>();
  for (const s of graph.states) {
    if (s.parent === null) continue;
    let m = children.get(s.parent);
    if (!m) children.set(s.parent, (m = new Map()));
    m.set(s.key, s.id);
  }
  const active = new Set<string>([graph.id]);
  const walk = (parent: string, v: StateValue) => {
    if (typeof v === 'string') {
      const id = children.get(parent)?.get(v);
      if (id) active.add(id);
      return;
    }
    for (const [key, sub] of Object.entries(v)) {
      const id = children.get(parent)?.get(key);
      if (!id) continue;
      active.add(id);
      if (sub !== undefined) walk(id, sub);
    }
  };
  if (value !== null && value !== undefined) walk(graph.id, value);
  return active;
}

/**
 * Graph ids of the transitions XState reports in an `@xstate.microstep` inspection event
 * (`_transitions`), found by identity in their source state's lists.
 *
 * @example
 * ```ts
 * actor.system.inspect((e) => { if (e.type === '@xstate.microstep') console.log(takenTransitionIds(e._transitions)); });
 * ```
 */
export function takenTransitionIds(taken: readonly AnyTransitionDefinition[]): string[] {
  return taken.map((t) => {
    const list = t.eventType === '' ? (t.source.always ?? []) : (t.source.transitions.get(t.eventType) ?? []);
    return transitionId(t.source.id, t.eventType, Math.max(0, list.indexOf(t)));
  });
}

/**
 * Which transitions most likely explain a step from `before` to `after` active states on event
 * `eventType`, for viewers that only see snapshots (a WebSocket receiver): the deepest active
 * source handling the event whose targets became active, then any eventless `always` hops.
 *
 * @example
 * ```ts
 * inferTransitionIds(graph, activeStateIds(graph, 'halfOpen'), 'breaker.probeSucceeded', activeStateIds(graph, 'flowing'));
 * // ['connection.halfOpen|breaker.probeSucceeded|0', 'connection.settled||1']
 * ```
 */
export function inferTransitionIds(graph: ChartGraph, before: ReadonlySet<string>, eventType: string, after: ReadonlySet<string>): string[] {
  const depth = new Map<string, number>();
  const parentOf = new Map(graph.states.map((s) => [s.id, s.parent]));
  const depthOf = (id: string): number => depth.get(id) ?? (depth.set(id, 1 + (parentOf.get(id) ? depthOf(parentOf.get(id)!) : 0)), depth.get(id)!);
  // Transient states (settled) pass control on at once: follow their always edges to `after`.
  const settle = (targets: readonly string[], hops: number): string[] | null => {
    if (targets.every((t) => after.has(t))) return [];
    if (hops > graph.states.length) return null;
    for (const hop of graph.transitions) {
      if (hop.kind !== 'always' || !targets.includes(hop.source) || hop.targets.length === 0) continue;
      const rest = settle(hop.targets, hops + 1);
      if (rest) return [hop.id, ...rest];
    }
    return null;
  };
  const found = graph.transitions
    .filter((t) => t.eventType === eventType && eventType !== '' && before.has(t.source))
    .map((t) => ({ t, rest: settle(t.targets, 0) }))
    .filter((c): c is { t: (typeof c)['t']; rest: string[] } => c.rest !== null)
    .sort((a, b) => depthOf(b.t.source) - depthOf(a.t.source))[0];
  return found ? [found.t.id, ...found.rest] : [];
}
