import { describe, expect, it } from 'vitest';
import { NodeflowError } from '../../src/errors.js';
import { MemoryLog } from '../../src/record/memory-log.js';
import { msgs, readAll, stepBackReads } from './support.js';

function filled(n: number, size = 5, retention = {}): MemoryLog {
  const log = new MemoryLog(retention);
  for (let i = 0; i < n; i++) log.append({ seq: 1 + i * size, at: 100 + i * 10, messages: msgs(1 + i * size, size) });
  return log;
}

describe('MemoryLog', () => {
  it('reads from the batch holding a seq, or the first batch at or after a time, in order', async () => {
    const log = filled(4);
    expect((await readAll(log, { seq: 7 })).map((b) => b.seq)).toEqual([6, 11, 16]);
    expect((await readAll(log, { at: 115 })).map((b) => b.seq)).toEqual([11, 16]);
    expect(log.bounds()).toEqual({ first: { seq: 1, at: 100 }, last: { seq: 16, at: 130 }, lastSeq: 20 });
  });

  it('a read follows appends made while it runs, up to the last one when it gets there', async () => {
    const log = filled(1);
    const seen: number[] = [];
    for await (const b of log.read({ seq: 1 })) {
      seen.push(b.seq);
      if (b.seq < 11) log.append({ seq: b.seq + 5, at: 200, messages: msgs(b.seq + 5, 5) });
    }
    expect(seen).toEqual([1, 6, 11]);
  });

  it('refuses a batch whose seq does not follow the last one, and one that is not a batch, as the other stores do', () => {
    const log = filled(1);
    expect(() => log.append({ seq: 7, at: 0, messages: msgs(7, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { expected: 6, seq: 7 } }));
    for (const bad of [{ seq: 0, at: 0, messages: msgs(0, 1) }, { seq: 1.5, at: 0, messages: msgs(1, 1) }, { seq: NaN, at: 0, messages: msgs(1, 1) }, { seq: 6, at: NaN, messages: msgs(6, 1) }, { seq: 6, at: 0, messages: [] }, { seq: 6, at: 0, messages: {} }]) {
      expect(() => new MemoryLog().append(bad as never), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/integer seq >= 1, a finite at and at least one message/) }));
    }
    log.append({ seq: 6, at: 0, messages: msgs(6, 1) });
    expect(log.bounds()?.lastSeq).toBe(6);
  });

  it('after a clock step back, a read from a time starts where the times first reached it (their running maximum), as in the file log', async () => {
    const log = new MemoryLog();
    // Times 100, 300, then back to 120 and 130, then 400.
    [100, 300, 120, 130, 400].forEach((at, i) => log.append({ seq: 1 + i, at, messages: msgs(1 + i, 1) }));
    expect((await readAll(log, { at: 200 })).map((b) => b.seq)).toEqual([2, 3, 4, 5]);
    expect((await readAll(log, { at: 300 })).map((b) => b.seq)).toEqual([2, 3, 4, 5]);
    expect((await readAll(log, { at: 301 })).map((b) => b.seq)).toEqual([5]);
    await stepBackReads(new MemoryLog());
  });

  it('retention by batches, messages and age deletes the oldest, and the log says so in its bounds', () => {
    expect(filled(10, 5, { maxBatches: 3 }).bounds()?.first.seq).toBe(36);
    expect(filled(10, 5, { maxMessages: 12 }).size).toEqual({ batches: 2, messages: 10 });
    expect(filled(10, 5, { maxAgeMs: 25 }).bounds()?.first.at).toBe(170);
  });

  it('a start outside the retained history is OUT_OF_RANGE, a malformed one INVALID_ARGUMENT', () => {
    const log = filled(10, 5, { maxBatches: 3 });
    for (const from of [{ seq: 1 }, { seq: 51 }, { at: 101 }, { at: 1000 }]) {
      expect(() => log.read(from), JSON.stringify(from)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    }
    expect(() => new MemoryLog().read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => log.read({ seq: 0 })).toThrow(NodeflowError);
    expect(() => log.read({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a time before the first batch reads from the beginning while nothing was deleted', async () => {
    expect((await readAll(filled(2), { at: 0 })).map((b) => b.seq)).toEqual([1, 6]);
  });

  it('a reader that retention overtakes gets OUT_OF_RANGE, not a silent gap', async () => {
    const log = filled(3, 5, { maxBatches: 3 });
    const it = log.read({ seq: 1 });
    await it.next();
    for (let i = 3; i < 6; i++) log.append({ seq: 1 + i * 5, at: 200, messages: msgs(1 + i * 5, 5) });
    await expect(it.next()).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });
});
