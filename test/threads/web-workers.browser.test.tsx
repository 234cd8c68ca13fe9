// threadNode on real Web Workers in Chromium: the browser half of test/threads/thread-node.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine, type NodeflowError } from '../../src/index.js';
import { threadNode, threadPool, type ThreadFn, type ThreadPool } from '../../src/threads/web.js';
import { threadPipeline } from './thread-pipeline.js';

declare const self: { name: string; close(): void };

const engines: StreamEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

/** Workers named `first`, `second`, ... (a function reads `self.name`), each remembered with whether it was terminated. */
function namedWorkers() {
  const made: { name: string; terminated: boolean }[] = [];
  const names = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
  const entry = (): Worker => {
    const record = { name: names[made.length] ?? `w${made.length}`, terminated: false };
    made.push(record);
    const w = new Worker(new URL('../../src/threads/worker-web.ts', import.meta.url), { type: 'module', name: record.name });
    const terminate = w.terminate.bind(w);
    w.terminate = () => ((record.terminated = true), terminate());
    return w;
  };
  return { made, entry };
}

/** src -> heavy (on Web Workers) -> sink, with what the sink got, the dead letters and the peaks of its input. */
function pipeline(pool: ThreadPool, fn: ThreadFn, o: { retryAttempts?: number; deliveryTimeout?: number } = {}) {
  let heavy!: ReturnType<typeof threadNode>;
  const t = threadPipeline(engines, (e) => (heavy = threadNode(e, 'heavy', { kind: 'function', fn }, { pool })), { ...o, outBatch: 50 });
  let peak = 0;
  let peakFrames = 0;
  const send = async (values: readonly number[]) => {
    for (const data of values) {
      await t.write(data);
      peak = Math.max(peak, t.input().stats().inFlight);
      peakFrames = Math.max(peakFrames, heavy.readout().outstandingFrames);
    }
  };
  return { ...t, heavy, send, peaks: () => ({ inFlight: peak, frames: peakFrames }) };
}

const waitFor = (cond: () => boolean, timeout = 15_000) => expect.poll(cond, { timeout, interval: 5 }).toBe(true);

describe('threadNode on Web Workers', () => {
  it('a 10 µs/msg node runs in a worker and delivers everything in order, its input occupancy bounded by bufferSize', async () => {
    const pool = threadPool({ size: 1 });
    // Busy-waits 10 µs per message, per batch (performance.now() is coarsened to 100 µs in a page
    // that is not cross-origin isolated); marks a value run on the page, not in a worker, with +0.5.
    const t = pipeline(pool, (values) => {
      const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
      const end = performance.now() + values.length * 0.01;
      while (performance.now() < end);
      return values.map((v) => (v as number) * 2 + (inWorker ? 0 : 0.5));
    });
    const values = Array.from({ length: 3000 }, (_, i) => i);
    await t.send(values);
    await waitFor(() => t.got.length === 3000);
    expect(t.got).toEqual(values.map((v) => v * 2));
    await waitFor(() => t.input().stats().inFlight === 0);
    const s = t.input().stats();
    expect(s).toMatchObject({ accepted: 3000, delivered: 3000, deadLettered: 0, droppedTotal: 0 });
    // The writer outran the worker, so the connection backpressured, and what waited for the
    // worker (mailbox, batch out, frames at the pool) never passed the buffer.
    expect(s.backpressureEvents).toBeGreaterThan(0);
    expect(t.peaks().inFlight).toBeGreaterThan(0);
    expect(t.peaks().inFlight).toBeLessThanOrEqual(200);
    expect(t.peaks().frames).toBeLessThanOrEqual(200 / 10);
    const r = t.heavy.readout();
    expect(r.sent).toBe(r.outstandingMessages + r.settledMessages + r.abandonedMessages);
  });

  it('a function that throws fails the batch as in Node: retried, then dead-lettered; the rest is delivered in order', async () => {
    const t = pipeline(threadPool(), (values) => {
      if (values.includes(-1)) throw new Error('bad value -1');
      return values;
    }, { retryAttempts: 2 });
    await t.send([1, 2, -1, 4]);
    await waitFor(() => t.dead.length === 1 && t.input().stats().inFlight === 0);
    expect(t.dead[0]!.attempts).toBe(3);
    expect((t.dead[0]!.error as Error).message).toContain('bad value -1');
    const lost = t.dead[0]!.messages.map((m) => m.data);
    expect(t.got).toEqual([1, 2, -1, 4].filter((v) => !lost.includes(v)));
  });

  it('a worker whose exception escapes (an error event) is replaced and its batch runs again on the fresh one, counted', async () => {
    const w = namedWorkers();
    const pool = threadPool({ entry: w.entry });
    const t = pipeline(pool, (values) => {
      if (values.includes(-2) && self.name === 'first') {
        setTimeout(() => {
          throw new Error('escaped the thread function');
        });
        return new Promise(() => {}); // never answers: only the error event moves the batch on
      }
      return values;
    });
    await t.send([1, -2, 3]);
    await waitFor(() => t.got.length === 3);
    expect(t.got).toEqual([1, -2, 3]);
    expect(pool.stats()).toMatchObject({ respawned: 1 });
    expect(pool.stats().requeued).toBeGreaterThanOrEqual(1);
    expect(t.dead).toEqual([]);
    expect(w.made[0]).toEqual({ name: 'first', terminated: true });
  });

  it('a worker that closes itself each time dies maxCrashes + 1 times under the batch, which fails with THREAD_WORKER_DIED', async () => {
    const pool = threadPool({ maxCrashes: 1 });
    const t = pipeline(pool, (values) => {
      if (values.includes(-4)) self.close();
      return values;
    });
    await t.send([-4]);
    await waitFor(() => t.dead.length === 1);
    expect((t.dead[0]!.error as NodeflowError).code).toBe('THREAD_WORKER_DIED');
    expect(pool.stats().respawned).toBe(2);
    await t.send([7]); // the replacement works
    await waitFor(() => t.got.length === 1);
    expect(t.got).toEqual([7]);
  });

  it('a worker that hangs past deliveryTimeout times the batch out (DELIVERY_TIMEOUT) and is terminated and replaced', async () => {
    const w = namedWorkers();
    const pool = threadPool({ entry: w.entry });
    const t = pipeline(pool, (values) => {
      if (values.includes(-3)) for (;;);
      return values;
      // 2 s, not 300 ms: the timeout also covers a fresh worker's start for its first batch, and
      // on a loaded CI machine the replacement's start took longer than 300 ms ([5] timed out).
    }, { deliveryTimeout: 2000 });
    await t.send([-3]);
    await waitFor(() => t.dead.length === 1);
    expect((t.dead[0]!.error as NodeflowError).code).toBe('DELIVERY_TIMEOUT');
    expect(pool.stats()).toMatchObject({ timedOut: 1, respawned: 1 });
    expect(w.made[0]!.terminated).toBe(true);
    await t.send([5]);
    await waitFor(() => t.got.length === 1);
    expect(t.got).toEqual([5]);
  });

  it('a worker script that does not load fails its batches with MISSING_DEPENDENCY and starts no other worker', async () => {
    let started = 0;
    const pool = threadPool({ entry: () => (started++, new Worker('/no-such-worker.js', { type: 'module' })) });
    const t = pipeline(pool, (values) => values, { retryAttempts: 1 });
    await t.send([1, 2]);
    await waitFor(() => t.dead.length > 0 && t.input().stats().inFlight === 0);
    expect(t.dead.map((d) => (d.error as NodeflowError).code)).toEqual(t.dead.map(() => 'MISSING_DEPENDENCY'));
    expect(t.dead.flatMap((d) => d.messages.map((m) => m.data))).toEqual([1, 2]);
    expect(started).toBe(1);
    expect(pool.stats().respawned).toBe(0);
  });

  it('engine.stop() terminates every worker of the node', async () => {
    const w = namedWorkers();
    const pool = threadPool({ size: 2, entry: w.entry });
    const t = pipeline(pool, (values) => values);
    await t.send(Array.from({ length: 500 }, (_, i) => i));
    await waitFor(() => t.got.length === 500);
    expect(w.made.map((m) => m.terminated)).toEqual([false, false]);
    await t.engine.stop();
    await waitFor(() => pool.stats().workers === 0);
    expect(w.made.map((m) => m.terminated)).toEqual([true, true]);
  });
});
