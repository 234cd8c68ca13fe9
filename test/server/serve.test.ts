import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { ConfigError } from '../../src/errors.js';
import { serveEngine, type RemoteServer } from '../../src/server/index.js';
import { raw, until } from './raw-client.js';

const ORIGIN = 'http://dash.test';
let engine: StreamEngine;
let srv: RemoteServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
  engine?.dispose();
});

function feed(n: number, from = 0) {
  const c = engine.getConnection('src:out');
  for (let i = 1; i <= n; i++) c.offer({ id: from + i, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'chart', port: 'out', data: from + i });
  c.flush();
}

async function start(limits = {}) {
  engine = new StreamEngine({ maxBatchSize: 50 });
  engine.createWidget('chart', { bufferSize: 100 });
  engine.createConnection('src', 'chart', 'out', 'in');
  srv = await serveEngine({ engine, port: 0, allowedOrigins: [ORIGIN], limits });
  return srv;
}

describe('serveEngine', () => {
  it('greets with the topology, then sends a subscription its window and every new message in order', async () => {
    const { url } = await start();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/nodeflow$/);
    feed(30);
    const c = await raw(url, { origin: ORIGIN });
    c.send({ type: 'hello', v: 1 });
    const welcome = await c.next('welcome');
    expect((welcome.topo as { nodes: unknown[] }).nodes).toContainEqual(['chart', 'widget', expect.any(String)]);
    c.send({ type: 'sub', s: 1, w: 'chart', buf: 100, iv: 0, cr: 16 });
    expect(await c.next('subbed')).toMatchObject({ s: 1, w: 'chart', q: 30, win: 100, rec: false });
    feed(40, 30);
    await until(() => c.batches.reduce((a, b) => a + b.messages.length, 0) >= 70, 'all 70 messages');
    const ids = c.batches.flatMap((b) => b.messages.map((m) => m.id));
    expect(ids).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    for (const b of c.batches) expect(b.from + b.messages.length - 1).toBe(b.total);
    c.ws.close();
  });

  it('refuses a foreign origin with 403, a missing one with 403, and a refused authorize with 401, before any WebSocket exists', async () => {
    const { url } = await start();
    await expect(raw(url, { origin: 'http://evil.test' })).rejects.toMatchObject({ status: 403 });
    await expect(raw(url)).rejects.toMatchObject({ status: 403 });
    await expect(raw(url, { origin: ORIGIN, protocol: 'other' })).rejects.toMatchObject({ status: 400 });
    await srv!.close();
    srv = await serveEngine({ engine, port: 0, allowedOrigins: [ORIGIN], authorize: (req) => req.headers.authorization === 'Bearer ok' });
    await expect(raw(srv.url, { origin: ORIGIN })).rejects.toMatchObject({ status: 401 });
    expect(srv.stats().sockets).toBe(0);
  });

  it('refuses more than maxSockets with 503', async () => {
    const { url } = await start({ maxSockets: 1 });
    const a = await raw(url, { origin: ORIGIN });
    await expect(raw(url, { origin: ORIGIN })).rejects.toMatchObject({ status: 503 });
    a.ws.close();
  });

  it('an async authorize cannot let more than maxSockets in: upgrades being authorized hold their place', async () => {
    engine = new StreamEngine();
    srv = await serveEngine({ engine, port: 0, allowedOrigins: [ORIGIN], limits: { maxSockets: 2 }, authorize: () => new Promise((r) => setTimeout(() => r(true), 50)) });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => raw(srv!.url, { origin: ORIGIN })));
    const opened = results.filter((r) => r.status === 'fulfilled');
    expect(opened).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.status)).toEqual(Array(8).fill(503));
    expect(srv.stats().sockets).toBe(2);
    for (const r of opened) (r as PromiseFulfilledResult<{ ws: { close(): void } }>).value.ws.close();
  });

  it('validates its options with ConfigError', async () => {
    engine = new StreamEngine();
    await expect(serveEngine({ engine, port: 0 } as never)).rejects.toBeInstanceOf(ConfigError);
    await expect(serveEngine({ engine, port: -1, allowedOrigins: [] })).rejects.toMatchObject({ field: 'port' });
    await expect(serveEngine({ engine, port: 0, noServer: true, allowedOrigins: [] })).rejects.toMatchObject({ field: 'port' });
    await expect(serveEngine({ engine, port: 0, allowedOrigins: [], limits: { maxSockets: 0 } })).rejects.toMatchObject({ field: 'limits.maxSockets' });
    await expect(serveEngine({ engine, port: 0, allowedOrigins: [], limits: { maxSockts: 1 } as never })).rejects.toMatchObject({ field: 'limits.maxSockts' });
  });
});

describe('serveEngine modes', () => {
  it('attached to an http.Server: serves its path and leaves other upgrades to other listeners', async () => {
    const { createServer } = await import('node:http');
    engine = new StreamEngine();
    engine.createWidget('chart');
    const http = createServer((_, res) => res.end('app'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const others: string[] = [];
    http.on('upgrade', (req, socket) => {
      if (req.url !== '/nodeflow') others.push(req.url!), socket.destroy();
    });
    srv = await serveEngine({ engine, server: http, allowedOrigins: [ORIGIN] });
    const port = (http.address() as { port: number }).port;
    const c = await raw(`ws://127.0.0.1:${port}/nodeflow`, { origin: ORIGIN });
    c.send({ type: 'hello', v: 1 });
    expect(await c.next('welcome')).toMatchObject({ v: 1 });
    await expect(raw(`ws://127.0.0.1:${port}/elsewhere`, { origin: ORIGIN })).rejects.toBeDefined();
    expect(others).toEqual(['/elsewhere']);
    c.ws.close();
    await srv.close();
    srv = undefined;
    await new Promise((r) => http.close(r));
  });

  it('closes every socket with 4001 when the engine is disposed, and 4000 on close()', async () => {
    const { url } = await start();
    const a = await raw(url, { origin: ORIGIN });
    a.send({ type: 'hello', v: 1 });
    await a.next('welcome');
    engine.dispose();
    expect((await a.closed).code).toBe(4001);
    await expect(raw(url, { origin: ORIGIN })).rejects.toMatchObject({ status: 503 });
    engine = new StreamEngine();
    await srv!.close();
    srv = await serveEngine({ engine, port: 0, allowedOrigins: [ORIGIN] });
    const b = await raw(srv.url, { origin: ORIGIN });
    await srv.close();
    srv = undefined;
    expect((await b.closed).code).toBe(4000);
  });
});

describe('handshake abuse', () => {
  it('bad handshakes that ws refuses itself do not use up maxSockets', async () => {
    const { connect } = await import('node:net');
    const { url, port } = await start({ maxSockets: 2 });
    for (let i = 0; i < 5; i++) {
      const s = connect(port, '127.0.0.1');
      s.write(`GET /nodeflow HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: ${ORIGIN}\r\nSec-WebSocket-Protocol: nodeflow.v1\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      const reply = await new Promise<string>((r) => s.once('data', (d) => r(String(d))));
      expect(reply).toMatch(/^HTTP\/1\.1 400/); // no Sec-WebSocket-Key
      s.destroy();
    }
    const c = await raw(url, { origin: ORIGIN });
    c.send({ type: 'hello', v: 1 });
    expect(await c.next('welcome')).toMatchObject({ v: 1 });
    c.ws.close();
  });
});

it('rejects when the port is taken', async () => {
  const { port } = await start();
  await expect(serveEngine({ engine, port, allowedOrigins: [ORIGIN] })).rejects.toMatchObject({ code: 'EADDRINUSE' });
});
