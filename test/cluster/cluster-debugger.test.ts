// The debugger of a run across processes: a coordinator and in-process workers (two
// WorkflowEngines, one nats-server). The worker's map fails on multiples of 10, so its input edge
// retries and dead-letters them there; the coordinator must see those events, tagged with the
// worker, in run.events$ and in one debug export that StreamDebugger.importDebugData reads back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOnCluster, natsCluster, startWorker, type ClusterDebugEvent, type ClusterWorker } from '../../src/cluster/index.js';
import { StreamDebugger, WorkflowEngine, type WorkflowDefinition } from '../../src/index.js';
import { natsServer } from '../support/nats-server.js';
import { flaky } from './fixtures/types.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
const workers: ClusterWorker[] = [];
const engine = () => {
  const wf = new WorkflowEngine();
  wf.registerNodeType(flaky);
  return wf;
};
beforeAll(async () => {
  nats = await natsServer();
  workers.push(await startWorker({ cluster: natsCluster({ servers: nats.url }), name: 'w1', workflowEngine: engine() }));
  // A worker that may forward only 2 events per tick: the run below floods it.
  workers.push(await startWorker({ cluster: natsCluster({ servers: nats.url }), name: 'w2', workflowEngine: engine(), eventsPerTick: 2 }));
}, 30_000);
afterAll(async () => {
  for (const w of workers) await w.stop();
  await nats?.remove();
});

/**
 * src here → flaky map on `worker` (fails on multiples of 10: 2 retries, then a dead letter) →
 * sink here. One failing value in ten keeps the failure rate under the breaker's (it would open
 * and turn retries into half-open probes).
 */
const def = (worker: string, source: Record<string, unknown> = { count: 40 }): WorkflowDefinition => ({
  id: 'flaky',
  nodes: [
    { id: 'src', type: 'source.sequential', config: source },
    { id: 'map', type: 'test.flaky', config: { every: 10 }, placement: worker },
    { id: 'sink', type: 'sink.collector' },
  ],
  edges: [
    { id: 'in', source: 'src', sourcePort: 'out', target: 'map', targetPort: 'in', config: { maxBatchSize: 1, retryAttempts: 2, retryDelay: 1 } },
    { id: 'out', source: 'map', sourcePort: 'out', target: 'sink', targetPort: 'in' },
  ],
});
const of = (events: readonly ClusterDebugEvent[], process: string, type: string) => events.filter((e) => e.process === process && e.type === type);

describe('debugging a run across processes', () => {
  it('run.debugger (debug: true) records the worker retries and dead letters, tagged w1, beside the coordinator events; the export reads back with importDebugData', async () => {
    const run = await executeOnCluster(engine(), def('w1'), { cluster: natsCluster({ servers: nats.url }), debug: true });
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(run.local.collected('sink')).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((v) => v % 10 !== 0));
    expect(result.metrics.edges.in).toMatchObject({ deadLettered: 4 });
    expect(run.debugger.recording).toBe(false); // the run ended: so did the recording

    const history = run.debugger.getHistory();
    // 0, 10, 20 and 30 each: three failed attempts (two retries), then one dead letter, all on the worker.
    expect(of(history, 'w1', 'retry')).toHaveLength(8);
    expect(of(history, 'w1', 'error')).toHaveLength(12);
    expect(of(history, 'w1', 'dead.letter').map((e) => e.type === 'dead.letter' && e.data.count)).toEqual([1, 1, 1, 1]);
    expect(history.some((e) => e.type === 'circuit.change')).toBe(false);
    expect(history.filter((e) => e.type === 'retry' || e.type === 'error').every((e) => e.process === 'w1')).toBe(true);
    // The producer half here hears of them too, once their frames settle (the edge's accounting).
    expect(of(history, 'local', 'dead.letter').map((e) => e.connectionId)).toEqual(Array(4).fill(run.local.connectionId('in')));
    // The coordinator's own events: its nodes' transitions from the first one (recorded before the part started).
    expect(of(history, 'local', 'state.transition').some((e) => e.type === 'state.transition' && e.data.actorId === 'src' && e.data.to === 'completed')).toBe(true);
    const incarnations = new Set(history.filter((e) => e.process === 'w1').map((e) => e.incarnation));
    expect(incarnations.size).toBe(1);
    expect([...incarnations][0]).toMatch(/^\d+-/);
    // The worker's events are of its part only: no node of the coordinator named there.
    expect(history.filter((e) => e.process === 'w1' && e.type === 'state.transition' && e.data.actor === 'node').map((e) => e.type === 'state.transition' && e.data.actorId)).not.toContain('src');

    const data = run.debugger.exportDebugData();
    expect(data.history.events.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(data.cluster?.run).toBe(run.id);
    expect(data.cluster?.processes.w1).toMatchObject({ eventsDropped: 0, eventsForwarded: history.filter((e) => e.process === 'w1').length });
    expect(data.cluster?.processes.w1?.sample).toMatchObject({ worker: 'w1', state: 'completed' });
    expect(data.cluster?.processes.local?.sample).toMatchObject({ worker: 'local', state: 'completed' });
    expect((data.cluster?.metrics as { edges: Record<string, { deadLettered: number }> }).edges.in?.deadLettered).toBe(4);
    const back = StreamDebugger.importDebugData(JSON.stringify(data));
    expect(back).toEqual(data);
    expect(back.history.events.filter((e) => e.process === 'w1' && e.type === 'dead.letter')).toHaveLength(4);
    expect(() => StreamDebugger.importDebugData({ ...data, cluster: null })).toThrow(/cluster must list its processes/);
  }, 30_000);

  it('run.events$ starts the forwarding when subscribed and stops it when unsubscribed; every event names its process and incarnation', async () => {
    const run = await executeOnCluster(engine(), def('w1', { count: 60, rate: 100 }), { cluster: natsCluster({ servers: nats.url }) });
    expect(run.listening).toBe(false);
    const seen: ClusterDebugEvent[] = [];
    const deadLetter = new Promise<void>((resolve) => {
      const sub = run.events$.subscribe((e) => {
        seen.push(e);
        if (e.process === 'w1' && e.type === 'dead.letter') queueMicrotask(() => (sub.unsubscribe(), resolve()));
      });
    });
    expect(run.listening).toBe(true);
    await deadLetter;
    expect(run.listening).toBe(false);
    expect(seen.every((e) => (e.process === 'local' || e.process === 'w1') && typeof e.incarnation === 'string' && e.incarnation !== '')).toBe(true);
    expect(seen.some((e) => e.process === 'local')).toBe(true);
    // The worker heard `listen: off` before this poll, so its last batch arrived before its sample:
    // nothing more comes, though its map keeps failing (20, 30, 40, 50 are still to come).
    await run.getMetrics(5000);
    const forwarded = run.debugger.exportDebugData().cluster!.processes.w1!.eventsForwarded;
    expect((await run.done).status).toBe('completed');
    expect(run.debugger.exportDebugData().cluster!.processes.w1!.eventsForwarded).toBe(forwarded);
    expect(run.local.collected('sink')).toHaveLength(54);
  }, 30_000);

  it('a worker flooding past eventsPerTick forwards that many per tick and counts the rest as eventsDropped', async () => {
    const run = await executeOnCluster(engine(), def('w2'), { cluster: natsCluster({ servers: nats.url }), debug: { historySize: 1000 } });
    await run.done;
    const w2 = run.debugger.exportDebugData().cluster!.processes.w2!;
    expect(w2.eventsDropped).toBeGreaterThan(0);
    expect(w2.eventsForwarded + w2.eventsDropped).toBe(w2.eventsRecorded);
    expect(run.debugger.getHistory().filter((e) => e.process === 'w2')).toHaveLength(w2.eventsForwarded);
    // At least the 12 errors, 8 retries and 4 dead letters were recorded there.
    expect(w2.eventsRecorded).toBeGreaterThan(24);
    await expect(startWorker({ cluster: natsCluster({ servers: nats.url }), name: 'w9', workflowEngine: engine(), eventsPerTick: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  }, 30_000);
});
