import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, NodeflowError, StreamEngine, type DeadLetter } from '../../src/index.js';
import { threadNode, threadPool, type ThreadPool } from '../../src/threads/index.js';
import { fixture, workerEntry } from './entry.js';
import { threadPipeline, type PipelineOptions } from './thread-pipeline.js';
import { until } from '../support/until.js';

const engines: StreamEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

/** src -> heavy (on workers) -> sink, with what the sink got and the dead letters. */
function pipeline(pool: ThreadPool, exportName: string, options: PipelineOptions & { delivery?: 'ordered' | 'unordered' } = {}) {
  let heavy!: ReturnType<typeof threadNode>;
  const t = threadPipeline(engines, (e) => (heavy = threadNode(e, 'heavy', { kind: 'module', module: fixture('work.mjs'), export: exportName }, { pool, delivery: options.delivery ?? 'ordered' })), options);
  return { ...t, heavy };
}


describe('threadNode on worker_threads', () => {
  it('runs every batch on two workers and delivers the outputs in order; the input connection settles to delivered = accepted', async () => {
    const pool = threadPool({ size: 2, entry: workerEntry() });
    const t = pipeline(pool, 'double');
    const values = Array.from({ length: 2000 }, (_, i) => i);
    await t.send(values);
    await until(() => t.got.length === 2000);
    expect(t.got).toEqual(values.map((v) => v * 2));
    await until(() => t.input().stats().inFlight === 0);
    expect(t.input().stats()).toMatchObject({ accepted: 2000, delivered: 2000, deadLettered: 0, inFlight: 0 });
    const r = t.heavy.readout();
    expect(r.sent).toBe(r.outstandingMessages + r.settledMessages + r.abandonedMessages);
    expect(pool.stats().workers).toBe(2);
    await t.engine.stop();
    await until(() => pool.stats().workers === 0);
  });

  it('a graceful stop right after the writes delivers every output: the output connection closes only after the input one (source-first)', async () => {
    const pool = threadPool({ size: 1, entry: workerEntry() });
    const t = pipeline(pool, 'double');
    const values = Array.from({ length: 500 }, (_, i) => i);
    await t.send(values);
    const output = t.engine.getConnection('heavy:out->sink:in');
    await t.engine.stop();
    expect(t.got).toEqual(values.map((v) => v * 2));
    expect(output.stats()).toMatchObject({ accepted: 500, delivered: 500, droppedTotal: 0 });
    expect(t.heavy.readout().abandonedMessages).toBe(0);
    await until(() => pool.stats().workers === 0);
  });

  it.each([1, 5])('a node fed by two connections delivers both when the frame cap (maxFrames %i) fills: each waiting input gets its turn', async (maxFrames) => {
    const engine = new StreamEngine();
    engines.push(engine);
    threadNode(engine, 'w', { kind: 'module', module: fixture('work.mjs'), export: 'double' }, { pool: threadPool({ entry: workerEntry() }), maxFrames });
    const inputs = ['a', 'b'].map((s) => engine.getConnection(engine.createConnection(s, 'w', 'out', 'in', { maxBatchSize: 1 })));
    const got: number[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data as number)) });
    engine.createConnection('w', 'sink', 'out', 'in');
    await Promise.all(inputs.flatMap((c, k) => Array.from({ length: 20 }, (_, i) => c.writer.write({ id: k * 100 + i, timestamp: 0, sourceNodeId: 'ab'[k]!, targetNodeId: 'w', port: 'out', data: k * 100 + i }))));
    await until(() => inputs.every((c) => c.stats().inFlight === 0 && c.stats().delivered === 20), 'both inputs delivered');
    expect(got.filter((v) => v < 200)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect(got.filter((v) => v >= 200)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (100 + i)));
  });

  it('keeps the input order across two workers that finish out of order (ordered), and delivers everything once when unordered', async () => {
    for (const delivery of ['ordered', 'unordered'] as const) {
      const t = pipeline(threadPool({ size: 2, entry: workerEntry() }), 'jitter', { delivery });
      const values = Array.from({ length: 300 }, (_, i) => i);
      await t.send(values);
      await until(() => t.got.length === 300);
      if (delivery === 'ordered') expect(t.got).toEqual(values);
      else expect([...(t.got as number[])].sort((a, b) => a - b)).toEqual(values);
      await t.engine.stop();
    }
  });

  it('counts the frames at the workers in the input connection: it backs up (backpressured, writer waits) while a slow worker holds them, within bufferSize', async () => {
    const pool = threadPool({ entry: workerEntry() });
    const t = pipeline(pool, 'slow');
    const states = new Set<string>();
    let maxInFlight = 0;
    let maxOutstanding = 0;
    const watch = setInterval(() => {
      const st = t.input().stats();
      states.add(st.state);
      maxInFlight = Math.max(maxInFlight, st.inFlight);
      maxOutstanding = Math.max(maxOutstanding, t.heavy.readout().outstandingMessages);
    }, 1);
    await t.send(Array.from({ length: 600 }, (_, i) => i)); // the writer waits for room
    await until(() => t.got.length === 600);
    clearInterval(watch);
    expect(states.has('backpressured')).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(200);
    expect(maxOutstanding).toBeGreaterThan(0);
    expect(t.input().stats()).toMatchObject({ accepted: 600, delivered: 600, inFlight: 0, droppedTotal: 0 });
  });

  it('outputs a full downstream connection refuses wait for its room, so nothing is lost and the frame settles only then', async () => {
    const engine = new StreamEngine();
    engines.push(engine);
    const pool = threadPool({ entry: workerEntry() });
    threadNode(engine, 'x', { kind: 'module', module: fixture('work.mjs'), export: 'double' }, { pool });
    const down = engine.createConnection('x', 'sink', 'out', 'in', { bufferSize: 20, maxBatchSize: 10, batchTimeout: 1 });
    const got: unknown[] = [];
    // A slow sink: 2 ms per batch, so the downstream connection fills.
    engine.node('sink', { process: (b) => new Promise<void>((r) => setTimeout(() => (got.push(...b.messages.map((m) => m.data)), r()), 2)) });
    const input = engine.createConnection('a', 'x', 'out', 'in', { bufferSize: 100, maxBatchSize: 10, batchTimeout: 1 });
    const w = engine.getConnection(input).writer;
    for (let i = 0; i < 300; i++) await w.write({ id: i, timestamp: 0, sourceNodeId: 'a', targetNodeId: 'x', port: 'out', data: i });
    await until(() => got.length === 300);
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i * 2));
    // Refused as full (so the waiting path ran), then taken: none dropped, none lost.
    expect(engine.getConnection(down).stats().refused).toBeGreaterThan(0);
    expect(engine.getConnection(down).stats()).toMatchObject({ droppedTotal: 0, delivered: 300 });
    expect(engine.getConnection(input).stats()).toMatchObject({ accepted: 300, delivered: 300, inFlight: 0 });
  });

  it('a function that throws fails the batch like an in-thread delivery: retried, then dead-lettered, counted', async () => {
    const t = pipeline(threadPool({ entry: workerEntry() }), 'faulty', { retryAttempts: 2 });
    await t.send([1, 2, -1, 4]);
    await until(() => t.dead.length === 1 && t.input().stats().inFlight === 0);
    expect(t.dead[0]!.attempts).toBe(3);
    expect((t.dead[0]!.error as Error).message).toContain('bad value -1');
    // Counted in the input connection as an in-thread failure would be: 3 failed attempts, 2 retries.
    expect(t.input().stats()).toMatchObject({ accepted: 4, deadLettered: t.dead[0]!.messages.length, delivered: 4 - t.dead[0]!.messages.length, failedAttempts: 3, retries: 2 });
  });

  it('a worker that hangs past deliveryTimeout times the batch out (DELIVERY_TIMEOUT) and is replaced', async () => {
    const pool = threadPool({ entry: workerEntry() });
    const t = pipeline(pool, 'faulty', { deliveryTimeout: 300 });
    await t.send([-3]);
    await until(() => t.dead.length === 1);
    expect((t.dead[0]!.error as NodeflowError).code).toBe('DELIVERY_TIMEOUT');
    expect(pool.stats()).toMatchObject({ timedOut: 1, respawned: 1 });
    await t.send([5]); // the replacement works
    await until(() => t.got.length === 1);
    expect(t.got).toEqual([6]);
  });

  it('a worker that dies has its batches run again on a fresh worker, counted', async () => {
    // The marker file tells the fixture it died once already; its folder goes with the test.
    const marked = mkdtempSync(path.join(tmpdir(), 'nf-threads-'));
    process.env.NODEFLOW_THREADS_MARKER = path.join(marked, 'died');
    try {
      const pool = threadPool({ entry: workerEntry() });
      const t = pipeline(pool, 'diesOnce');
      await t.send([1, -2, 3]);
      await until(() => t.got.length === 3);
      expect(t.got).toEqual([1, -2, 3]);
      expect(pool.stats().respawned).toBe(1);
      expect(pool.stats().requeued).toBeGreaterThanOrEqual(1);
      expect(t.dead).toEqual([]);
    } finally {
      delete process.env.NODEFLOW_THREADS_MARKER;
      rmSync(marked, { recursive: true, force: true });
    }
  });

  it('a self-contained function crosses by its source; one that closes over a name fails with THREAD_FUNCTION_NOT_PORTABLE', async () => {
    const engine = new StreamEngine();
    engines.push(engine);
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 0 }));
    const dead: DeadLetter[] = [];
    engine.deadLetters$.subscribe((d) => dead.push(d));
    const factor = 3;
    const pool = threadPool({ entry: workerEntry() });
    threadNode(engine, 'ok', { kind: 'function', fn: (vs) => vs.map((v) => (v as number) + 1) }, { pool });
    threadNode(engine, 'bad', { kind: 'function', fn: (vs) => vs.map((v) => (v as number) * factor) }, { pool });
    const got: unknown[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    for (const id of ['ok', 'bad']) engine.createConnection(id, 'sink', 'out', 'in', { batchTimeout: 1 });
    await engine.getConnection(engine.createConnection('a', 'ok', 'out', 'in', { batchTimeout: 1 })).writer.write({ id: 1, timestamp: 0, sourceNodeId: 'a', targetNodeId: 'ok', port: 'out', data: 1 });
    await engine.getConnection(engine.createConnection('b', 'bad', 'out', 'in', { batchTimeout: 1 })).writer.write({ id: 1, timestamp: 0, sourceNodeId: 'b', targetNodeId: 'bad', port: 'out', data: 1 });
    await until(() => got.length === 1 && dead.length === 1);
    expect(got).toEqual([2]);
    expect((dead[0]!.error as NodeflowError).code).toBe('THREAD_FUNCTION_NOT_PORTABLE');
    const o = { run(vs: unknown[]) { return vs; } };
    expect(() => threadNode(engine, 'm', { kind: 'function', fn: o.run }, { pool })).toThrow(expect.objectContaining({ code: 'THREAD_FUNCTION_NOT_PORTABLE' }));
  });

  it("engine.node(id, { thread }) runs the node's batches on the pool; a bad thread option is refused before the node exists", async () => {
    const engine = new StreamEngine({ batchTimeout: 1 });
    engines.push(engine);
    const pool = threadPool({ entry: workerEntry() });
    expect(() => engine.node('x', { thread: { pool: {} as ThreadPool, work: { kind: 'function', fn: (v) => v } } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => engine.node('x', { process: () => {}, thread: { pool, work: { kind: 'function', fn: (v) => v } } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(engine.findNode('x')).toBeUndefined();
    engine.node('x', { thread: { pool, work: { kind: 'module', module: fixture('work.mjs'), export: 'double' } } });
    const got: unknown[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    engine.createConnection('x', 'sink', 'out', 'in', { batchTimeout: 1 });
    const w = engine.getConnection(engine.createConnection('a', 'x', 'out', 'in', { batchTimeout: 1 })).writer;
    for (let i = 0; i < 3; i++) await w.write({ id: i, timestamp: 0, sourceNodeId: 'a', targetNodeId: 'x', port: 'out', data: i });
    await until(() => got.length === 3);
    expect(got).toEqual([0, 2, 4]);
    await engine.stop();
    await until(() => pool.stats().workers === 0);
  });

  it('refuses a worker entry that does not exist (MISSING_DEPENDENCY) instead of starting workers that die at birth', () => {
    expect(() => threadPool({ entry: new URL('file:///nonexistent/worker-node.js') })).toThrow(expect.objectContaining({ code: 'MISSING_DEPENDENCY' }));
  });

  it('engine.dispose() leaves no worker running', async () => {
    const pool = threadPool({ size: 2, entry: workerEntry() });
    const t = pipeline(pool, 'faulty', { deliveryTimeout: 60_000 });
    await t.send([1, -3, -3]); // two workers busy for good
    await until(() => pool.stats().running >= 1);
    const workersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;
    t.engine.dispose();
    await until(() => pool.stats().workers === 0);
    await until(() => process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length < workersBefore);
    expect(pool.stats()).toMatchObject({ workers: 0, running: 0, queued: 0 });
  });
});
