// Retention is the server's (Limits, discard old): the oldest batches go past maxBatches,
// maxBytes or maxAgeMs; bounds() follow after sync()/refresh(); a start outside what the stream
// holds is the same OUT_OF_RANGE the other stores throw.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { openJetStreamLog } from '../../../src/record/jetstream/jetstream-log.js';
import { msgs, readAll } from '../support.js';
import { jetStreamFixture } from './helpers.js';

const js = jetStreamFixture();

describe('JetStream log retention and bounds', () => {
  it('maxBatches keeps the newest batches; bounds and reads start at the first one kept', async () => {
    const log = await js.open({ retention: { maxBatches: 10 } });
    for (let i = 0; i < 25; i++) log.append({ seq: i * 4 + 1, at: 100 + i, messages: msgs(i * 4 + 1, 4) });
    await log.sync();
    expect(log.stats().batches).toBe(10);
    expect(log.bounds()).toEqual({ first: { seq: 61, at: 115 }, last: { seq: 97, at: 124 }, lastSeq: 100 });
    expect((await readAll(log, { seq: 1 + 60 })).length).toBe(10);
    expect(() => log.read({ seq: 60 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE', details: expect.objectContaining({ held: { firstSeq: 61, lastSeq: 100, firstAt: 115, lastAt: 124 } }) }));
    expect(() => log.read({ at: 114 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' })); // before the first kept, once some were deleted
    expect(() => log.read({ seq: 101 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => log.read({ at: 125 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => log.read({ seq: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('maxAgeMs: batches older than that by the server clock go; refresh() sees it', async () => {
    const log = await js.open({ retention: { maxAgeMs: 300 } });
    for (let i = 0; i < 5; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.sync();
    expect(log.bounds()?.first.seq).toBe(1);
    // Expiry runs on the server's timer: poll until it has run (bounded), no fixed sleep.
    const deadline = Date.now() + 10_000;
    while ((await log.refresh()) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(log.bounds()).toBeUndefined();
    expect(log.stats().batches).toBe(0);
    expect(() => log.read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    // The writer still knows its next seq: the recording goes on where it was.
    expect(() => log.append({ seq: 1, at: 9, messages: msgs(1, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    log.append({ seq: 6, at: 9, messages: msgs(6, 1) });
    await log.sync();
    expect(log.bounds()).toEqual({ first: { seq: 6, at: 9 }, last: { seq: 6, at: 9 }, lastSeq: 6 });
  });

  it('maxBytes bounds what the stream keeps', async () => {
    const log = await js.open({ retention: { maxBytes: 64 * 1024 } });
    // Object data: JSON bodies, about 1 KB a batch (numbers would be 4 bytes a message).
    const fat = (from: number) => msgs(from, 10).map((m) => ({ ...m, data: { v: m.data, pad: 'x'.repeat(40) } }));
    for (let i = 0; i < 200; i++) log.append({ seq: i * 10 + 1, at: i, messages: fat(i * 10 + 1) });
    await log.sync();
    const s = log.stats();
    expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(s.batches).toBeLessThan(200);
    expect(log.bounds()!.lastSeq).toBe(2000);
    const got = await readAll(log, { seq: log.bounds()!.first.seq });
    expect(got.length).toBe(s.batches);
  });

  it("reopening with another retention updates the stream's limits", async () => {
    const log = await js.open();
    for (let i = 0; i < 30; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.close();
    const again = await openJetStreamLog({ servers: js.url, stream: log.stream, retention: { maxBatches: 5 } });
    try {
      expect(again.stats().batches).toBe(5);
      expect(again.bounds()).toEqual({ first: { seq: 26, at: 25 }, last: { seq: 30, at: 29 }, lastSeq: 30 });
    } finally {
      await again.close();
    }
  });

  it('an empty stream: bounds undefined and any read OUT_OF_RANGE', async () => {
    const log = await js.open();
    expect(log.bounds()).toBeUndefined();
    expect(() => log.read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => log.read({ at: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });

  it('a read overtaken by retention ends with OUT_OF_RANGE, not a silent gap', async () => {
    const log = await js.open({ retention: { maxBatches: 20 }, readBatches: 1 });
    for (let i = 0; i < 20; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.sync();
    const it = log.read({ seq: 1 });
    expect((await it.next()).value?.seq).toBe(1);
    for (let i = 20; i < 60; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.sync();
    await expect((async () => {
      for (;;) if ((await it.next()).done) return 'ended';
    })()).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });

  it('a read waiting for batches that were deleted under it (nothing newer comes) ends with OUT_OF_RANGE, not a hang', async () => {
    const log = await js.open({ readBatches: 1 });
    for (let i = 0; i < 10; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    await log.sync();
    const it = log.read({ seq: 1 });
    expect((await it.next()).value?.seq).toBe(1);
    const nc = await connect({ servers: js.url, noAsyncTraces: true });
    await (await jetstreamManager(nc)).streams.purge(log.stream); // as retention would, all at once
    await nc.close();
    // Found by the read's check every 2 s while it waits: no delivery, and the stream no longer holds its next batch.
    await expect((async () => {
      for (;;) if ((await it.next()).done) return 'ended';
    })()).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  }, 15_000);
});
