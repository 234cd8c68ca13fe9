// The JetStream log keeps the RecordLog contract: what is appended reads back, in order, from
// any seq or time, one stream message per batch; a reopened stream goes on from its last seq.
import { describe, expect, it } from 'vitest';
import { openJetStreamLog } from '../../../src/record/jetstream/jetstream-log.js';
import { msgs, readAll, stepBackReads } from '../support.js';
import { jetStreamFixture, olderStream } from './helpers.js';

const js = jetStreamFixture();

describe('JetStream log round trip', () => {
  it('reads back every batch appended, from seq 1, after sync', async () => {
    const log = await js.open();
    for (let i = 0; i < 30; i++) log.append({ seq: i * 10 + 1, at: 1000 + i, messages: msgs(i * 10 + 1, 10) });
    await log.sync();
    expect(log.stats()).toMatchObject({ batches: 30, pending: 0, droppedBatches: 0 });
    expect(log.bounds()).toEqual({ first: { seq: 1, at: 1000 }, last: { seq: 291, at: 1029 }, lastSeq: 300 });
    const got = await readAll(log, { seq: 1 });
    expect(got.map((b) => b.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i * 10 + 1));
    expect(got.flatMap((b) => b.messages.map((m) => m.data))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(got[3]).toEqual({ seq: 31, at: 1003, messages: msgs(31, 10) });
  });

  it('a read that starts before the appends are stored sees them (it waits for the PubAcks)', async () => {
    const log = await js.open();
    for (let i = 0; i < 50; i++) log.append({ seq: i * 2 + 1, at: i, messages: msgs(i * 2 + 1, 2) });
    const got = await readAll(log, { seq: 99 }); // the last batch, not stored yet when read() is called
    expect(got.map((b) => b.seq)).toEqual([99]);
    expect((await readAll(log, { seq: 1 })).length).toBe(50);
  });

  it('a read goes on through batches appended while it runs, and ends once nothing more is waiting', async () => {
    const log = await js.open({ readBatches: 2 });
    for (let i = 0; i < 10; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.sync();
    const seen: number[] = [];
    for await (const b of log.read({ seq: 1 })) {
      seen.push(b.seq);
      if (b.seq === 3) for (let i = 10; i < 15; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    }
    expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('after a clock step back, reads from a time as every store does', async () => {
    await stepBackReads(await js.open());
  });

  it('reads from the batch holding a seq, and from the first batch at or after a time', async () => {
    const log = await js.open();
    for (let i = 0; i < 100; i++) log.append({ seq: i * 5 + 1, at: 10_000 + i * 10, messages: msgs(i * 5 + 1, 5) });
    await log.sync();
    expect((await readAll(log, { seq: 248 }))[0]!.seq).toBe(246);
    expect((await readAll(log, { seq: 248 })).length).toBe(51);
    expect((await readAll(log, { at: 10_505 }))[0]!.at).toBe(10_510);
    expect((await readAll(log, { at: 10_500 }))[0]!.at).toBe(10_500);
    expect((await readAll(log, { at: 0 }))[0]!.seq).toBe(1); // retention deleted nothing: from the start
    expect((await readAll(log, { seq: 500 })).map((b) => b.seq)).toEqual([496]);
  });

  it('a time read over a clock that stepped back starts where the running maximum reaches it', async () => {
    const log = await js.open();
    const ats = [100, 200, 150, 300, 250, 400];
    ats.forEach((at, i) => log.append({ seq: i + 1, at, messages: msgs(i + 1, 1) }));
    await log.sync();
    // The batch at 150 follows one at 200: a read from 150 starts at the one at 200, as the file log's does.
    expect((await readAll(log, { at: 150 })).map((b) => b.at)).toEqual([200, 150, 300, 250, 400]);
    expect((await readAll(log, { at: 260 })).map((b) => b.at)).toEqual([300, 250, 400]);
  });

  it('reopening the stream continues its seq, and reads span both openings', async () => {
    const first = await js.open();
    const stream = first.stream;
    for (let i = 0; i < 10; i++) first.append({ seq: i * 3 + 1, at: i, messages: msgs(i * 3 + 1, 3) });
    await first.close();
    const again = await openJetStreamLog({ servers: js.url, stream });
    try {
      expect(again.bounds()).toEqual({ first: { seq: 1, at: 0 }, last: { seq: 28, at: 9 }, lastSeq: 30 });
      expect(() => again.append({ seq: 30, at: 10, messages: msgs(30, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ expected: 31 }) }));
      again.append({ seq: 31, at: 10, messages: msgs(31, 4) });
      await again.sync();
      const got = await readAll(again, { seq: 1 });
      expect(got.flatMap((b) => b.messages.map((m) => m.data))).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    } finally {
      await again.close();
    }
  });

  it.each([2, 3, 4])('a version %i stream is read as it is, stays so while only read, is marked version 5 before the first publish, and takes object data and string ids after', async (older) => {
    const stream = js.name();
    const { nc, description } = await olderStream(js.url, stream, msgs(1, 3), older);
    const again = await openJetStreamLog({ servers: js.url, stream });
    try {
      // Opened and read: the code that wrote it can still read it.
      expect(await readAll(again, { seq: 1 })).toEqual([{ seq: 1, at: 0, messages: msgs(1, 3) }]);
      expect(await description()).toBe(`nodeflow-record-log v${older}`);
      const objects = msgs(4, 2).map((m) => ({ ...m, data: { v: m.data } }));
      again.append({ seq: 4, at: 1, messages: objects });
      const named = msgs(6, 2).map((m) => ({ ...m, id: `msg-${m.id}`, key: 'k' }));
      again.append({ seq: 6, at: 2, messages: named });
      await again.sync();
      expect(await description()).toBe('nodeflow-record-log v5');
      const got = await readAll(again, { seq: 1 });
      expect(got.flatMap((b) => b.messages)).toEqual([...msgs(1, 3), ...objects, ...named]);
    } finally {
      await again.close();
      await nc.close();
    }
  });

  it('if marking an older stream fails for retryMs, that batch is dropped and reported (manifest upgrade), and the next one tries again', async () => {
    const stream = js.name();
    const { nc, mark, description } = await olderStream(js.url, stream, msgs(1, 1), 4);
    const errors: unknown[] = [];
    const again = await openJetStreamLog({ servers: js.url, stream, retryMs: 300, onError: (e) => errors.push(e) });
    try {
      await mark('not a record log any more'); // the mark before the first publish refuses it
      again.append({ seq: 2, at: 1, messages: msgs(2, 1) });
      await expect(again.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED', details: expect.objectContaining({ op: 'manifest upgrade', droppedBatches: 1 }) });
      expect(errors).toEqual([expect.objectContaining({ code: 'LOG_WRITE_FAILED', message: expect.stringMatching(/manifest upgrade failed \(stream .* is not a nodeflow record log/) })]);
      await mark('nodeflow-record-log v4');
      again.append({ seq: 3, at: 2, messages: msgs(3, 1) });
      await again.sync();
      expect(await description()).toBe('nodeflow-record-log v5');
      expect((await readAll(again, { seq: 1 })).map((b) => b.seq)).toEqual([1, 3]);
    } finally {
      await again.close();
      await nc.close();
    }
  });

  it('stores one stream message per batch, never one per message', async () => {
    const log = await js.open();
    log.append({ seq: 1, at: 0, messages: msgs(1, 500) });
    log.append({ seq: 501, at: 1, messages: msgs(501, 1) });
    await log.sync();
    expect(log.stats().batches).toBe(2);
  });
});
