import { describe, expect, it } from 'vitest';
import { machineToGraph, type ChartGraph } from '../../src/inspect/index.js';
import { connectionMachine, engineMachine, nodeMachine, widgetMachine } from '../../src/index.js';
import { findMachines } from '../../scripts/state-charts.js';
import { fromConfig, kitchenSink } from './support.js';

// The walker's transitions keyed the way fromConfig keys the config.
function counted(g: ChartGraph): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of g.transitions) {
    const trigger = t.kind === 'always' ? 'always' : t.kind === 'after' ? `after:${t.delay}` : `on:${t.eventType}`;
    const key = `${t.source} ${trigger}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

describe('machineToGraph', () => {
  it('finds the four engine machines in src/machines', async () => {
    const found = await findMachines();
    expect(found.map((m) => m.machine)).toEqual(expect.arrayContaining([connectionMachine, engineMachine, nodeMachine, widgetMachine]));
  });

  it.each([connectionMachine, engineMachine, nodeMachine, widgetMachine, kitchenSink])('covers every state and transition of $id, as its config declares them', (machine) => {
    const g = machineToGraph(machine);
    const config = fromConfig(machine);
    expect(g.states.map((s) => s.id)).toEqual(config.states);
    expect(counted(g)).toEqual(config.transitions);
  });

  it('reads the connection machine: initial, final, always with guard, named delays, actions, re-entry', () => {
    const g = machineToGraph(connectionMachine);
    const state = (key: string) => g.states.find((s) => s.key === key)!;
    expect(state('connection').initial).toBe('connection.flowing');
    expect(['closed', 'failed'].map((k) => state(k).type)).toEqual(['final', 'final']);
    expect(state('circuitOpen')).toMatchObject({ entry: ['clearRetry', 'report'], exit: ['clearOpen'] });
    expect(state('retrying').entry).toEqual(['report']); // the after timer's own raise is XState's, not drawn
    const settled = g.transitions.filter((t) => t.source === 'connection.settled');
    expect(settled.map((t) => [t.kind, t.guard, t.targets])).toEqual([
      ['always', 'isPressured', ['connection.backpressured']],
      ['always', null, ['connection.flowing']],
    ]);
    const after = g.transitions.filter((t) => t.kind === 'after').map((t) => t.label);
    expect(after).toEqual(['after retryDelay / redeliver', 'after resetTimeout', 'after halfOpenTimeout / probeTimedOut']);
    expect(g.transitions.find((t) => t.source === 'connection.retrying' && t.eventType === 'delivery.retry')).toMatchObject({ reenter: true, targets: ['connection.retrying'] });
    expect(g.transitions.filter((t) => t.source === 'connection.closing' && t.targets.length === 0)).toHaveLength(3);
  });

  it('reads parallel regions, numeric delays, inline and higher-order guards, cross-region ids', () => {
    const g = machineToGraph(kitchenSink);
    expect(g.states.find((s) => s.id === 'sink.busy')).toMatchObject({ type: 'parallel', initial: null, entry: ['count'] });
    expect(g.states.find((s) => s.id === 'sink.busy.work.hist')?.type).toBe('history');
    const labels = g.transitions.map((t) => t.label);
    expect(labels).toContain('go [and(isReady, not(isCold))]');
    expect(labels).toContain('go / log');
    expect(labels).toContain('after 250ms');
    expect(g.transitions.find((t) => t.kind === 'always')?.guard).toBe('inline');
    expect(g.transitions.find((t) => t.source === 'sink.busy' && t.eventType === 'toggle')?.targets).toEqual(['sink.busy.light.on']);
  });
});
