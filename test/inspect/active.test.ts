import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { activeStateIds, inferTransitionIds, machineToGraph, takenTransitionIds } from '../../src/inspect/index.js';
import { connectionMachine, type ConnectionPort } from '../../src/index.js';
import { kitchenSink } from './support.js';

const port: ConnectionPort = { isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 5000, probeTimedOut() {} };

describe('active states and taken transitions', () => {
  it('activeStateIds walks nested and parallel values', () => {
    const g = machineToGraph(kitchenSink);
    expect(activeStateIds(g, { busy: { work: 'b', light: 'on' } })).toEqual(new Set(['sink', 'sink.busy', 'sink.busy.work', 'sink.busy.work.b', 'sink.busy.light', 'sink.busy.light.on']));
    expect(activeStateIds(g, 'nowhere')).toEqual(new Set(['sink']));
  });

  it('takenTransitionIds names the edges of a real macrostep, the transient settled hop included', () => {
    const actor = createActor(connectionMachine, { input: { connectionId: 'c', port } });
    const steps: string[][] = [];
    actor.system.inspect((e) => {
      if (e.type === '@xstate.microstep') steps.push(takenTransitionIds(e._transitions));
    });
    actor.start();
    actor.send({ type: 'breaker.open', openFor: 10 });
    actor.send({ type: 'breaker.close' });
    const ids = new Set(machineToGraph(connectionMachine).transitions.map((t) => t.id));
    expect(steps).toEqual([['connection|breaker.open|0'], ['connection|breaker.close|0'], ['connection.settled||1']]);
    expect(steps.flat().every((id) => ids.has(id))).toBe(true);
    actor.stop();
  });

  it('inferTransitionIds explains a snapshot step from its event, preferring the deepest source', () => {
    const g = machineToGraph(connectionMachine);
    const a = (v: string) => activeStateIds(g, v);
    expect(inferTransitionIds(g, a('halfOpen'), 'breaker.probeSucceeded', a('flowing'))).toEqual(['connection.halfOpen|breaker.probeSucceeded|0', 'connection.settled||1']);
    expect(inferTransitionIds(g, a('halfOpen'), 'breaker.probeSucceeded', a('backpressured'))).toEqual(['connection.halfOpen|breaker.probeSucceeded|0', 'connection.settled||0']);
    expect(inferTransitionIds(g, a('flowing'), 'breaker.open', a('circuitOpen'))).toEqual(['connection|breaker.open|0']);
    expect(inferTransitionIds(g, a('closing'), 'breaker.open', a('closing'))).toEqual(['connection.closing|breaker.open|0']);
    expect(inferTransitionIds(g, a('flowing'), 'mailbox.relief', a('flowing'))).toEqual([]);
  });
});
