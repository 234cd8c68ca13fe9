import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { killWriteWorker, writeWorkerRunning } from '../../../src/record/file-log/write-worker.js';
import { appendBatches, collect, tempDirs } from './helpers.js';

const fresh = tempDirs();
const dir = () => {
  const t = fresh();
  return t.dir;
};
const segmentBytes = (d: string) => fs.readdirSync(d).filter((n) => n.endsWith('.seg')).sort().map((n) => fs.readFileSync(path.join(d, n)));

describe('file log: write stage', () => {
  it('the worker and the main thread write the same bytes, and the worker stops when the last log closes', async () => {
    const [a, b] = [dir(), dir()];
    const onWorker = await openFileLog(a, { writeStage: 'worker', segmentBytes: 64 * 1024 });
    const onMain = await openFileLog(b, { writeStage: 'main', segmentBytes: 64 * 1024 });
    expect(writeWorkerRunning()).toBe(true);
    // 400 batches: rows and JSON bodies (helpers.message), several segments.
    appendBatches(onWorker, 1, 400, 25);
    appendBatches(onMain, 1, 400, 25);
    await Promise.all([onWorker.sync(), onMain.sync()]);
    expect(segmentBytes(a).length).toBeGreaterThan(2);
    expect(segmentBytes(a)).toEqual(segmentBytes(b));
    expect(await collect(onWorker.read({ seq: 1 }))).toEqual(await collect(onMain.read({ seq: 1 })));
    await onMain.close();
    await onWorker.close();
    expect(writeWorkerRunning()).toBe(false);
  });

  it('a write worker that dies fails the writes in its hands (counted, typed), and the log goes on writing on its own thread', async () => {
    const errors: NodeflowError[] = [];
    const log = await openFileLog(dir(), { writeStage: 'worker', onError: (e) => errors.push(e) });
    appendBatches(log, 1, 10, 10);
    await log.sync();
    // Appends queued, then the worker killed before its next write can answer.
    let next = appendBatches(log, 101, 50, 10);
    const killed = killWriteWorker();
    const synced = log.sync().then(
      () => 'synced',
      (e: NodeflowError) => e.code,
    );
    await killed;
    const outcome = await synced;
    const { droppedMessages } = log.stats();
    // Either the write landed before the kill, or it failed as a counted, reported drop.
    if (outcome !== 'synced') {
      expect(outcome).toBe('LOG_WRITE_FAILED');
      expect(droppedMessages).toBe(500);
      expect(errors.some((e) => e.code === 'LOG_WRITE_FAILED' && (e.details as { cause?: string }).cause === 'EWORKER')).toBe(true);
    }
    expect(writeWorkerRunning()).toBe(false);
    next = appendBatches(log, next, 20, 10);
    await log.sync();
    const back = await collect(log.read({ seq: 1 }));
    expect(back.reduce((s, x) => s + x.messages.length, 0)).toBe(100 + 200 + (outcome === 'synced' ? 500 : 0));
    expect(back.at(-1)!.seq + back.at(-1)!.messages.length).toBe(next);
    await log.close();
  });

  it('refuses an unknown writeStage', async () => {
    await expect(openFileLog(dir(), { writeStage: 'thread' as never })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
