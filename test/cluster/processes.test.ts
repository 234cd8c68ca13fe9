// The cluster with real processes: a coordinator (this test) and `nodeflow worker` child
// processes (src/ compiled by the test, as engine-lifetime.test.ts does) on a nats-server the
// test starts. One run goes source here → CPU-bound map on w1 → sink here; another loses its
// worker to kill -9 mid-stream and finishes on a replacement started with the same name; a third
// kills the relay (the map on w3, between two edges that cross) the same way; a fourth debugs a
// run whose worker dead-letters (its events reach the coordinator's debugger).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOnCluster, natsCluster, type ClusterEvent, type ClusterMetrics, type ClusterRun } from '../../src/cluster/index.js';
import { StreamDebugger, WorkflowEngine } from '../../src/index.js';
import { natsServer } from '../support/nats-server.js';

const root = path.resolve(import.meta.dirname, '../..');
let out = '';
let nats: Awaited<ReturnType<typeof natsServer>>;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  nats = await natsServer();
  mkdirSync(path.join(root, '.run'), { recursive: true });
  out = mkdtempSync(path.join(root, '.run', 'cluster-'));
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const flags = ['--ignoreConfig', 'test/cluster/worker-bin.ts', 'test/cluster/fixtures/types.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node', '--skipLibCheck', '--noCheck'];
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [tsc, ...flags], { cwd: root, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited ${code}`))));
  });
}, 120_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await nats?.remove();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Starts `nodeflow worker --name <name>` and resolves once it printed its ready line. */
function worker(name: string): Promise<ChildProcess> {
  const bin = path.join(out, 'test/cluster/worker-bin.js');
  const types = path.join(out, 'test/cluster/fixtures/types.js');
  const child = spawn(process.execPath, [bin, 'worker', '--nats', nats.url, '--name', name, '--types', types], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let text = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => ((text += d), text.includes(' ready on ') && resolve(child)));
    child.stderr!.on('data', (d) => (text += d));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before ready:\n${text}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));
const conserved = (m: ClusterMetrics) => Object.entries(m.edges).map(([id, e]) => [id, e.accepted - (e.delivered + e.droppedTotal + e.deadLettered + e.inFlight)]);
/** Every merged sample while the run lasts (one per status$ tick). */
function sampled(run: ClusterRun): ClusterMetrics[] {
  const samples: ClusterMetrics[] = [];
  run.status$.subscribe(() => samples.push(run.metrics()));
  return samples;
}
const next = (run: ClusterRun, type: ClusterEvent['type']) => new Promise<ClusterEvent>((r) => run.lifecycle$.subscribe((e) => e.type === type && r(e)));

describe('a workflow over a coordinator and worker processes', () => {
  it('source here → CPU-bound map on w1 → sink here: all in order, conserved at every sample; SIGTERM stops the worker cleanly', async () => {
    const w1 = await worker('w1');
    const N = 20_000;
    const run = await executeOnCluster(new WorkflowEngine(), {
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: N } },
        { id: 'work', type: 'test.work', config: { us: 10 }, placement: 'w1' },
        { id: 'sink', type: 'sink.collector', config: { limit: N } },
      ],
      edges: [
        { id: 'in', source: 'src', sourcePort: 'out', target: 'work', targetPort: 'in' },
        { id: 'out', source: 'work', sourcePort: 'out', target: 'sink', targetPort: 'in' },
      ],
    }, { cluster: natsCluster({ servers: nats.url }) });
    const samples = sampled(run);
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(run.local.collected('sink')).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(samples.length).toBeGreaterThan(2);
    for (const m of [...samples, result.metrics]) for (const [id, gap] of conserved(m)) expect(gap, String(id)).toBe(0);
    expect(samples.some((m) => (m.edges.in?.inFlight ?? 0) > 0)).toBe(true); // sampled mid-stream, not only at the end
    expect(result.metrics.edges.out).toMatchObject({ accepted: N, delivered: N, inFlight: 0, transport: { from: 'w1', to: 'local' } });
    expect(result.metrics.nodes.work).toMatchObject({ state: 'completed', received: N, emitted: N });
    w1.kill('SIGTERM');
    expect(await exited(w1)).toBe(0);
  }, 120_000);

  it('kill -9 of the worker mid-stream: its replacement re-joins, nothing is lost, duplicates stay within the in-flight window and are counted', async () => {
    const file = path.join(out, 'appended.txt');
    let w2 = await worker('w2');
    const N = 20_000;
    const bufferSize = 500;
    const run = await executeOnCluster(new WorkflowEngine(), {
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: N, rate: 8000 } },
        { id: 'keep', type: 'test.append', config: { file }, placement: 'w2' },
      ],
      edges: [{ id: 'e', source: 'src', sourcePort: 'out', target: 'keep', targetPort: 'in', config: { bufferSize, maxBatchSize: 50 } }],
    }, { cluster: natsCluster({ servers: nats.url, ackWaitMs: 2000 }), lostAfterMs: 1000 });
    const samples = sampled(run);
    const lost = next(run, 'worker.lost');
    const rejoined = next(run, 'worker.rejoined');
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
    while (lines() < 3000) await new Promise((r) => setTimeout(r, 20));
    w2.kill('SIGKILL');
    await exited(w2);
    expect(await lost).toMatchObject({ worker: 'w2' });
    w2 = await worker('w2');
    expect(await rejoined).toMatchObject({ worker: 'w2' });
    const result = await run.done;
    expect(result.status).toBe('completed');
    const values = readFileSync(file, 'utf8').trim().split('\n').map(Number);
    expect(new Set(values)).toEqual(new Set(Array.from({ length: N }, (_, i) => i)));
    const duplicates = values.length - N;
    expect(duplicates).toBeLessThanOrEqual(bufferSize);
    const consumer = result.metrics.edges.e!.transport!.consumer!;
    if (duplicates > 0) expect(consumer.redelivered ?? 0).toBeGreaterThan(0);
    for (const m of [...samples, result.metrics]) for (const [id, gap] of conserved(m)) expect(gap, String(id)).toBe(0);
    expect(result.metrics.edges.e).toMatchObject({ accepted: N, delivered: N, inFlight: 0 });
    w2.kill('SIGTERM');
    expect(await exited(w2)).toBe(0);
  }, 120_000);

  it('kill -9 of the relay (source here → CPU-bound map on w3 → sink here) mid-stream: nothing lost, order kept, duplicates within the in-flight window and counted, conserved at every sample', async () => {
    let w3 = await worker('w3');
    const N = 20_000;
    const bufferSize = 500;
    const maxBatchSize = 50;
    const config = { bufferSize, maxBatchSize };
    const run = await executeOnCluster(new WorkflowEngine(), {
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: N, rate: 8000 } },
        { id: 'work', type: 'test.work', config: { us: 20 }, placement: 'w3' },
        { id: 'sink', type: 'sink.collector', config: { limit: 2 * N } },
      ],
      edges: [
        { id: 'in', source: 'src', sourcePort: 'out', target: 'work', targetPort: 'in', config },
        { id: 'out', source: 'work', sourcePort: 'out', target: 'sink', targetPort: 'in', config },
      ],
    }, { cluster: natsCluster({ servers: nats.url, ackWaitMs: 2000 }), lostAfterMs: 1000 });
    const samples = sampled(run);
    const lost = next(run, 'worker.lost');
    const rejoined = next(run, 'worker.rejoined');
    await new Promise<void>((resolve) => {
      const sub = run.status$.subscribe((s) => (s.nodes.sink?.received ?? 0) > 3000 && queueMicrotask(() => (sub.unsubscribe(), resolve())));
    });
    w3.kill('SIGKILL');
    await exited(w3);
    expect(await lost).toMatchObject({ worker: 'w3' });
    w3 = await worker('w3');
    expect(await rejoined).toMatchObject({ worker: 'w3' });
    const result = await run.done;
    expect(result.status).toBe('completed');
    const values = run.local.collected('sink') as number[];
    // Nothing lost, and in order: the first time each value arrives, it is the next one.
    const firsts = values.filter((v, i) => values.indexOf(v) === i);
    expect(firsts).toEqual(Array.from({ length: N }, (_, i) => i));
    // Duplicates: results of the input frames w3 had not settled when it died (the relay settles
    // an input frame only once its outputs are stored on the outgoing edge), which JetStream
    // redelivered to the replacement: at most the input edge's bufferSize, and counted there.
    const duplicates = values.length - N;
    expect(duplicates).toBeLessThanOrEqual(bufferSize);
    const redelivered = result.metrics.edges.in!.transport!.consumer!.redelivered ?? 0;
    expect(duplicates).toBeLessThanOrEqual(redelivered * maxBatchSize);
    for (const m of [...samples, result.metrics]) for (const [id, gap] of conserved(m)) expect(gap, String(id)).toBe(0);
    expect(result.metrics.edges.in).toMatchObject({ accepted: N, delivered: N, inFlight: 0 });
    // The edge out of the relay is counted by its producer's CURRENT incarnation: the replacement.
    const out = result.metrics.edges.out!;
    expect(out).toMatchObject({ delivered: out.accepted, inFlight: 0, droppedTotal: 0 });
    expect(out.accepted).toBeLessThan(N);
    expect(result.metrics.processes.w3!.incarnation).not.toBe(samples.find((m) => m.processes.w3)!.processes.w3!.incarnation);
    w3.kill('SIGTERM');
    expect(await exited(w3)).toBe(0);
  }, 120_000);

  it("the coordinator's debugger records the retries and dead letters of a `nodeflow worker` process, tagged with it; the export reads back", async () => {
    const w4 = await worker('w4');
    const run = await executeOnCluster(new WorkflowEngine(), {
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: 40 } },
        { id: 'map', type: 'test.flaky', config: { every: 10 }, placement: 'w4' },
        { id: 'sink', type: 'sink.collector' },
      ],
      edges: [
        { id: 'in', source: 'src', sourcePort: 'out', target: 'map', targetPort: 'in', config: { maxBatchSize: 1, retryAttempts: 2, retryDelay: 1 } },
        { id: 'out', source: 'map', sourcePort: 'out', target: 'sink', targetPort: 'in' },
      ],
    }, { cluster: natsCluster({ servers: nats.url }), debug: true });
    const result = await run.done;
    expect(result.metrics.edges.in).toMatchObject({ deadLettered: 4, delivered: 36 });
    const back = StreamDebugger.importDebugData(JSON.stringify(run.debugger.exportDebugData()));
    const there = back.history.events.filter((e) => e.process === 'w4');
    expect(there.filter((e) => e.type === 'retry')).toHaveLength(8);
    expect(there.filter((e) => e.type === 'dead.letter')).toHaveLength(4);
    // Its incarnation is the child's: pid first.
    expect([...new Set(there.map((e) => e.incarnation))]).toEqual([expect.stringMatching(new RegExp(`^${w4.pid}-`))]);
    expect(back.cluster?.processes.w4).toMatchObject({ eventsDropped: 0, eventsForwarded: there.length, sample: { worker: 'w4', state: 'completed' } });
    w4.kill('SIGTERM');
    expect(await exited(w4)).toBe(0);
  }, 120_000);
});
