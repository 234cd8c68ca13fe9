// The review's faults on real Web Workers in Chromium: the browser half of test/threads/faults.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine, type DeadLetter } from '../../src/index.js';
import { threadNode, threadPool, type ThreadFn, type ThreadPool } from '../../src/threads/web.js';
import { threadPipeline } from './thread-pipeline.js';

const engines: StreamEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

const entry = (): Worker => new Worker(new URL('../../src/threads/worker-web.ts', import.meta.url), { type: 'module' });

/** src -> heavy (on Web Workers, one message per batch) -> sink. */
function pipeline(pool: ThreadPool, fn: ThreadFn, deliveryTimeout?: number) {
  return threadPipeline(engines, (e) => threadNode(e, 'heavy', { kind: 'function', fn }, { pool }), { ...(deliveryTimeout ? { deliveryTimeout } : {}), inBatch: 1, inBuffer: 100, outBatch: 50 });
}

const waitFor = (cond: () => boolean, timeout = 15_000) => expect.poll(cond, { timeout, interval: 5 }).toBe(true);
const code = (d: DeadLetter) => (d.error as { code?: string }).code;

describe('threads on Web Workers: faults of one batch stay with that batch', () => {
  it('a batch whose data cannot be cloned, and a result that cannot be cloned back, each fail alone with INVALID_MESSAGE; later batches arrive', async () => {
    const pool = threadPool({ entry });
    const t = pipeline(pool, (vs) => vs.map((v) => (v === -5 ? { f: () => 1 } : v)));
    await t.send([1, { f: () => 1 }, 2, -5, 3]);
    await waitFor(() => t.got.length === 3 && t.dead.length === 2);
    expect(t.got).toEqual([1, 2, 3]);
    expect(t.dead.map(code)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE']);
    expect(pool.stats().respawned).toBe(0);
  });

  it('deliveryTimeout counts a batch own run: 25 batches of 40 ms queued at one worker under an 800 ms timeout all arrive', async () => {
    const pool = threadPool({ entry });
    // 25 x 40 ms = 1 s queued, past the timeout; each run 40 ms. The first batch's time also
    // covers the worker's start (documented): over 260 ms on a loaded CI machine, hence 800 ms.
    const t = pipeline(
      pool,
      (vs) => {
        const end = performance.now() + 40;
        while (performance.now() < end);
        return vs;
      },
      800,
    );
    const values = Array.from({ length: 25 }, (_, i) => i);
    await t.send(values);
    await waitFor(() => t.got.length + t.dead.length === 25);
    expect(t.dead).toEqual([]);
    expect(pool.stats()).toMatchObject({ timedOut: 0, respawned: 0 });
  });

  it('a batch that ends its worker is the only one dead-lettered (THREAD_WORKER_DIED)', async () => {
    const pool = threadPool({ entry, maxCrashes: 1 });
    const t = pipeline(pool, (vs) => {
      if (vs.includes(-2)) (globalThis as unknown as { close(): void }).close();
      return vs;
    });
    const values = [1, 2, -2, 3, 4, 5, 6, 7];
    await t.send(values);
    await waitFor(() => t.got.length + t.dead.length === 8);
    expect(t.dead.map((d) => [d.messages.map((m) => m.data), code(d)])).toEqual([[[-2], 'THREAD_WORKER_DIED']]);
    expect(t.got).toEqual(values.filter((v) => v !== -2));
  });
});
