import { get, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../src/index.js';
import { freePort } from '../../support/child-server.js';
import { counters, edge, ioWorkflow, until } from './harness.js';
import WebSocket from 'ws';

const runs: WorkflowRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

async function sse(config: Record<string, unknown>) {
  const h = ioWorkflow();
  const inPort = await freePort();
  const port = await freePort();
  const run = await h.wf.executeWorkflow({
    nodes: [{ id: 'in', type: 'websocket in', config: { port: inPort } }, { id: 'sse', type: 'sse out', config: { port, path: '/events', ...config } }],
    edges: [edge('in', 'sse', { maxBatchSize: 100 })],
  });
  runs.push(run);
  await until(() => run.status().nodes.sse?.io?.state === 'connected' && run.status().nodes.in?.io?.state === 'connected', 'listening');
  const feed = await new Promise<WebSocket>((resolve) => {
    const w = new WebSocket(`ws://127.0.0.1:${inPort}/`);
    w.once('open', () => resolve(w));
  });
  return { run, feed, port };
}

/**
 * A client of the SSE stream. `saw(needle)` scans only what came since its last call (plus an
 * overlap for a needle split across chunks): polling a 20 MB body with `includes` every 10 ms
 * was quadratic, and on a loaded machine outran the test's wait.
 */
const subscribe = (port: number, headers: Record<string, string> = {}) =>
  new Promise<{ res: IncomingMessage; text: () => string; saw: (needle: string) => boolean; closed: () => boolean }>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/events', headers }, (res) => {
      const chunks: string[] = [];
      let scanned = 0;
      let carry = '';
      let closed = false;
      res.on('data', (c: Buffer) => void chunks.push(c.toString()));
      res.on('close', () => (closed = true));
      const saw = (needle: string) => {
        for (; scanned < chunks.length; scanned++) {
          const s = carry + chunks[scanned]!;
          if (s.includes(needle)) return true;
          carry = s.slice(-needle.length);
        }
        return false;
      };
      resolve({ res, text: () => chunks.join(''), saw, closed: () => closed });
    });
  });

describe('sse out', () => {
  it('streams each message as a data event, with heartbeat comments; CORS only for allowed origins', async () => {
    const { run, feed, port } = await sse({ heartbeatMs: 50, allowedOrigins: ['http://ok.example'] });
    const a = await subscribe(port, { origin: 'http://ok.example' });
    expect(a.res.headers['content-type']).toBe('text/event-stream');
    expect(a.res.headers['access-control-allow-origin']).toBe('http://ok.example');
    const refused = await subscribe(port, { origin: 'http://evil.example' });
    expect(refused.res.statusCode).toBe(403);
    await until(() => counters(run, 'sse').connections === 1, 'one client');
    feed.send('{"t":1}');
    feed.send('"two"');
    await until(() => a.text().includes('data: "two"'), 'both events');
    expect(a.text()).toContain('data: {"t":1}\n\n');
    await until(() => a.text().includes(': heartbeat'), 'a heartbeat');
    const ended = new Promise((r) => a.res.once('close', r));
    await run.stop();
    await ended; // stop ends the stream
  });

  it('drops a client that does not read once its queue passes maxQueueBytes (counted), while the others keep up', async () => {
    const { run, feed, port } = await sse({ maxQueueBytes: 64 * 1024 });
    const fast = await subscribe(port);
    const slow = net.connect(port, '127.0.0.1');
    slow.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    slow.pause(); // never reads: the kernel buffers fill, then the server's queue
    let slowClosed = false;
    slow.on('close', () => (slowClosed = true));
    await until(() => counters(run, 'sse').connections === 2, 'two clients');
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 20_000; i++) feed.send(JSON.stringify({ i, pad }));
    await until(() => fast.saw('"i":19999'), () => `the fast client to see the last (fast client closed: ${fast.closed()}, counters ${JSON.stringify(counters(run, 'sse'))})`, 30_000);
    await until(() => counters(run, 'sse').slowClients === 1, 'the slow client dropped');
    slow.resume();
    await until(() => slowClosed, 'the slow socket closed');
  });
});
