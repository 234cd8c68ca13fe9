import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { prepareFolder } from '../../../src/record/file-log/manifest.js';
import { recoverSegments } from '../../../src/record/file-log/recover.js';
import { appendBatches, batch, collect, message, tempDirs } from './helpers.js';

const fresh = tempDirs();

describe('file log: round trip', () => {
  it('reads back every batch appended, in order, with seq, at and messages intact (before and after they are written)', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir);
    appendBatches(log, 1, 100, 50);
    // Read at once: the batches are still pending; the read waits for their write.
    const got = await collect(log.read({ seq: 1 }));
    expect(got.length).toBe(100);
    expect(got.map((b) => b.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + i * 50));
    expect(got[3]!.at).toBe(30);
    expect(got[99]!.messages[49]).toEqual(message(5000));
    expect(log.bounds()).toEqual({ first: { seq: 1, at: 0 }, last: { seq: 4951, at: 990 }, lastSeq: 5000 });
    await log.close();
  });

  it('a frame keeps the StreamMessage fields whichever body it has: a field a class provides is kept, other properties are not', async () => {
    class Reading {
      get priority() {
        return 'high' as const;
      }
    }
    const make = (i: number, port: string) => Object.assign(new Reading(), { id: i, timestamp: 1, sourceNodeId: 's', targetNodeId: 'w', port, data: i, note: 'not a field' });
    const t = fresh();
    const log = await openFileLog(t.dir);
    log.append({ seq: 1, at: 0, messages: [make(1, 'out'), make(2, 'out')] }); // columns
    log.append({ seq: 3, at: 0, messages: [make(3, 'out'), make(4, 'other')] }); // routing of its own: JSON
    const got = (await collect(log.read({ seq: 1 }))).flatMap((b) => b.messages);
    expect(got.map((m) => [m.id, m.port, m.priority, 'note' in m])).toEqual([[1, 'out', 'high', false], [2, 'out', 'high', false], [3, 'out', 'high', false], [4, 'other', 'high', false]]);
    await log.close();
  });

  it('reopens a closed log with everything in it, and takes the next seq only', async () => {
    const t = fresh();
    const a = await openFileLog(t.dir, { segmentBytes: 64 * 1024 });
    appendBatches(a, 1, 200, 20);
    await a.close();
    const b = await openFileLog(t.dir, { segmentBytes: 64 * 1024 });
    expect(b.bounds()).toEqual({ first: { seq: 1, at: 0 }, last: { seq: 3981, at: 1990 }, lastSeq: 4000 });
    expect(() => b.append(batch(3990, 5))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { expected: 4001, seq: 3990 } }));
    b.append(batch(4001, 5, 5000));
    const got = await collect(b.read({ seq: 3990 }));
    expect(got.map((x) => x.seq)).toEqual([3981, 4001]);
    expect(b.stats().segments).toBeGreaterThan(1);
    await b.close();
  });

  it('sync resolves by itself, round after round and across segment rolls (no timer needed: the clock never moves)', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { clock: new SimulatedClock(), segmentBytes: 64 * 1024 });
    let seq = 1;
    for (let round = 0; round < 20; round++) {
      seq = appendBatches(log, seq, round % 2 ? 100 : 3, 10);
      // One more hop after the resolve lands the next appends while the pump winds down.
      await log.sync().then(() => undefined);
    }
    expect(log.stats().segments).toBeGreaterThan(3);
    await log.close();
  });

  it('sync resolves once what was appended is on disk: what an open reads, while the writer is still open', async () => {
    const t = fresh();
    const log = await openFileLog(t.dir, { sync: 'none' });
    appendBatches(log, 1, 10, 50);
    await log.sync();
    // What another process opening the folder now would find (a second handle in this process
    // is refused): the checks open runs, on the files as they are.
    const segments = await recoverSegments(t.dir, (await prepareFolder(t.dir)).bases, () => {});
    expect(segments.at(-1)?.lastSeq).toBe(500);
    await log.close();
  });
});
