// A server restart mid-recording: publishes that fail are retried, in order, for retryMs (a batch
// stored whose PubAck was lost is not sent twice); past retryMs what is queued is dropped,
// counted, reported as LOG_WRITE_FAILED, and sync() rejects; the log works again afterwards.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { openJetStreamLog } from '../../../src/record/jetstream/jetstream-log.js';
import { natsServer } from '../../support/nats-server.js';
import { msgs, readAll } from '../support.js';
import { olderStream } from './helpers.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

describe('JetStream log across a server restart', () => {
  it('appends made while the server restarts are all stored, once each, in order', async () => {
    const errors: NodeflowError[] = [];
    const log = await openJetStreamLog({ servers: nats.url, stream: 'restart', publishTimeoutMs: 500, onError: (e) => errors.push(e) });
    let seq = 1;
    const append = (n: number) => {
      for (let i = 0; i < n; i++, seq += 5) log.append({ seq, at: seq, messages: msgs(seq, 5) });
    };
    // Whether a publish failed depends on how fast the server comes back (a run here retried 138
    // batches); what must hold either way: every batch stored once, in order, nothing dropped.
    append(200);
    const stopping = nats.server.stop(); // while those 200 are in flight
    append(100);
    await stopping;
    append(100); // the server is down
    await nats.server.start();
    append(100);
    await log.sync();
    expect(log.stats()).toMatchObject({ pending: 0, droppedBatches: 0, batches: 500 });
    expect(errors).toEqual([]);
    const got = await readAll(log, { seq: 1 });
    expect(got.flatMap((b) => b.messages.map((m) => m.data))).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    await log.close();
  });

  it('past retryMs the queued batches are dropped and counted, sync() rejects, later appends are stored', async () => {
    const errors: NodeflowError[] = [];
    const log = await openJetStreamLog({ servers: nats.url, stream: 'drop', publishTimeoutMs: 200, retryMs: 300, onError: (e) => errors.push(e) });
    log.append({ seq: 1, at: 0, messages: msgs(1, 2) });
    await log.sync();
    await nats.server.stop();
    log.append({ seq: 3, at: 1, messages: msgs(3, 2) });
    log.append({ seq: 5, at: 2, messages: msgs(5, 2) });
    await expect(log.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED' });
    expect(log.stats()).toMatchObject({ pending: 0, droppedBatches: 2, droppedMessages: 4, writeErrors: 1 });
    expect(errors.map((e) => [e.code, e.details])).toEqual([['LOG_WRITE_FAILED', expect.objectContaining({ op: 'publish', droppedBatches: 2, droppedMessages: 4 })]]);
    await nats.server.start();
    // Once the log's connection is back (a refresh answers), within a bounded wait: with retryMs
    // this short, a batch appended before the reconnect could be dropped too.
    const deadline = Date.now() + 10_000;
    while (!(await log.refresh().then(() => true, () => false)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    log.append({ seq: 7, at: 3, messages: msgs(7, 2) });
    await log.sync();
    // The dropped batches are a gap in the seqs; a read goes from the batch before it to the one after.
    expect((await readAll(log, { seq: 1 })).map((b) => b.seq)).toEqual([1, 7]);
    await log.close();
  });

  it('an older stream whose mark before the first publish meets the server away is marked once it is back, the batch stored, nothing dropped', async () => {
    const errors: NodeflowError[] = [];
    const older = await olderStream(nats.url, 'older-away', msgs(1, 1), 4);
    await older.nc.close();
    const log = await openJetStreamLog({ servers: nats.url, stream: 'older-away', publishTimeoutMs: 300, retryMs: 20_000, onError: (e) => errors.push(e) });
    await nats.server.stop();
    log.append({ seq: 2, at: 1, messages: msgs(2, 1) });
    await new Promise((r) => setTimeout(r, 800)); // the mark fails, and is retried
    await nats.server.start();
    log.append({ seq: 3, at: 2, messages: msgs(3, 1) });
    await log.sync();
    expect(errors).toEqual([]);
    expect(log.stats()).toMatchObject({ pending: 0, droppedBatches: 0 });
    expect((await readAll(log, { seq: 1 })).map((b) => b.seq)).toEqual([1, 2, 3]);
    await log.close();
    const check = await connect({ servers: nats.url, noAsyncTraces: true });
    expect((await (await jetstreamManager(check)).streams.info('older-away')).config.description).toBe('nodeflow-record-log v5');
    await check.close();
  });

  it('a read while the server is away fails with CONNECTION_FAILED (bounded by publishTimeoutMs), and works once it is back', async () => {
    const log = await openJetStreamLog({ servers: nats.url, stream: 'away', publishTimeoutMs: 300 });
    log.append({ seq: 1, at: 0, messages: msgs(1, 1) });
    await log.sync();
    await nats.server.stop();
    await expect(readAll(log, { seq: 1 })).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    await nats.server.start();
    let got: number[] = [];
    const deadline = Date.now() + 10_000; // until the client has reconnected
    while (got.length === 0 && Date.now() < deadline) {
      got = await readAll(log, { seq: 1 }).then((bs) => bs.map((b) => b.seq), () => []);
      if (got.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(got).toEqual([1]);
    await log.close();
    expect(() => log.read({ seq: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
