import { assign, setup, type ActorRefFrom } from 'xstate';

/**
 * Events of the engine root actor: lifecycle and topology changes (never data).
 *
 * @example
 * ```ts
 * engine.actor.send({ type: 'engine.stop' } satisfies EngineMachineEvent); // prefer engine.stop()
 * ```
 */
export type EngineMachineEvent =
  | { type: 'engine.start' }
  | { type: 'engine.stop' }
  | { type: 'engine.stopped' }
  | { type: 'topology.connectionAdded' }
  | { type: 'topology.connectionRemoved' };

/**
 * The engine's root actor: `running` accepts new connections, `stopping` drains them,
 * `stopped` holds nothing (a later `start()` runs again). Its context counts connections so an
 * inspector sees the topology size without asking the runtime.
 *
 * @example
 * ```ts
 * engine.actor.subscribe((s) => console.log(s.value, s.context.connections));
 * ```
 */
export const engineMachine = setup({
  types: {
    context: {} as { readonly connections: number },
    events: {} as EngineMachineEvent,
  },
  actions: {
    countAdded: assign({ connections: ({ context }) => context.connections + 1 }),
    countRemoved: assign({ connections: ({ context }) => Math.max(0, context.connections - 1) }),
  },
}).createMachine({
  id: 'engine',
  context: { connections: 0 },
  initial: 'running',
  on: {
    'topology.connectionAdded': { actions: 'countAdded' },
    'topology.connectionRemoved': { actions: 'countRemoved' },
  },
  states: {
    running: { on: { 'engine.stop': { target: 'stopping' } } },
    stopping: { on: { 'engine.stopped': { target: 'stopped' } } },
    stopped: { on: { 'engine.start': { target: 'running' } } },
  },
});

/**
 * The engine root actor.
 *
 * @example
 * ```ts
 * const ref: EngineActorRef = engine.actor;
 * ```
 */
export type EngineActorRef = ActorRefFrom<typeof engineMachine>;
