import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { encodeValues, decodeValues } from '../../src/threads/codec.js';
import { ThreadPool, type JobOutcome } from '../../src/threads/pool.js';
import { fakeWorkers, type JobFate } from './fake-workers.js';

function setUp(fates: JobFate[], options: { size?: number; perWorker?: number; maxCrashes?: number } = {}, startMs = 0) {
  const clock = new SimulatedClock();
  const workers = fakeWorkers(clock, fates, startMs);
  const pool = new ThreadPool(workers.spawn, { clock, ...options });
  const outcomes: JobOutcome[] = [];
  const run = (fn: number, v: unknown, timeout?: number) => pool.run(fn, 'in', () => encodeValues([v]), timeout, (o) => outcomes.push(o));
  // One ms at a time: a timer set while timers fire waits for the next step.
  // Jobs are posted at the end of the turn (a microtask): let it run before each step.
  const tick = async (ms: number) => {
    for (let i = 0; i < ms; i++) {
      await Promise.resolve();
      clock.increment(1);
    }
    await Promise.resolve();
  };
  return { clock, workers, pool, outcomes, run, tick };
}

const values = (o: JobOutcome) => (o.ok ? decodeValues(o.out.values[0]!) : o.error);
const code = (o: JobOutcome | undefined) => (o && !o.ok ? (o.error as Error & { code?: string }).code : undefined);

describe('ThreadPool', () => {
  it('starts its workers on the first job, bounds each worker queue, and ends them when its last user leaves', async () => {
    const t = setUp([{ kind: 'ok', ms: 1 }], { size: 2, perWorker: 2 });
    const a = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    const b = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    expect(t.pool.stats().workers).toBe(0);
    for (let i = 0; i < 6; i++) t.run(i % 2 ? a : b, i);
    expect(t.pool.stats()).toMatchObject({ workers: 2, running: 4, queued: 2 });
    await t.tick(10);
    expect(t.outcomes.map(values)).toEqual([[0], [2], [4], [6], [8], [10]].map(([v]) => [v]));
    await t.pool.release(a);
    expect(t.workers.live.size).toBe(2); // b still uses it
    await t.pool.release(b);
    expect(t.workers.live.size).toBe(0);
    expect(t.pool.stats().workers).toBe(0);
  });

  it('runs the jobs of a worker that died on a fresh one, and fails a job that outlived maxCrashes deaths with THREAD_WORKER_DIED', async () => {
    const t = setUp([{ kind: 'crash', ms: 1 }], { maxCrashes: 2 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    t.run(fn, 1);
    await t.tick(10);
    expect(t.outcomes).toHaveLength(1);
    expect(code(t.outcomes[0])).toBe('THREAD_WORKER_DIED');
    expect(t.pool.stats()).toMatchObject({ respawned: 3, requeued: 2, workers: 1 });
  });

  it('fails a job past its timeout with DELIVERY_TIMEOUT and replaces its hung worker; the jobs behind it run on the new one', async () => {
    const t = setUp([{ kind: 'hang' }, { kind: 'ok', ms: 1 }], { perWorker: 2 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    t.run(fn, 1, 20);
    t.run(fn, 2, 20);
    await t.tick(20);
    expect(code(t.outcomes[0])).toBe('DELIVERY_TIMEOUT');
    await t.tick(5);
    expect(t.outcomes.slice(1).map(values)).toEqual([[4]]);
    expect(t.pool.stats()).toMatchObject({ timedOut: 1, respawned: 1 });
  });

  it('close() fails what is queued or running with THREAD_POOL_CLOSED and ends every worker', async () => {
    const t = setUp([{ kind: 'hang' }]);
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    t.run(fn, 1);
    t.run(fn, 2);
    await t.pool.close();
    expect(t.outcomes.map(code)).toEqual(['THREAD_POOL_CLOSED', 'THREAD_POOL_CLOSED']);
    expect(t.workers.live.size).toBe(0);
  });

  it('a batch that cannot be cloned fails alone (INVALID_MESSAGE) and is not posted again; the batches of the same turn run', async () => {
    const t = setUp([{ kind: 'ok', ms: 1 }], { perWorker: 4 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    t.run(fn, 1);
    t.run(fn, { f: () => 1 });
    t.run(fn, 3);
    await t.tick(10);
    expect(t.outcomes.map((o) => (o.ok ? values(o) : code(o)))).toEqual(['INVALID_MESSAGE', [2], [6]]);
    t.run(fn, 4); // the next turn's post does not carry the bad batch again
    await t.tick(5);
    expect(t.outcomes.map((o) => (o.ok ? values(o) : code(o)))).toEqual(['INVALID_MESSAGE', [2], [6], [8]]);
    expect(t.pool.stats()).toMatchObject({ respawned: 0, running: 0, queued: 0 });
  });

  it("a fresh worker's start does not count toward its first job's timeout: 40 ms of start, then 10 ms of run, under 20 ms", async () => {
    const t = setUp([{ kind: 'ok', ms: 10 }], {}, 40);
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    t.run(fn, 1, 20);
    await t.tick(60);
    expect(t.outcomes.map(values)).toEqual([[2]]);
    expect(t.pool.stats().timedOut).toBe(0);
  });

  it('a job still times out when its run is too long after the start, and when the worker never serves (after the start bound of 10 s)', async () => {
    const slow = setUp([{ kind: 'ok', ms: 30 }], {}, 40);
    slow.run(slow.pool.acquire({ kind: 'source', source: '(v) => v' }), 1, 20);
    await slow.tick(65);
    expect(code(slow.outcomes[0])).toBe('DELIVERY_TIMEOUT'); // 40 ms start + 20 ms of its own run

    const never = setUp([{ kind: 'ok', ms: 1 }], {}, Infinity);
    never.run(never.pool.acquire({ kind: 'source', source: '(v) => v' }), 1, 20);
    await never.tick(10_000);
    expect(never.outcomes).toEqual([]);
    await never.tick(25);
    expect(code(never.outcomes[0])).toBe('DELIVERY_TIMEOUT');
  });

  it("a job's timeout counts its own run, not its wait behind the worker's other jobs", async () => {
    const t = setUp([{ kind: 'ok', ms: 10 }], { perWorker: 4 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    for (let i = 1; i <= 4; i++) t.run(fn, i, 15);
    await t.tick(60);
    expect(t.outcomes.map(values)).toEqual([[2], [4], [6], [8]]);
    expect(t.pool.stats()).toMatchObject({ timedOut: 0, respawned: 0 });
  });

  it('a crash is charged only to the job its worker was running: with maxCrashes 0 that job fails and the ones queued behind it run', async () => {
    const t = setUp([{ kind: 'crash', ms: 1 }, { kind: 'ok', ms: 1 }, { kind: 'ok', ms: 1 }, { kind: 'ok', ms: 1 }], { perWorker: 4, maxCrashes: 0 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    for (let i = 1; i <= 3; i++) t.run(fn, i);
    await t.tick(10);
    expect(t.outcomes.map((o) => (o.ok ? values(o) : code(o)))).toEqual(['THREAD_WORKER_DIED', [4], [6]]);
    expect(t.pool.stats()).toMatchObject({ respawned: 1, requeued: 2 });
  });
  it('a gated job waits, first in line, for an idle worker; its gate is asked then, once: false withdraws it (no answer), true runs it', async () => {
    const t = setUp([{ kind: 'ok', ms: 5 }], { perWorker: 4 });
    const fn = t.pool.acquire({ kind: 'source', source: '(v) => v' });
    const asked: number[] = [];
    let open = false;
    const gated = (v: number) => t.pool.run(fn, 'in', () => encodeValues([v]), undefined, (o) => t.outcomes.push(o), () => (asked.push(v), !open));
    t.run(fn, 1);
    t.run(fn, 2);
    gated(3);
    t.run(fn, 4); // behind the gated one: it does not pass it
    expect(t.pool.stats()).toMatchObject({ running: 2, queued: 2 });
    expect(asked).toEqual([]);
    await t.tick(4);
    open = true; // what the answers of 1 and 2 would have done to a circuit
    await t.tick(8);
    expect(asked).toEqual([3]); // asked once the worker was idle, after both answers
    await t.tick(10);
    expect(t.outcomes.map(values)).toEqual([[2], [4], [8]]); // 3 withdrawn, never answered
    open = false;
    gated(5);
    await t.tick(10);
    expect(asked).toEqual([3, 5]);
    expect(t.outcomes.map(values)).toEqual([[2], [4], [8], [10]]);
    expect(t.pool.stats()).toMatchObject({ running: 0, queued: 0 });
  });
});
