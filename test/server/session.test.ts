import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { serveEngine, type RemoteServer } from '../../src/server/index.js';
import { raw, until, type Raw } from './raw-client.js';

const ORIGIN = 'http://dash.test';
const DOCUMENTED = new Set([1009, 4500, 4501, 4502, 4503, 4504, 4505, 4506]);
let engine: StreamEngine;
let srv: RemoteServer;
afterEach(async () => {
  await srv?.close();
  engine?.dispose();
});

async function start(limits = {}) {
  engine = new StreamEngine({ maxBatchSize: 100 });
  engine.createWidget('chart', { bufferSize: 1000 });
  engine.createConnection('src', 'chart', 'out', 'in');
  srv = await serveEngine({ engine, port: 0, allowedOrigins: [ORIGIN], limits });
}
let seq = 0;
function feed(n: number) {
  const c = engine.getConnection('src:out');
  for (let i = 0; i < n; i++) c.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'chart', port: 'out', data: seq });
  c.flush();
}
async function greeted(): Promise<Raw> {
  const c = await raw(srv.url, { origin: ORIGIN });
  c.send({ type: 'hello', v: 1 });
  await c.next('welcome');
  return c;
}

describe('session close codes', () => {
  it.each([
    ['a frame before hello', 4503, [{ type: 'ping', t: 1 }]],
    ['a second hello', 4503, [{ type: 'hello', v: 1 }, { type: 'hello', v: 1 }]],
    ['hello v2', 4502, [{ type: 'hello', v: 2 }]],
    ['malformed JSON', 4500, [{ type: 'hello', v: 1 }, '{nope']],
    ['an unknown type', 4501, [{ type: 'hello', v: 1 }, { type: 'nope' }]],
    ['a negative credit', 4504, [{ type: 'hello', v: 1 }, { type: 'credit', g: [[1, -1]] }]],
  ])('%s closes with %i', async (_, code, frames) => {
    await start();
    const c = await raw(srv.url, { origin: ORIGIN });
    for (const f of frames) c.send(f);
    expect((await c.closed).code).toBe(code);
  });

  it('a binary frame from a client closes with 4500, one over maxPayload with 1009', async () => {
    await start({ maxPayload: 1024 });
    const a = await greeted();
    a.ws.send(Buffer.from([1, 2, 3]));
    expect((await a.closed).code).toBe(4500);
    const b = await greeted();
    b.send({ type: 'ping', t: 'x'.repeat(2000) });
    expect((await b.closed).code).toBe(1009);
  });

  it('closes with 4505 past maxSubscriptions and with 4506 when the token bucket is empty', async () => {
    await start({ maxSubscriptions: 3, rateBurst: 20, ratePerSec: 1 });
    const a = await greeted();
    for (let s = 1; s <= 4; s++) a.send({ type: 'sub', s, w: 'chart', buf: 10, iv: 0, cr: 1 });
    expect((await a.closed).code).toBe(4505);
    const b = await greeted();
    for (let i = 0; i < 40; i++) b.send({ type: 'ping', t: i });
    expect((await b.closed).code).toBe(4506);
  });

  it('answers an unknown widget with suberr, not a close', async () => {
    await start();
    const a = await greeted();
    a.send({ type: 'sub', s: 1, w: 'nope', buf: 10, iv: 0, cr: 1 });
    expect(await a.next('suberr')).toMatchObject({ s: 1, code: 'UNKNOWN_WIDGET' });
    a.ws.close();
  });
});

describe('bounded server memory', () => {
  it('holds nothing per message for a client that never grants credit: its cursor only counts drops', async () => {
    await start();
    const stalled = await greeted();
    stalled.send({ type: 'sub', s: 1, w: 'chart', buf: 1000, iv: 0, cr: 1 });
    await stalled.next('subbed');
    const sentBefore = srv.stats().bytesSent;
    for (let round = 0; round < 50; round++) {
      feed(2000);
      await new Promise((r) => setImmediate(r));
      const st = srv.stats();
      // One batch of at most the window went out for the single credit; nothing more queues.
      expect(st.bufferedBytes).toBeLessThanOrEqual(1000 * 24 + 4096);
      expect(st.pendingEvents).toBe(0);
      expect(st.subscriptions).toBe(1);
    }
    expect(srv.stats().framesSent).toBeLessThanOrEqual(1);
    expect(srv.stats().bytesSent - sentBefore).toBeLessThan(1000 * 24 + 4096);
    // When it grants credit again it gets the window and learns how many it missed.
    stalled.send({ type: 'credit', g: [[1, 1]] });
    await until(() => stalled.batches.length === 2, 'the second batch');
    const b = stalled.batches[1]!;
    expect(b.messages).toHaveLength(1000);
    expect(b.total).toBe(seq);
    expect(b.from).toBe(seq - 999);
    expect(b.from - 1 - b.dropped).toBe(stalled.batches[0]!.total);
    stalled.ws.close();
  });
});

describe('fuzz: hostile sockets', () => {
  const runs = Number(process.env.FUZZ_RUNS ?? 30);
  it('close each hostile socket with a documented code while an honest client keeps receiving', async () => {
    await start({ maxPayload: 16 * 1024, maxSubscriptions: 8 });
    const honest = await greeted();
    honest.send({ type: 'sub', s: 1, w: 'chart', buf: 1000, iv: 0, cr: 16 });
    await honest.next('subbed');
    let granted = 0;
    const hostile = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ type: fc.constantFrom('sub', 'unsub', 'credit', 'metrics', 'ping', 'hello', '__proto__'), s: fc.anything(), w: fc.anything(), g: fc.anything(), iv: fc.anything() }).map((o) => JSON.stringify(o)),
      fc.constant('{"type":"ping","t":1,"__proto__":{"polluted":true}}'),
      fc.constant(JSON.stringify({ type: 'ping', t: 'x'.repeat(20_000) })),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
    );
    const samples = fc.sample(fc.array(hostile, { minLength: 1, maxLength: 5 }), runs);
    for (const frames of samples) {
      const c = await raw(srv.url, { origin: ORIGIN });
      c.send({ type: 'hello', v: 1 });
      for (const f of frames) c.ws.send(f);
      // Valid frames may pass; flood past the rate limit so every hostile socket ends.
      for (let i = 0; i < 500 && c.ws.readyState === c.ws.OPEN; i++) c.send({ type: 'sub', s: i, w: 'chart', buf: 1, iv: 0, cr: 1 });
      const { code } = await c.closed;
      expect(DOCUMENTED.has(code), `code ${code} for ${JSON.stringify(frames.map(String)).slice(0, 200)}`).toBe(true);
      // The honest client still gets what is fed now.
      const before = honest.batches.length;
      feed(10);
      honest.send({ type: 'credit', g: [[1, 1]] });
      granted++;
      await until(() => honest.batches.length > before, 'the honest client to receive');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(honest.batches.at(-1)!.total).toBe(engine.findWidget('chart')!.total);
    expect(granted).toBe(samples.length);
    expect(srv.stats().sockets).toBe(1);
  });
});

describe('slow consumers', () => {
  it('skips a socket whose send buffer is over highWaterMark and closes it with 4008 after slowTimeoutMs', async () => {
    await start({ highWaterMark: 64 * 1024, slowTimeoutMs: 200, maxCredit: 16 });
    const c = await greeted();
    c.send({ type: 'sub', s: 1, w: 'chart', buf: 1000, iv: 0, cr: 16 });
    await c.next('subbed');
    c.ws.pause(); // stop reading: the kernel buffers fill, then ws's own send buffer
    const big = 'x'.repeat(2000);
    const conn = engine.getConnection('src:out');
    for (let round = 0; round < 16 && srv.stats().sockets === 1; round++) {
      for (let i = 0; i < 1000; i++) conn.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'chart', port: 'out', data: big });
      conn.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    // Once over the mark, nothing more is queued: at most one frame past it.
    expect(srv.stats().bufferedBytes).toBeLessThan(64 * 1024 + 1000 * 2100 + 4096);
    await until(() => srv.stats().sockets === 0, 'the slow socket to be dropped');
    c.ws.resume();
    expect((await c.closed).code).toBe(4008);
  });
});

describe('metrics', () => {
  it('sends the latest engine metrics at the asked interval (at least minMetricsIntervalMs)', async () => {
    await start({ minMetricsIntervalMs: 20 });
    const c = await greeted();
    feed(10);
    c.send({ type: 'metrics', iv: 1 });
    const m = (await c.next('metrics')).m as { connections: Record<string, { delivered: number }> };
    expect(m.connections['src:out->chart:in']!.delivered).toBe(10);
    c.send({ type: 'metrics', iv: 0 });
    c.ws.close();
  });

  it('caps the rows of a metrics frame at maxMetricsConnections', async () => {
    await start({ minMetricsIntervalMs: 20, maxMetricsConnections: 1 });
    engine.createConnection('src', 'other', 'out', 'in');
    const c = await greeted();
    c.send({ type: 'metrics', iv: 20 });
    const m = (await c.next('metrics')).m as { connections: object; nodes: object; totals: { accepted: number } };
    expect(Object.keys(m.connections)).toHaveLength(1);
    expect(Object.keys(m.nodes)).toHaveLength(1);
    expect(m.totals).toBeDefined(); // totals still cover every connection
    c.ws.close();
  });
});

describe('timeouts', () => {
  it('closes a socket that never says hello with 4503', async () => {
    await start({ helloTimeoutMs: 100 });
    const c = await raw(srv.url, { origin: ORIGIN });
    expect((await c.closed).code).toBe(4503);
  });

  it('closes a socket that answers no ping with 4009', async () => {
    await start({ pingIntervalMs: 100 });
    const c = await greeted();
    c.ws.pause(); // reads nothing, so answers no ping
    await until(() => srv.stats().sockets === 0, 'the silent socket to be dropped');
    c.ws.resume();
    expect((await c.closed).code).toBe(4009);
  });
});
