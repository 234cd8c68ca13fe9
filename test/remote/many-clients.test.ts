import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { connectEngine, type RemoteEngine, type WebSocketConstructor } from '../../src/remote/index.js';
import { serveEngine, type RemoteServer } from '../../src/server/index.js';
import { until } from '../server/raw-client.js';

let engine: StreamEngine;
let srv: RemoteServer;
let clients: RemoteEngine[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await srv?.close();
  engine?.dispose();
});

it('30 clients on 3 widgets each receive every message of their window; the server follows each widget once', async () => {
  engine = new StreamEngine();
  const widgets = ['a', 'b', 'c'];
  for (const w of widgets) {
    engine.createWidget(w, { bufferSize: 400 });
    engine.createConnection('src', w, 'out', 'in');
  }
  srv = await serveEngine({ engine, port: 0, allowedOrigins: [], allowNoOrigin: true });
  clients = Array.from({ length: 30 }, () => connectEngine(srv.url, { WebSocket: WebSocket as unknown as WebSocketConstructor, initialCredit: 4 }));
  await Promise.all(clients.map((c) => c.ready));
  for (const c of clients) for (const w of widgets) c.findWidget(w)!.observe({ bufferSize: 400, updateInterval: 0, paused: false });
  await until(() => srv.stats().subscriptions === 90, 'every subscription');
  expect(srv.stats().followedWidgets).toBe(3);
  let seq = 0;
  for (let round = 0; round < 20; round++) {
    for (const w of widgets) {
      const conn = engine.getConnection(`src:out->${w}:in`);
      for (let i = 0; i < 20; i++) conn.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: w, port: 'out', data: seq });
      conn.flush();
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await until(() => clients.every((c) => widgets.every((w) => c.findWidget(w)!.metrics().messageCount === 400)), 'every client to catch up', 20_000);
  for (const c of clients) {
    for (const w of widgets) {
      const remote = c.findWidget(w)!;
      expect(remote.window.toArray().map((m) => m.id)).toEqual(engine.findWidget(w)!.window.toArray().map((m) => m.id));
      expect(remote.metrics().dropped).toBe(0); // the window holds all 400: a late batch still has them all
    }
  }
});
