import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { WorkflowRun } from '../../../src/index.js';
import { freePort } from '../../support/child-server.js';
import { counters, edge, ioWorkflow, until } from './harness.js';

const runs: WorkflowRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

const open = (url: string, opts: WebSocket.ClientOptions = {}) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });

async function serverIn(config: Record<string, unknown>, edgeConfig: Record<string, unknown> = {}) {
  const h = ioWorkflow();
  const port = await freePort();
  const run = await h.wf.executeWorkflow({
    nodes: [{ id: 'in', type: 'websocket in', config: { port, path: '/in', ...config } }, { id: 'sink', type: 'test.sink' }, { id: 'dead', type: 'test.errors' }],
    edges: [edge('in', 'sink', edgeConfig), edge('in', 'dead', {}, 'error')],
  });
  runs.push(run);
  await until(() => run.status().nodes.in?.io?.state === 'connected', 'the server to listen');
  return { ...h, run, url: `ws://127.0.0.1:${port}/in`, port };
}

describe('websocket in (server)', () => {
  it('turns each message into a flow message; malformed ones are counted and routed to error; oversized ones close the socket with 1009', async () => {
    const { run, url, got, errors } = await serverIn({ onInvalid: 'error', maxPayloadBytes: 64 });
    const ws = await open(url);
    ws.send('{"t":1}');
    ws.send('not json');
    ws.send('{"t":2}');
    await until(() => got.length === 2 && errors.length === 1, 'two messages and one dead letter');
    expect(got).toEqual([{ t: 1 }, { t: 2 }]);
    expect(errors[0]).toMatchObject({ code: 'MALFORMED_PAYLOAD', sample: 'not json' });
    const closed = new Promise<number>((r) => ws.once('close', r));
    ws.send('x'.repeat(100));
    expect(await closed).toBe(1009);
    await until(() => counters(run, 'in').oversized === 1, 'the oversized count');
    expect(counters(run, 'in')).toMatchObject({ received: 2, malformed: 1, oversized: 1, connections: 1 });
    expect(run.status().nodes.in?.lastError).toMatch(/OVERSIZED_PAYLOAD/);
  });

  it('refuses a foreign origin (403), a missing token (401) and clients beyond maxClients (503) before any WebSocket exists', async () => {
    const { run, url } = await serverIn({ token: 's3cret', maxClients: 1, allowedOrigins: ['http://ok.example'] });
    await expect(open(url)).rejects.toThrow('HTTP 401');
    await expect(open(`${url}?token=s3cret`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const a = await open(url, { headers: { authorization: 'Bearer s3cret' }, origin: 'http://ok.example' });
    await expect(open(`${url}?token=s3cret`)).rejects.toThrow('HTTP 503');
    await until(() => counters(run, 'in').refusedConnections === 3, 'three refusals counted');
    a.close();
  });

  it('pauses the socket while the flow is backpressured, so the sender is held (its bufferedAmount grows), and loses nothing', async () => {
    const { run, url, got, sink, wf } = await serverIn({}, { bufferSize: 16, maxBatchSize: 4 });
    const states: string[] = [];
    wf.getStreamEngine().events$.subscribe((e) => e.type === 'io.state' && states.push(e.state));
    sink.delayMs = 20;
    const ws = await open(url);
    const big = 'x'.repeat(4096);
    let sent = 0;
    let maxBuffered = 0;
    // Send for 1.5 s as fast as the socket takes it; the slow flow takes ~200 msg/s.
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      if (ws.bufferedAmount < 4 << 20) ws.send(JSON.stringify({ i: sent++, big }));
      maxBuffered = Math.max(maxBuffered, ws.bufferedAmount);
      await new Promise((r) => setImmediate(r));
    }
    expect(counters(run, 'in').pauses).toBeGreaterThan(0);
    expect(maxBuffered).toBeGreaterThan(1 << 20); // the kernel buffers filled and the sender kept the rest
    sink.delayMs = 0;
    await until(() => got.length === sent, `all ${sent} messages`, 20_000);
    expect((got as { i: number }[]).map((m) => m.i)).toEqual([...Array(sent).keys()]);
    expect(counters(run, 'in').overflow ?? 0).toBe(0);
    expect(states.slice(0, 2)).toEqual(['paused', 'connected']); // reported per pause, not per message
  });

  it('fails clearly (CONNECTION_FAILED: the port is in use) when its port is taken, and closes everything at stop', async () => {
    const { wf } = ioWorkflow();
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
    const run = await wf.executeWorkflow({ nodes: [{ id: 'in', type: 'websocket in', config: { port } }], edges: [] });
    const result = await run.done;
    expect(result.status).toBe('failed');
    expect(result.nodes.in?.lastError).toMatch(/CONNECTION_FAILED|port is in use/);
    expect(result.nodes.in?.lastError).toMatch(/port is in use/);
    await new Promise((r) => taken.close(r));

    const { run: run2, url, port: port2 } = await serverIn({});
    const ws = await open(url);
    const closed = new Promise((r) => ws.once('close', r));
    await run2.stop();
    await closed;
    await new Promise<void>((resolve, reject) => {
      const again = createServer().once('error', reject);
      again.listen(port2, '127.0.0.1', () => again.close(() => resolve())); // the port is free again
    });
  });

  it('an async authorize cannot let more than maxClients in at once: upgrades being authorized hold a place', async () => {
    const { run, url } = await serverIn({ maxClients: 2, authorize: () => new Promise((r) => setTimeout(() => r(true), 50)) });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => open(url)));
    const opened = results.filter((r) => r.status === 'fulfilled');
    expect(opened).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual(['Error: HTTP 503', 'Error: HTTP 503', 'Error: HTTP 503']);
    expect(counters(run, 'in').refusedConnections).toBe(3);
    for (const r of opened) (r as PromiseFulfilledResult<WebSocket>).value.close();
  });

  it('attaches to an http.Server given through the engine API', async () => {
    const server = createServer((_q, s) => s.end('plain http still works'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const h = ioWorkflow();
    const run = await h.wf.executeWorkflow({ nodes: [{ id: 'in', type: 'websocket in', config: { server, path: '/ws' } }, { id: 'sink', type: 'test.sink' }], edges: [edge('in', 'sink')] });
    runs.push(run);
    await until(() => run.status().nodes.in?.io?.state === 'connected', 'attached');
    const ws = await open(`ws://127.0.0.1:${port}/ws`);
    ws.send('[1,2]');
    await until(() => h.got.length === 1, 'the message');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('plain http still works');
    await run.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});

describe('websocket in (client)', () => {
  it('reports connecting/reconnecting while the server is down, connects when it comes up, and reconnects after it restarts', async () => {
    const port = await freePort();
    const h = ioWorkflow();
    const states: string[] = [];
    h.wf.getStreamEngine().events$.subscribe((e) => e.type === 'io.state' && states.push(e.state));
    const run = await h.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'websocket in', config: { mode: 'client', url: `ws://127.0.0.1:${port}/feed`, reconnectMinMs: 50, reconnectMaxMs: 200 } }, { id: 'sink', type: 'test.sink' }],
      edges: [edge('in', 'sink')],
    });
    runs.push(run);
    await until(() => states.includes('reconnecting'), 'a reconnect attempt');
    expect(states[0]).toBe('connecting');
    const up = () => {
      const wss = new WebSocketServer({ port, host: '127.0.0.1' });
      wss.on('connection', (ws) => ws.send('{"hello":1}'));
      return wss;
    };
    let wss = up();
    await until(() => h.got.length === 1, 'the first message');
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
    wss = up();
    await until(() => h.got.length === 2, 'a message after the restart');
    expect(states.filter((s) => s === 'connected').length).toBe(2);
    await run.stop();
    await until(() => wss.clients.size === 0, 'the server to see the client go');
    await new Promise((r) => wss.close(r));
  });
});
