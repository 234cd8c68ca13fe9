// A coordinator and a worker in one process (two WorkflowEngines, one nats-server): the plumbing
// of executeOnCluster end to end, fast; test/cluster/processes.test.ts does it with real processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, executeOnCluster, natsCluster, startWorker, type ClusterMetrics, type ClusterWorker } from '../../src/cluster/index.js';
import { WorkflowEngine, type WorkflowDefinition } from '../../src/index.js';
import { natsServer } from '../support/nats-server.js';
import { work } from './fixtures/types.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
let worker: ClusterWorker;
beforeAll(async () => {
  nats = await natsServer();
  const wf = new WorkflowEngine();
  wf.registerNodeType(work);
  worker = await startWorker({ cluster: natsCluster({ servers: nats.url }), name: 'w1', workflowEngine: wf });
}, 30_000);
afterAll(async () => {
  await worker?.stop();
  await nats?.remove();
});

const N = 3000;
const def: WorkflowDefinition = {
  id: 'pipe',
  nodes: [
    { id: 'src', type: 'source.sequential', config: { count: N } },
    { id: 'work', type: 'test.work', config: { us: 5 }, placement: 'w1' },
    { id: 'sink', type: 'sink.collector', config: { limit: N } },
  ],
  edges: [
    { id: 'in', source: 'src', sourcePort: 'out', target: 'work', targetPort: 'in', config: { bufferSize: 200, maxBatchSize: 50 } },
    { id: 'out', source: 'work', sourcePort: 'out', target: 'sink', targetPort: 'in', config: { bufferSize: 200, maxBatchSize: 50 } },
  ],
};

/** accepted = delivered + dropped + deadLettered + inFlight, for every edge of a sample. */
function conserved(m: ClusterMetrics): void {
  for (const [id, e] of Object.entries(m.edges)) expect(e.accepted, id).toBe(e.delivered + e.droppedTotal + e.deadLettered + e.inFlight);
}

describe('executeOnCluster, coordinator and worker in one process', () => {
  it('runs source here → work on w1 → sink here: every message, in order; metrics conserved at every sample', async () => {
    const wf = new WorkflowEngine();
    const run = await executeOnCluster(wf, def, { cluster: natsCluster({ servers: nats.url }) });
    const samples: ClusterMetrics[] = [];
    const sub = run.status$.subscribe(() => samples.push(run.metrics()));
    const events: string[] = [];
    run.lifecycle$.subscribe((e) => events.push(`${e.type}${'worker' in e ? ` ${e.worker}` : ''}`));
    // getMetrics() waits for a sample newer than the last one heard (here with no deadline to speak of).
    const seen = run.metrics().processes.w1?.seq ?? 0;
    const polled = await run.getMetrics(60_000);
    expect(polled.processes.w1!.seq).toBeGreaterThan(seen);
    samples.push(polled);
    const result = await run.done;
    sub.unsubscribe();
    expect(result.status).toBe('completed');
    expect(run.local.collected('sink')).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(samples.length).toBeGreaterThan(1);
    for (const m of samples) conserved(m);
    const final = result.metrics;
    conserved(final);
    expect(Object.keys(final.edges).sort()).toEqual(['in', 'out']);
    expect(final.edges.in).toMatchObject({ accepted: N, delivered: N, inFlight: 0 });
    expect(final.edges.out).toMatchObject({ accepted: N, delivered: N, inFlight: 0 });
    expect(final.edges.in!.transport).toMatchObject({ key: 'e0', from: 'local', to: 'w1' });
    expect(Object.keys(final.nodes).sort()).toEqual(['sink', 'src', 'work']);
    expect(final.nodes.work).toMatchObject({ state: 'completed', received: N, emitted: N });
    expect(events).toEqual(['worker.started w1', 'worker.finished w1', 'run.finished']);
    expect(worker.runs()).toEqual([]);
  }, 60_000);

  it('fails with a typed error, leaving nothing running, when a worker is absent or cannot run its part', async () => {
    const wf = new WorkflowEngine();
    const absent = { ...def, nodes: def.nodes.map((n) => (n.id === 'work' ? { ...n, placement: 'nobody' } : n)) };
    const e1 = await executeOnCluster(wf, absent, { cluster: natsCluster({ servers: nats.url }), startTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ClusterError);
    expect(e1).toMatchObject({ reason: 'WORKER_UNAVAILABLE', worker: 'nobody' });
    const unknown = { ...def, nodes: def.nodes.map((n) => (n.id === 'work' ? { ...n, type: 'test.nope' } : n)) };
    const e2 = await executeOnCluster(wf, unknown, { cluster: natsCluster({ servers: nats.url }) }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ name: 'ClusterError', reason: 'PART_REFUSED', worker: 'w1' });
    expect((e2 as Error).message).toContain("unknown type 'test.nope'");
    expect(worker.runs()).toEqual([]);
    // The coordinator's own nodes are checked here: nothing is sent for an invalid definition.
    await expect(executeOnCluster(wf, { ...def, nodes: [...def.nodes, { id: 'x', type: 'nope' }] }, { cluster: natsCluster({ servers: nats.url }) })).rejects.toMatchObject({ name: 'WorkflowValidationError' });
  }, 30_000);

  it('stop() ends the sources, and every message accepted anywhere reaches the sink, across both processes, before done settles as stopped', async () => {
    const wf = new WorkflowEngine();
    const slow = { ...def, nodes: def.nodes.map((n) => (n.id === 'src' ? { ...n, config: { count: 1_000_000, rate: 2000 } } : n)) };
    const run = await executeOnCluster(wf, slow, { cluster: natsCluster({ servers: nats.url }) });
    await new Promise<void>((resolve) => {
      const sub = run.status$.subscribe((s) => {
        if ((s.nodes.sink?.received ?? 0) > 100) queueMicrotask(() => (sub.unsubscribe(), resolve()));
      });
    });
    const result = await run.stop();
    expect(result.status).toBe('stopped');
    conserved(result.metrics);
    // Stopping every part at once left frames in transit on both edges: each outlet waited out
    // the timeout for settlements from an inlet already stopped, then dropped them (shutdown).
    const { in: e1, out: e2 } = result.metrics.edges;
    expect(e1).toMatchObject({ droppedTotal: 0, inFlight: 0, delivered: e1!.accepted });
    expect(e2).toMatchObject({ droppedTotal: 0, inFlight: 0, delivered: e2!.accepted, accepted: e1!.accepted });
    expect(run.local.collected('sink')).toEqual(Array.from({ length: e1!.accepted }, (_, i) => i));
    expect(result.nodes.src?.state).toBe('stopped');
    expect(worker.runs()).toEqual([]);
  }, 30_000);
});
