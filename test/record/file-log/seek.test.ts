import { describe, expect, it } from 'vitest';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { msgs, stepBackReads } from '../support.js';
import { appendBatches, collect, tempDirs } from './helpers.js';

const fresh = tempDirs();

// 3000 batches of 10 over small segments: many segments, many index entries per segment.
async function filled() {
  const t = fresh();
  const log = await openFileLog(t.dir, { segmentBytes: 256 * 1024 });
  appendBatches(log, 1, 3000, 10, 1000, 5);
  await log.sync();
  return log;
}

describe('file log: seek', () => {
  it('after a clock step back, reads from a time as every store does', async () => {
    const log = await openFileLog(fresh().dir);
    await stepBackReads(log);
    await log.close();
  });

  it('after a clock step back, a read from a time counts the largest time of a segment retention deleted', async () => {
    // One batch per segment (400 messages fill more than 1 KiB), times 100, 300, 120, 130;
    // retention keeps the last two: the batch at 300 is gone, the batches after it are not.
    const log = await openFileLog(fresh().dir, { segmentBytes: 1024, retention: { maxMessages: 800 } });
    [100, 300, 120, 130].forEach((at, i) => log.append({ seq: 1 + i * 400, at, messages: msgs(1 + i * 400, 400) }));
    await log.sync();
    expect(log.stats()).toMatchObject({ segments: 2, trimmedSegments: 2 });
    const seqs = async (at: number) => (await collect(log.read({ at }))).map((b) => b.seq);
    expect(await seqs(250)).toEqual([801, 1201]);
    expect(await seqs(125)).toEqual([801, 1201]);
    await log.close();
  });

  it('starts at the batch holding a seq, whichever message of it', async () => {
    const log = await filled();
    expect(log.stats().segments).toBeGreaterThan(3);
    for (const [seq, first] of [[1, 1], [10, 1], [11, 11], [15_005, 15_001], [29_991, 29_991], [30_000, 29_991]] as const) {
      const got = await collect(log.read({ seq }));
      expect(got[0]!.seq).toBe(first);
      expect(got.at(-1)!.seq).toBe(29_991);
      expect(got.length).toBe((30_000 - first + 1) / 10);
    }
    await log.close();
  });

  it('starts at the first batch handed off at or after a time', async () => {
    const log = await filled();
    // batch k (0-based) is at 1000 + 5k and holds seq 1 + 10k.
    for (const [at, seq] of [[1000, 1], [1001, 11], [1005, 11], [8000, 14_001], [15_995, 29_991]] as const) {
      const got = await collect(log.read({ at }));
      expect(got[0]!.seq).toBe(seq);
      expect(got[0]!.at).toBeGreaterThanOrEqual(at);
    }
    await log.close();
  });

  it('refuses a start outside what it holds, naming the range held', async () => {
    const log = await filled();
    const held = { firstSeq: 1, lastSeq: 30_000, firstAt: 1000, lastAt: 15_995 };
    expect(() => log.read({ seq: 30_001 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE', details: { from: { seq: 30_001 }, held } }));
    // A malformed start is INVALID_ARGUMENT, as in every store (read-from.ts).
    expect(() => log.read({ seq: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => log.read({ seq: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => log.read({ at: 16_000 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => log.read({ at: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Nothing was ever trimmed: a time before the first batch reads from the start.
    expect((await collect(log.read({ at: 0 })))[0]!.seq).toBe(1);
    await log.close();
  });
});
