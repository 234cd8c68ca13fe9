// Test fixtures for the inspect entry: a machine with every construct the engine's machines
// lack (parallel regions, nesting, a numeric delay, inline and higher-order guards, history),
// and an independent reading of a machine's *config object* to check the walker against.
import { and, assign, not, setup, type AnyStateMachine } from 'xstate';

export const kitchenSink = setup({
  types: { events: {} as { type: 'go' } | { type: 'stop' } | { type: 'toggle' } },
  guards: { isReady: () => true, isCold: () => false },
  actions: { log: () => {}, count: assign({}) },
}).createMachine({
  id: 'sink',
  initial: 'idle',
  states: {
    idle: { on: { go: [{ guard: and(['isReady', not('isCold')]), target: 'busy' }, { target: 'busy.work.a', actions: 'log' }] } },
    busy: {
      type: 'parallel',
      entry: ['count'],
      on: { stop: 'done', toggle: { target: '#sink.busy.light.on' } },
      states: {
        work: {
          initial: 'a',
          states: {
            a: { after: { 250: 'b' } },
            b: { always: { guard: ({ context }) => context !== undefined, target: 'a' } },
            hist: { type: 'history' },
          },
        },
        light: { initial: 'off', states: { off: { on: { toggle: 'on' } }, on: { on: { toggle: 'off' } } } },
      },
    },
    done: { type: 'final' },
  },
});

type Config = { states?: Record<string, Config>; on?: Record<string, unknown>; always?: unknown; after?: Record<string, unknown> };
const many = (v: unknown) => (Array.isArray(v) ? v.length : v === undefined ? 0 : 1);

/**
 * From the raw config (not the StateNodes): state paths, and transitions counted per
 * `<state path> <trigger>` (`on:<event>`, `always`, `after:<delay>`).
 */
export function fromConfig(machine: AnyStateMachine): { states: string[]; transitions: Map<string, number> } {
  const states: string[] = [];
  const transitions = new Map<string, number>();
  const visit = (c: Config, path: string) => {
    states.push(path);
    for (const [event, v] of Object.entries(c.on ?? {})) transitions.set(`${path} on:${event}`, many(v));
    if (c.always !== undefined) transitions.set(`${path} always`, many(c.always));
    for (const [delay, v] of Object.entries(c.after ?? {})) transitions.set(`${path} after:${delay}`, many(v));
    for (const [key, child] of Object.entries(c.states ?? {})) visit(child, `${path}.${key}`);
  };
  visit(machine.config as Config, machine.id);
  return { states, transitions };
}
