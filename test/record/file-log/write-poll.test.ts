// Its own file: the write-stage tests kill the process's write worker, after which every log in
// that module instance writes on the main thread, and this test would not reach the worker.
import { afterEach, describe, expect, it } from 'vitest';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { writeWorkerRunning } from '../../../src/record/file-log/write-worker.js';
import { appendBatches, collect, tempDir } from './helpers.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('file log: the write worker polls a busy ring and sleeps on a quiet one', () => {
  it('writes close together (it polls) and after quiet spells (it sleeps, and is woken) all land', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const log = await openFileLog(t.dir, { writeStage: 'worker' });
    expect(writeWorkerRunning(), 'the test must run on the write worker').toBe(true);
    const flushed = () => (log as unknown as { flushed(): Promise<boolean> }).flushed();
    // Gaps from 0 to 36 ms: under 20 ms the worker polls the ring (in waits of 0.5 ms doubling
    // to 4 ms) for about twice the gap, above it the worker sleeps and the next write must wake
    // it. A missed wake-up hangs a write, so each one must be written within 2 s (a flush
    // normally takes a few milliseconds at most).
    let next = 1;
    let seed = 7;
    const gapMs = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 13) * (seed % 3 === 0 ? 3 : 0.15);
    for (let i = 0; i < 150; i++) {
      next = appendBatches(log, next, 1 + (i % 3), 5);
      const written = await Promise.race([flushed().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2000))]);
      expect(written, `write ${i} was not written within 2 s (a lost wake-up of the write worker)`).toBe(true);
      await new Promise((r) => setTimeout(r, gapMs()));
    }
    expect(writeWorkerRunning()).toBe(true);
    await log.sync();
    const back = await collect(log.read({ seq: 1 }));
    expect(back.reduce((s, x) => s + x.messages.length, 0)).toBe(next - 1);
    await log.close();
  });
});
