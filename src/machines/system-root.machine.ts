import { setup, type AnyEventObject } from 'xstate';

/**
 * The silent root of one kind's actor system (the engine's nodes, widgets or connections join
 * it as children). XState sends a child's done and error events to its parent: a done event
 * needs nothing, and an error is thrown again outside XState, so a child's failure stays as loud
 * as a root actor's (an uncaught exception) instead of vanishing into a parent that ignores it.
 *
 * @example
 * ```ts
 * const root = createActor(systemRootMachine, { clock }).start();
 * const node = createActor(nodeMachine, { parent: root, input }).start();
 * ```
 */
export const systemRootMachine = setup({
  types: { events: {} as AnyEventObject },
  guards: {
    isChildError: ({ event }) => event.type.startsWith('xstate.error.actor'),
  },
  actions: {
    rethrow: ({ event }) => {
      const error: unknown = (event as { error?: unknown }).error;
      setTimeout(() => {
        throw error;
      });
    },
  },
}).createMachine({
  id: 'system',
  on: { '*': { guard: 'isChildError', actions: 'rethrow' } },
});
