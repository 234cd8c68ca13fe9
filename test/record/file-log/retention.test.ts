import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { appendBatches, collect, folderBytes, tempDirs } from './helpers.js';

const fresh = tempDirs();

const SEG = 64 * 1024;

describe('file log: segments and retention', () => {
  it('rolls segments at segmentBytes, each named by its first seq', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { segmentBytes: SEG });
    appendBatches(log, 1, 1000, 20);
    await log.sync();
    const { segments, bytes } = log.stats();
    expect(segments).toBeGreaterThanOrEqual(Math.floor(bytes / SEG));
    await log.close();
    const again = await openFileLog(t.dir, { segmentBytes: SEG });
    expect(again.stats().segments).toBe(segments);
    await again.close();
  });

  it('keeps the folder within maxBytes (plus the manifest) however much is appended', async () => {
    const t = fresh();
    const maxBytes = 4 * SEG;
    const log = await openFileLog(t.dir, { segmentBytes: SEG, retention: { maxBytes } });
    let seq = 1;
    for (let round = 0; round < 20; round++) {
      seq = appendBatches(log, seq, 200, 20);
      await log.sync();
      expect(folderBytes(t.dir)).toBeLessThanOrEqual(maxBytes + 1024);
    }
    expect(log.stats().trimmedSegments).toBeGreaterThan(10);
    const first = log.bounds()!.first.seq;
    expect(first).toBeGreaterThan(1);
    // What is left reads whole, from its first batch on.
    const got = await collect(log.read({ seq: first }));
    expect(got.at(-1)!.seq + 19).toBe(seq - 1);
    expect(() => log.read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    await log.close();
  });

  it('keeps at most maxMessages messages (whole segments)', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { segmentBytes: SEG, retention: { maxMessages: 5000 } });
    appendBatches(log, 1, 1000, 20);
    await log.sync();
    const { messages, trimmedSegments } = log.stats();
    expect(trimmedSegments).toBeGreaterThan(0);
    expect(messages).toBeLessThanOrEqual(5000);
    expect(log.bounds()!.lastSeq - log.bounds()!.first.seq + 1).toBe(messages);
    await log.close();
  });

  it('deletes segments whose newest batch is older than maxAgeMs on the injected clock', async () => {
    const t = fresh();
    const clock = new SimulatedClock();
    const log = await openFileLog(t.dir, { segmentBytes: SEG, retention: { maxAgeMs: 1000 }, clock, sync: 'none' });
    // 1000 batches at t = 0..9990; the clock says 10_000: only batches at >= 9000 are young.
    clock.set(10_000);
    appendBatches(log, 1, 1000, 20, 0, 10);
    await log.sync();
    const b = log.bounds()!;
    expect(log.stats().trimmedSegments).toBeGreaterThan(0);
    // Whole segments: the first one left ends at or after 9000, and the one before it was older.
    const got = await collect(log.read({ seq: b.first.seq }));
    expect(got.some((x) => x.at >= 9000)).toBe(true);
    expect(b.first.at).toBeLessThan(9000);
    expect(b.first.at).toBeGreaterThan(7000);
    expect(() => log.read({ at: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    await log.close();
  });
});
