import { castDraft, produce } from 'immer';
import { createMachine, type AnyStateMachine, type StateValue } from 'xstate';
import { activeStateIds, inferTransitionIds } from './active.js';
import { machineToGraph, type ChartGraph } from './graph.js';

/**
 * The fields this module reads from a `@statelyai/inspect` event (a `StatelyInspectionEvent`
 * as a `createWebSocketReceiver` delivers it), so the entry needs no dependency on that package.
 *
 * @example
 * ```ts
 * const e: RemoteInspectionEvent = { type: '@xstate.snapshot', sessionId: 'x:1', snapshot: { value: 'flowing' }, event: { type: 'breaker.close' } };
 * ```
 */
export interface RemoteInspectionEvent {
  readonly type: string;
  readonly sessionId: string;
  readonly name?: string;
  readonly definition?: string;
  /** `{ value, context, ... }` for actor and snapshot events. */
  readonly snapshot?: unknown;
  readonly event?: { readonly type: string };
}

/**
 * One remote actor as a viewer needs it: its machine (one you know by id, else rebuilt from the
 * definition the inspector sent), its state, its last transitions and its recent steps.
 *
 * @example
 * ```ts
 * const a: RemoteActor = tracker.actors().find((a) => a.name === 'connection')!;
 * <StateChart machine={a.machine!} value={a.value} taken={a.taken} />;
 * ```
 */
export interface RemoteActor {
  readonly sessionId: string;
  readonly name: string;
  readonly machine: AnyStateMachine | null;
  readonly value: StateValue | null;
  readonly context: unknown;
  readonly taken: readonly string[];
  /** The last `historySize` state changes, oldest first. */
  readonly history: readonly { readonly event: string; readonly from: StateValue | null; readonly to: StateValue }[];
}

/**
 * Folds a remote inspection stream into the actors it describes: the offline viewer's model
 * behind a local WebSocket relay. Pass the machines you have (`{ connection: connectionMachine }`,
 * by machine id) so charts keep their guards and document order; a definition received over
 * the wire has its keys sorted.
 *
 * @example
 * ```ts
 * import { createWebSocketReceiver } from '@statelyai/inspect';
 * const tracker = trackRemoteActors({ machines: { connection: connectionMachine } });
 * createWebSocketReceiver({ server: 'ws://127.0.0.1:8080' }).subscribe((e) => tracker.next(e));
 * ```
 */
export function trackRemoteActors(options: { machines?: Record<string, AnyStateMachine>; historySize?: number; onChange?: () => void } = {}) {
  const actors = new Map<string, RemoteActor & { graph: ChartGraph | null }>();
  const size = options.historySize ?? 20;
  const build = (name: string, definition: string | undefined): AnyStateMachine | null => {
    if (options.machines?.[name]) return options.machines[name];
    try {
      return definition ? createMachine(JSON.parse(definition)) : null;
    } catch {
      return null; // not a machine (a promise or callback actor): listed, never drawn
    }
  };
  return {
    next(e: RemoteInspectionEvent): void {
      const snap = e.snapshot as { value?: unknown; context?: unknown } | undefined;
      if (e.type === '@xstate.actor') {
        const name = e.name ?? e.sessionId;
        const machine = build(name, e.definition);
        const value = (snap?.value ?? null) as StateValue | null;
        actors.set(e.sessionId, { sessionId: e.sessionId, name, machine, graph: machine && machineToGraph(machine), value, context: snap?.context, taken: [], history: [] });
      } else if (e.type === '@xstate.snapshot') {
        const a = actors.get(e.sessionId);
        if (!a || snap?.value === undefined) return;
        const to = snap.value as StateValue;
        const event = e.event?.type ?? '';
        // The actor event may carry a later snapshot (events wait until the socket opens): the
        // init snapshot only sets the start, it is no step.
        const init = event === 'xstate.init';
        const taken = a.graph && a.value !== null && !init ? inferTransitionIds(a.graph, activeStateIds(a.graph, a.value), event, activeStateIds(a.graph, to)) : [];
        const changed = !init && JSON.stringify(to) !== JSON.stringify(a.value);
        // immer: the actor's record changes a few fields; the graph and everything else is shared.
        const next = produce(a, (d) => {
          if (changed) {
            d.history.push(castDraft({ event, from: a.value, to }));
            if (d.history.length > size) d.history.splice(0, d.history.length - size);
          }
          d.value = castDraft(to);
          d.context = snap.context;
          if (taken.length) d.taken = taken;
        });
        actors.set(e.sessionId, next);
        // A stopped or finished actor leaves the model, so a long-lived viewer stays bounded.
        const status = (snap as { status?: string }).status;
        if (status === 'stopped' || status === 'done' || status === 'error') actors.delete(e.sessionId);
      } else return;
      options.onChange?.();
    },
    actors(): RemoteActor[] {
      return [...actors.values()];
    },
  };
}
