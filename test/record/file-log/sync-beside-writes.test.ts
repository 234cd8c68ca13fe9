import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { NodeflowError } from '../../../src/errors.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { appendBatches, flushed, messagesHeld, messagesOnReopen, slowSyncFs, tempDirs, until, within } from './helpers.js';

const fresh = tempDirs();

describe('file log: syncs run beside the writes', () => {
  it('writes go on while a sync waits on the disk, and the sync covers what was written before it', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const log = await openFileLog(t.dir, { fs, sync: 'none' });
    let seq = appendBatches(log, 1, 20, 10);
    fs.hold();
    const synced = log.sync();
    // The sync is in fdatasync, held there; the next batches must still be written.
    await until(() => fs.syncing > 0, 'the sync to reach its fdatasync', 2000, 1);
    seq = appendBatches(log, seq, 20, 10);
    expect(await within(flushed(log), 2000), 'a write waited for a sync').toBe(true);
    expect(await within(synced, 50), 'the sync resolved before its fdatasync did').toBe(false);
    fs.release();
    await synced;
    await log.sync();
    expect(await messagesHeld(log)).toBe(seq - 1);
    await log.close();
  });

  it('a full segment is synced and closed in the background; sync() waits for it; its failure fails the next sync', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const errors: NodeflowError[] = [];
    const log = await openFileLog(t.dir, { fs, sync: 'none', segmentBytes: 4096, onError: (e) => errors.push(e) });
    fs.hold();
    // Three segments of 4 KiB: two rolls, each one's fdatasync held, and the writes go on.
    let seq = 1;
    while (log.stats().segments < 3) {
      seq = appendBatches(log, seq, 2, 10);
      expect(await within(flushed(log), 2000), 'a write waited for a rolled segment to sync').toBe(true);
    }
    expect(fs.syncing).toBe(2);
    // The sync's own fdatasync goes through; the rolled segments' are still held.
    fs.holding = false;
    const synced = log.sync();
    expect(await within(synced, 50), 'sync() resolved while a rolled segment was not synced').toBe(false);
    fs.release();
    await synced;
    // Rolled segments whose fdatasync fails (and only theirs: the sync's own succeeds): reported,
    // and the next sync rejects; the one after resolves.
    fs.failing = true;
    seq = appendBatches(log, seq, 60, 10);
    await flushed(log);
    await until(() => fs.syncing === 0, 'the failing fdatasyncs to end', 2000, 1);
    fs.failing = false;
    const syncErrors = errors.filter((e) => e.code === 'LOG_WRITE_FAILED' && (e.details as { op?: string }).op === 'sync').length;
    expect(syncErrors).toBeGreaterThan(0);
    // Each failed roll is counted, as a failed sync is.
    expect(log.stats().writeErrors).toBe(syncErrors);
    await expect(log.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED', details: { op: 'sync' } });
    await log.sync();
    await log.close();
    expect(await messagesOnReopen(t.dir)).toBe(seq - 1);
  });

  it('at most four full segments sync in the background: past that the writes wait (bounded work on a slow disk)', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const log = await openFileLog(t.dir, { fs, sync: 'none', segmentBytes: 4096 });
    fs.hold();
    const seq = appendBatches(log, 1, 200, 10);
    expect(await within(flushed(log), 300), 'the writes went on past four rolls held on the disk').toBe(false);
    expect(fs.syncing).toBe(4);
    fs.release();
    await flushed(log);
    await log.sync();
    expect(await messagesHeld(log)).toBe(seq - 1);
    await log.close();
  });

  it('a policy timer that fires while a sync runs starts the next sync when it ends, not a whole everyMs later', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const clock = new SimulatedClock();
    const log = await openFileLog(t.dir, { fs, clock, sync: { everyMs: 100 } });
    let seq = appendBatches(log, 1, 2, 10);
    await flushed(log);
    fs.hold();
    clock.increment(100);
    await until(() => fs.syncing > 0, 'the first policy sync to reach its fdatasync', 2000, 1);
    // Written while that sync is held, and due 100 ms after: its timer fires during the sync.
    seq = appendBatches(log, seq, 2, 10);
    await flushed(log);
    clock.increment(100);
    const before = fs.calls;
    fs.release();
    // No more simulated time: the sync the second timer asked for must start by itself.
    await until(() => fs.calls > before, 'the second sync without more simulated time (it waited for another everyMs: a loss window of twice the policy)', 1000, 1);
    await log.sync();
    await log.close();
  });
});
