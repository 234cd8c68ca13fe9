import { createActor, setup } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActorSystems, retireActor } from '../../../src/actors/engine/actor-systems.js';
import { realClock } from '../../../src/clock.js';
import { systemRootMachine } from '../../../src/machines/system-root.machine.js';
import { simEngine } from '../../support/helpers.js';

afterEach(() => vi.useRealTimers());

describe('ActorSystems', () => {
  it('one system per kind per engine: nodes share one, connections another, the engine keeps its own', () => {
    const { engine } = simEngine();
    engine.createWidget('w1');
    engine.createWidget('w2');
    const c1 = engine.getConnection(engine.createConnection('a', 'w1', 'out', 'in'));
    const c2 = engine.getConnection(engine.createConnection('b', 'w2', 'out', 'in'));
    const a = engine.node('a');
    const b = engine.node('b');
    expect(a.actor.system).toBe(b.actor.system);
    expect(c1.actor.system).toBe(c2.actor.system);
    expect(engine.widget('w1').actor.system).toBe(engine.widget('w2').actor.system);
    const systems = new Set([a.actor.system, c1.actor.system, engine.widget('w1').actor.system, engine.actor.system]);
    expect(systems.size).toBe(4);
    engine.dispose();
  });

  it('every actor is retired when the engine stops, and a restarted engine makes fresh systems', async () => {
    const { engine } = simEngine();
    const c = engine.getConnection(engine.createConnection('a', 'b', 'out', 'in'));
    const n = engine.node('a');
    await engine.stop();
    expect(c.actor.getSnapshot().status).not.toBe('active');
    expect(n.actor.getSnapshot().status).not.toBe('active');
    engine.start();
    const n2 = engine.node('a');
    expect(n2.actor.getSnapshot().status).toBe('active');
    expect(n2.actor.system).not.toBe(n.actor.system);
    engine.dispose();
  });

  it('retireActor stops an active child or root, and leaves a finished one alone', () => {
    const systems = new ActorSystems(realClock, undefined);
    const idle = setup({}).createMachine({ initial: 'on', states: { on: {} } });
    const child = createActor(idle, { parent: systems.root('node') }).start();
    expect(() => child.stop()).toThrow(); // XState refuses to stop a child from outside
    retireActor(child);
    expect(child.getSnapshot().status).toBe('stopped');
    retireActor(child); // no-op
    const root = createActor(idle).start();
    retireActor(root);
    expect(root.getSnapshot().status).toBe('stopped');
    systems.stop();
  });

  it("a child's error is thrown again outside XState, as a root actor's would be, not swallowed by its parent", () => {
    vi.useFakeTimers();
    const root = createActor(systemRootMachine).start();
    const failing = setup({
      actions: {
        explode: () => {
          throw new Error('engine bug in an action');
        },
      },
    }).createMachine({ on: { go: { actions: 'explode' } } });
    const child = createActor(failing, { parent: root }).start();
    child.send({ type: 'go' });
    expect(child.getSnapshot().status).toBe('error');
    expect(() => vi.runAllTimers()).toThrow('engine bug in an action');
    root.stop();
  });
});
