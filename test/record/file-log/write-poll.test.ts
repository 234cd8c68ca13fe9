// Its own file: the write-stage tests kill the process's write worker, after which every log in
// that module instance writes on the main thread, and this test would not reach the worker.
import { describe, expect, it } from 'vitest';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { setWriteRingStart, writeRingCounters, writeWorkerRunning } from '../../../src/record/file-log/write-worker.js';
import { appendBatches, flushed, messagesHeld, tempDirs, until } from './helpers.js';

const fresh = tempDirs();

describe('file log: the write worker polls a busy ring and sleeps on a quiet one', () => {
  it('writes close together (it polls) and after quiet spells (it sleeps, and is woken) all land', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { writeStage: 'worker' });
    expect(writeWorkerRunning(), 'the test must run on the write worker').toBe(true);
    // Gaps from 0 to 36 ms: under 20 ms the worker polls the ring (in waits of a quarter of the
    // gap) for about twice the gap, above it the worker sleeps and the next write must wake it.
    // A flush wakes the worker itself (hurry): this test checks that path; the next one, the
    // sleeping flag alone. A missed wake-up hangs a write, so each one must be written within
    // 2 s (a flush normally takes a few milliseconds at most).
    let next = 1;
    let seed = 7;
    const gapMs = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 13) * (seed % 3 === 0 ? 3 : 0.15);
    for (let i = 0; i < 150; i++) {
      next = appendBatches(log, next, 1 + (i % 3), 5);
      const written = await Promise.race([flushed(log).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2000))]);
      expect(written, `write ${i} was not written within 2 s (a lost wake-up of the write worker)`).toBe(true);
      await new Promise((r) => setTimeout(r, gapMs()));
    }
    expect(writeWorkerRunning()).toBe(true);
    await log.sync();
    expect(await messagesHeld(log)).toBe(next - 1);
    await log.close();
  });

  // From 0, and from just below 2^31: the ring's int32 counters wrap within the run, in the
  // worker's program as on this side.
  it.each([0, 2 ** 31 - 20])('a write with no one waiting for it wakes a sleeping worker (the flag, not a flush; counters from %i)', async (start) => {
    const t = fresh();
    expect(writeWorkerRunning(), 'the earlier logs are closed: the next one starts a worker').toBe(false);
    setWriteRingStart(start);
    t.defer(() => setWriteRingStart(0));
    const log = await openFileLog(t.dir, { writeStage: 'worker', sync: 'none' });
    expect(writeWorkerRunning(), 'the test must run on the write worker').toBe(true);
    // No flush and no sync: nothing hurries the worker. Each write must reach the file by the
    // worker's own poll or by the notify its sleeping flag asks for.
    let next = 1;
    let seed = 11;
    const gapMs = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 13) * (seed % 3 === 0 ? 3 : 0.15);
    for (let i = 0; i < 60; i++) {
      const before = log.stats().bytes;
      next = appendBatches(log, next, 1, 5);
      await until(() => log.stats().bytes > before, `write ${i} to reach the file within 2 s (a lost wake-up of the write worker)`, 2000, 1);
      await new Promise((r) => setTimeout(r, gapMs()));
    }
    // Every batch is in the file, and the worker took every request and nothing more.
    await log.sync();
    expect(await messagesHeld(log)).toBe(next - 1);
    const ends = writeRingCounters();
    expect(ends && ends.tail, 'the worker ran past the ring head (a counter that did not wrap)').toBe(ends && ends.head);
    await log.close();
  });
});
