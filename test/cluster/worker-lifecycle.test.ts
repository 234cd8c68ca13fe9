// A worker's life beside its runs, coordinator and workers in one process (one nats-server): a
// worker that leaves mid-run hands its part to a replacement, a name already answered for is
// refused, a finished part's widgets are released, an orphaned part stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, executeOnCluster, natsCluster, splitWorkflow, startWorker, type ClusterEvent, type Sample } from '../../src/cluster/index.js';
import { decode, encode, subjects } from '../../src/cluster/protocol.js';
import { WorkflowEngine, type WorkflowDefinition } from '../../src/index.js';
import { natsServer } from '../support/nats-server.js';
import { work } from './fixtures/types.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()), 30_000);
afterAll(async () => await nats?.remove());

const engine = () => {
  const wf = new WorkflowEngine();
  wf.registerNodeType(work);
  return wf;
};
const config = { bufferSize: 100, maxBatchSize: 10 };
/** src here → a on `first` → b on `second` → sink here. */
const pipe = (n: number, rate: number, first: string, second: string): WorkflowDefinition => ({
  nodes: [
    { id: 'src', type: 'source.sequential', config: { count: n, rate } },
    { id: 'a', type: 'test.work', config: { us: 1 }, placement: first },
    { id: 'b', type: 'test.work', config: { us: 1 }, placement: second },
    { id: 'sink', type: 'sink.collector', config: { limit: 3 * n } },
  ],
  edges: [
    { id: 'e1', source: 'src', sourcePort: 'out', target: 'a', targetPort: 'in', config },
    { id: 'e2', source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in', config },
    { id: 'e3', source: 'b', sourcePort: 'out', target: 'sink', targetPort: 'in', config },
  ],
});

describe('a worker beside its runs', () => {
  it('worker.stop() mid-run is a leave: worker.left, and a replacement of that name finishes the part with everything delivered', async () => {
    // A frame on its way to the leaving worker as it unsubscribes is dropped by its client and
    // comes back only after ack_wait: short here, so such a run still ends well within the test.
    const cluster = natsCluster({ servers: nats.url, ackWaitMs: 3000 });
    const stays = await startWorker({ cluster, name: 'l1', workflowEngine: engine() });
    const first = await startWorker({ cluster, name: 'l2', workflowEngine: engine() });
    const N = 3000;
    const run = await executeOnCluster(new WorkflowEngine(), pipe(N, 2000, 'l1', 'l2'), { cluster, lostAfterMs: 1000 });
    const events: string[] = [];
    run.lifecycle$.subscribe((e: ClusterEvent) => 'worker' in e && e.worker === 'l2' && events.push(e.type));
    await new Promise<void>((resolve) => {
      const sub = run.status$.subscribe((s) => (s.nodes.sink?.received ?? 0) > 500 && queueMicrotask(() => (sub.unsubscribe(), resolve())));
    });
    await first.stop();
    const second = await startWorker({ cluster, name: 'l2', workflowEngine: engine() });
    const result = await run.done;
    expect(result.status).toBe('completed');
    const values = run.local.collected('sink') as number[];
    expect(values.filter((v, i) => values.indexOf(v) === i)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(events).toEqual(['worker.started', 'worker.left', 'worker.rejoined', 'worker.finished']);
    await Promise.all([stays.stop(), second.stop()]);
  }, 30_000);

  it('releases a finished part: a second run with the same widget id on the same worker runs', async () => {
    const cluster = natsCluster({ servers: nats.url });
    const worker = await startWorker({ cluster, name: 'r1', workflowEngine: engine() });
    const def: WorkflowDefinition = {
      nodes: [{ id: 'src', type: 'source.sequential', config: { count: 50 } }, { id: 'kept', type: 'sink.widget', placement: 'r1' }],
      edges: [{ source: 'src', sourcePort: 'out', target: 'kept', targetPort: 'in' }],
    };
    for (let i = 0; i < 2; i++) expect((await (await executeOnCluster(new WorkflowEngine(), def, { cluster })).done).metrics.nodes.kept).toMatchObject({ state: 'completed', received: 50 });
    await worker.stop();
  }, 30_000);

  it('refuses to start a second live worker of one name (NAME_IN_USE), and the CLI exits 1 saying so', async () => {
    const cluster = natsCluster({ servers: nats.url });
    const worker = await startWorker({ cluster, name: 'n1', workflowEngine: engine() });
    const error = await startWorker({ cluster, name: 'n1', workflowEngine: engine() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ reason: 'NAME_IN_USE', worker: 'n1' });
    const { main } = await import('../../src/cli.js');
    let err = '';
    expect(await main(['worker', '--nats', nats.url, '--name', 'n1'], () => undefined, (s) => void (err += s), new Promise(() => undefined))).toBe(1);
    expect(err).toContain('another worker named n1 is running');
    await worker.stop();
    // Gone: the name is free again.
    await (await startWorker({ cluster, name: 'n1', workflowEngine: engine() })).stop();
  }, 30_000);

  it('stops a part whose coordinator fell silent after orphanAfterMs, its last sample saying left', async () => {
    const cluster = natsCluster({ servers: nats.url });
    const worker = await startWorker({ cluster, name: 'o1', workflowEngine: engine(), orphanAfterMs: 500 });
    // A coordinator that sends the part and dies: nobody ticks the run's heartbeat.
    const def: WorkflowDefinition = { nodes: [{ id: 'src', type: 'source.sequential', config: { count: 1e9, rate: 100 }, placement: 'o1' }, { id: 'c', type: 'sink.collector', placement: 'o1' }], edges: [{ source: 'src', sourcePort: 'out', target: 'c', targetPort: 'in' }] };
    const part = splitWorkflow(def, {}).parts.find((p) => p.worker === 'o1')!;
    const link = await cluster.connect();
    const last = new Promise<Sample>((resolve) => link.subscribe(subjects.status('orphan-1', 'o1'), (d) => decode<Sample>(d).left && resolve(decode<Sample>(d))));
    expect(decode<{ ok: boolean }>(await link.request(subjects.start('o1'), encode({ run: 'orphan-1', worker: 'o1', definition: part.definition }), 2000)).ok).toBe(true);
    expect(worker.runs()).toEqual(['orphan-1']);
    expect(await last).toMatchObject({ left: true, state: 'stopped' });
    expect(worker.runs()).toEqual([]);
    await link.close();
    await worker.stop();
  }, 30_000);

  it('says "no responders" when no worker of that name subscribes (not a timeout); refuses bad natsCluster options and the name local', async () => {
    const cluster = natsCluster({ servers: nats.url });
    const e = await executeOnCluster(new WorkflowEngine(), pipe(10, 1000, 'absent', 'absent'), { cluster, startTimeoutMs: 5000 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ reason: 'WORKER_UNAVAILABLE', worker: 'absent', details: { noResponders: true } });
    expect((e as Error).message).toContain('no worker named absent is subscribed on this NATS (no responders)');
    expect((e as Error).message).not.toContain('within');
    expect(() => natsCluster({ servers: nats.url, ackWaitMs: -5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'ackWaitMs' } }));
    await expect(executeOnCluster(new WorkflowEngine(), pipe(10, 1000, 'local', 'w'), { cluster })).rejects.toMatchObject({ name: 'WorkflowValidationError' });
    await expect(startWorker({ cluster, name: 'local', workflowEngine: engine() })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  }, 30_000);
});
