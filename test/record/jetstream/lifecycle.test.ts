import { until as waitUntil } from '../../support/until.js';
// Options are checked (typed ConfigError per bad field), a stream that is not a record log is
// refused, and close() leaves nothing behind: no socket, no timer, no consumer on the server.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { openJetStreamLog } from '../../../src/record/jetstream/jetstream-log.js';
import type { JetStreamLogOptions } from '../../../src/record/jetstream/options.js';
import { msgs, readAll } from '../support.js';
import { jetStreamFixture } from './helpers.js';

const js = jetStreamFixture();
const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'PromiseResolve' && r !== 'TTYWrap').length;


describe('openJetStreamLog options', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['stream', { stream: 'a.b' }],
    ['stream', { stream: '' }],
    ['servers', { servers: [] }],
    ['servers', { servers: 42 }],
    ['subject', { subject: 'rec.>' }],
    ['retention.maxAgeMs', { retention: { maxAgeMs: -1 } }],
    ['retention.maxBatches', { retention: { maxBatches: 1.5 } }],
    ['retention.maxBytes', { retention: { maxBytes: 10 } }],
    ['retention.maxMessages', { retention: { maxMessages: 10 } }],
    ['replicas', { replicas: 0 }],
    ['maxInFlight', { maxInFlight: 0 }],
    ['retryMs', { retryMs: -5 }],
    ['onError', { onError: 'log' }],
    ['maxinflight', { maxinflight: 4 }],
    ['connection', { servers: undefined, connection: {} }],
  ];
  it.each(bad)('%s: INVALID_CONFIG naming the field', async (field, patch) => {
    const options = { servers: js.url, stream: 'ok', ...patch } as unknown as JetStreamLogOptions;
    await expect(openJetStreamLog(options)).rejects.toMatchObject({ name: 'ConfigError', code: 'INVALID_CONFIG', details: expect.objectContaining({ field }) });
  });

  it('an unreachable server is CONNECTION_FAILED', async () => {
    await expect(openJetStreamLog({ servers: 'nats://127.0.0.1:1', stream: 'x' })).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
  });

  it('a stream that is not a record log is NOT_A_LOG, a newer format LOG_VERSION', async () => {
    const nc = await connect({ servers: js.url, noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'foreign', subjects: ['foreign.>'] });
    await jsm.streams.add({ name: 'newer', subjects: ['nodeflow.record.newer'], description: 'nodeflow-record-log v9' });
    await expect(openJetStreamLog({ connection: nc, stream: 'foreign' })).rejects.toMatchObject({ code: 'NOT_A_LOG' });
    await expect(openJetStreamLog({ connection: nc, stream: 'newer' })).rejects.toMatchObject({ code: 'LOG_VERSION', details: { found: 9, supported: 5 } });
    // Version 1 held JSON bodies: refused with a message that says to record again, never misread.
    await jsm.streams.add({ name: 'older', subjects: ['nodeflow.record.older'], description: 'nodeflow-record-log v1' });
    await expect(openJetStreamLog({ connection: nc, stream: 'older' })).rejects.toMatchObject({ code: 'LOG_VERSION', details: { found: 1, supported: 5 }, message: expect.stringMatching(/record it again/) });
    await nc.close();
  });
});

describe('JetStream log lifecycle', () => {
  it('refuses bad batches with INVALID_ARGUMENT (one refused for what it holds is skipped: the next follows it), appends from inside an append, and appends after close', async () => {
    const log = await js.open();
    expect(() => log.append({ seq: 0, at: 0, messages: msgs(1, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => log.append({ seq: 1, at: 0, messages: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    log.append({ seq: 1, at: 0, messages: msgs(1, 1) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => log.append({ seq: 2, at: 0, messages: [{ ...msgs(2, 1)[0]!, data: cyclic }] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { seq: 2, next: 3 } }));
    const huge = [{ ...msgs(3, 1)[0]!, data: 'x'.repeat(1024 * 1024) }]; // past the server's max_payload (1 MiB)
    expect(() => log.append({ seq: 3, at: 0, messages: huge })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ max: 1024 * 1024, next: 4 }) }));
    // A getter appending the batch that follows, as a recorder would hand it: refused, and skipped.
    let inner: unknown;
    const tricky = Object.defineProperty({ ...msgs(4, 1)[0]! }, 'data', {
      enumerable: true,
      get() {
        try {
          log.append({ seq: 5, at: 0, messages: msgs(5, 2) });
        } catch (e) {
          inner = e;
        }
        return 4;
      },
    });
    log.append({ seq: 4, at: 0, messages: [tricky] });
    expect(inner).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/from inside an append/) });
    log.append({ seq: 7, at: 0, messages: msgs(7, 1) });
    await log.sync();
    expect((await readAll(log, { seq: 1 })).map((b) => [b.seq, b.messages.map((m) => m.data)])).toEqual([[1, [msgs(1, 1)[0]!.data]], [4, [4]], [7, [msgs(7, 1)[0]!.data]]]);
    await log.close();
    expect(() => log.append({ seq: 8, at: 0, messages: msgs(8, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(log.stats()).toMatchObject({ pending: 0, droppedBatches: 0 }); // close waited for the PubAck
  });

  it('appends past maxPendingBytes are dropped and counted, one LOG_WRITE_FAILED, and sync() rejects', async () => {
    const log = await js.open({ maxPendingBytes: 65_536 });
    // Object data: JSON bodies, about 20 KB a batch (numbers would be 4 bytes a message).
    const fat = (from: number) => msgs(from, 200).map((m) => ({ ...m, data: { v: m.data, pad: 'x'.repeat(40) } }));
    for (let i = 0; i < 10; i++) log.append({ seq: i * 200 + 1, at: i, messages: fat(i * 200 + 1) });
    await expect(log.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED', details: expect.objectContaining({ cause: 'EBACKLOG' }) });
    const s = log.stats();
    expect(s.droppedBatches).toBeGreaterThan(0);
    expect(s.droppedMessages).toBe(s.droppedBatches * 200);
    expect(s.batches + s.droppedBatches).toBe(10);
    expect(js.errors.map((e) => e.code)).toEqual(['LOG_WRITE_FAILED']); // one per episode
  });

  it('close() of a log that opened its connection leaves no socket and no timer', async () => {
    const before = handles();
    const log = await openJetStreamLog({ servers: js.url, stream: js.name() });
    for (let i = 0; i < 20; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    const it = log.read({ seq: 1 });
    await it.next(); // a read broken off half way
    await it.return?.();
    await log.close();
    await waitUntil(() => handles() <= before, () => `handles back to ${before} (now ${process.getActiveResourcesInfo().join(', ')})`, 3000);
  });

  it('close() of a log on a shared connection leaves the connection open, and reads leave no consumer', async () => {
    const nc = await connect({ servers: js.url, noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    const log = await openJetStreamLog({ connection: nc, stream: js.name() });
    for (let i = 0; i < 20; i++) log.append({ seq: i + 1, at: i, messages: msgs(i + 1, 1) });
    for await (const b of log.read({ seq: 1 })) if (b.seq === 5) break;
    for await (const _ of log.read({ seq: 1 })) void _;
    await log.close();
    expect(nc.isClosed()).toBe(false);
    const consumers = async () => (await jsm.consumers.list(log.stream).next()).length;
    await waitUntil(async () => (await consumers()) === 0, 'the ordered consumers deleted', 3000);
    await nc.close();
  });
});
