import { describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { appendBatches, flushed, messagesOnReopen, slowSyncFs, tempDirs, until, within } from './helpers.js';


const fresh = tempDirs();

describe('file log: syncs under load and after failures', () => {
  it('a full segment is closed only after a sync using its file is done', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const log = await openFileLog(t.dir, { fs, sync: 'none', segmentBytes: 4096 });
    let seq = appendBatches(log, 1, 2, 10);
    await flushed(log);
    fs.hold();
    const synced = log.sync();
    await until(() => fs.syncing > 0, 'the sync to reach its fdatasync', 2000, 1);
    // The sync's fdatasync of the first segment is held; the rolls' own go through.
    fs.holding = false;
    while (log.stats().segments < 3) {
      seq = appendBatches(log, seq, 2, 10);
      await flushed(log);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(fs.closedWhileSyncing, 'a file was closed while a sync of it was in progress').toEqual([]);
    fs.release();
    await synced;
    await log.close();
    expect(fs.closedWhileSyncing).toEqual([]);
  });

  it('a sync resolves while appends never stop (they cannot starve it)', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { writeStage: 'main', sync: 'none' });
    let seq = 1;
    let on = true;
    const feed = () => {
      if (!on) return;
      seq = appendBatches(log, seq, 2, 10);
      setImmediate(feed);
    };
    feed();
    const synced = log.sync();
    const ok = await within(synced, 2000);
    on = false;
    expect(ok, 'sync() did not resolve while appends went on').toBe(true);
    await synced;
    await log.close();
  });

  // Small segments: the rolls' fdatasyncs fail (and the policy's); one segment: the policy's only.
  it.each([{ segmentBytes: 4096 }, {}])('a failed fdatasync no caller heard of fails the next sync(), even after a sync that succeeded (%o)', async (segments) => {
    const t = fresh();
    const fs = slowSyncFs();
    const errors: NodeflowError[] = [];
    const log = await openFileLog(t.dir, { fs, sync: { everyMs: 5 }, ...segments, onError: (e) => errors.push(e) });
    fs.failing = true;
    let seq = 1;
    await until(async () => {
      if (errors.some((e) => e.code === 'LOG_WRITE_FAILED')) return true;
      seq = appendBatches(log, seq, 2, 10);
      await flushed(log);
      return false;
    }, 'a failed fdatasync to be reported', 5000, 1);
    await until(() => fs.syncing === 0, 'the failing fdatasyncs to end', 2000, 1);
    fs.failing = false;
    // Policy syncs (every 5 ms) succeed now, with no caller waiting on them.
    seq = appendBatches(log, seq, 2, 10);
    await new Promise((r) => setTimeout(r, 50));
    await expect(log.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED', details: { op: 'sync' } });
    await log.sync();
    expect(log.stats().writeErrors).toBeGreaterThan(0);
    await log.close();
    expect(await messagesOnReopen(t.dir)).toBe(seq - 1);
  });

  it('an onError that throws does not leave a sync unanswered or the log open', async () => {
    const t = fresh();
    const fs = slowSyncFs();
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (m: string) => void warned.push(m);
    try {
      const log = await openFileLog(t.dir, { fs, sync: 'none', segmentBytes: 4096, onError: () => { throw new Error('handler bug'); } });
      fs.failing = true;
      appendBatches(log, 1, 40, 10);
      const synced = log.sync();
      expect(await within(synced, 2000), 'sync() hung').toBe(true);
      await expect(synced).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED' });
      expect(await within(log.close(), 2000), 'close() hung').toBe(true);
    } finally {
      console.warn = warn;
    }
    expect(warned.some((m) => m.includes('handler bug'))).toBe(true);
  });
});
