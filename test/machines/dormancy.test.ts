import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition, type AnyStateMachine } from 'xstate';
import { connectionDormancy, connectionMachine, type ConnectionPort } from '../../src/machines/connection.machine.js';
import type { Dormancy } from '../../src/machines/dormancy.js';
import { nodeDormancy, nodeMachine } from '../../src/machines/node.machine.js';
import { widgetDormancy, widgetMachine } from '../../src/machines/widget.machine.js';

const port: ConnectionPort = { entered() {}, isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 5000, probeTimedOut() {} };
const sink = { ingest() {} };

// Each machine with an input and the action a dormant slot performs itself (the entry report).
const cases: ReadonlyArray<{ name: string; machine: AnyStateMachine; dormancy: Dormancy<never, object>; input: object; reports: boolean }> = [
  { name: 'node', machine: nodeMachine, dormancy: nodeDormancy as never, input: { nodeId: 'n', sink }, reports: false },
  { name: 'widget', machine: widgetMachine, dormancy: widgetDormancy as never, input: { widgetId: 'w', sink }, reports: false },
  { name: 'connection', machine: connectionMachine, dormancy: connectionDormancy as never, input: { connectionId: 'c', port }, reports: true },
];

type Action = { type: string; params?: { state?: string } };
const effects = (actions: readonly Action[]) => actions.map((a) => (a.type === 'report' ? `report:${a.params?.state}` : a.type));

describe.each(cases)('$name dormancy table', ({ machine, dormancy, input, reports }) => {
  const states = new Set([dormancy.initial, ...Object.keys(dormancy.on), ...Object.values(dormancy.on).flatMap((o) => Object.values(o))]);

  it('starts where the machine starts, with the context its factory makes', () => {
    const [snap, actions] = initialTransition(machine, input as never);
    expect(snap.value).toBe(dormancy.initial);
    expect(dormancy.context(input as never)).toEqual(snap.context);
    expect(effects(actions as Action[])).toEqual(reports ? [`report:${dormancy.initial}`] : []);
    expect(createActor(machine, { input } as never).getSnapshot().value).toBe(dormancy.initial);
  });

  it('names exactly the final states of the machine', () => {
    const finals = Object.entries(machine.root.states).filter(([, s]) => s.type === 'final').map(([k]) => k);
    expect([...dormancy.final].sort()).toEqual(finals.sort());
  });

  it('every state a dormant actor can be in has no timer (restoring it would lose the timer)', () => {
    for (const s of states) expect(machine.root.states[s]!.after, s).toEqual([]);
  });

  it('every edge is what XState computes: that target, same context, no action but the entry report', () => {
    let edges = 0;
    for (const [from, on] of Object.entries(dormancy.on)) {
      for (const [type, to] of Object.entries(on)) {
        const snapshot = machine.resolveState({ value: from, context: dormancy.context(input as never) });
        const [next, actions] = transition(machine, snapshot, { type } as never);
        expect(next.value, `${from} --${type}-->`).toBe(to);
        expect(next.context, `${from} --${type}--> keeps its context`).toBe(snapshot.context);
        expect(next.status).toBe(dormancy.final.includes(to) ? 'done' : 'active');
        expect(effects(actions as Action[]), `${from} --${type}--> actions`).toEqual(reports && to !== from ? [`report:${to}`] : []);
        edges++;
      }
    }
    expect(edges).toBeGreaterThan(0);
  });

  it('every direct event is what XState computes: that target, same context, and only ingestBatch', () => {
    for (const [from, on] of Object.entries(dormancy.direct ?? {})) {
      for (const [type, to] of Object.entries(on)) {
        const snapshot = machine.resolveState({ value: from, context: dormancy.context(input as never) });
        const [next, actions] = transition(machine, snapshot, { type, batch: { connectionId: 'c', port: 'in', messages: [] } } as never);
        expect(next.value, `${from} --${type}-->`).toBe(to);
        expect(next.context).toBe(snapshot.context);
        expect(effects(actions as Action[]), `${from} --${type}--> actions`).toEqual(['ingestBatch']);
        expect(machine.root.states[to]!.after, to).toEqual([]);
      }
    }
  });
});
