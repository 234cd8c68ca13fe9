// Load: 200 Node clients on one server, 3 widgets fed at ~20k msg/s in all. Every client gets
// data; 20 stop granting credit and the other 180 keep receiving; all close cleanly. Windows are
// measured in messages produced, not in wall time, so a slow machine only makes the test slower.
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { connectEngine, type FrameScheduler, type RemoteEngine, type WebSocketConstructor } from '../../src/remote/index.js';
import { serveEngine, type RemoteServer } from '../../src/server/index.js';
import { until } from '../server/raw-client.js';

const CLIENTS = 200;
const STALLED = 20;
const WIDGETS = ['a', 'b', 'c'];
const RATE = 20_000; // messages per second over the three widgets
const WINDOW = 30_000; // messages produced per measuring window (~1.5 s at RATE)

let engine: StreamEngine;
let srv: RemoteServer;
let clients: RemoteEngine[] = [];
let ticker: ReturnType<typeof setInterval> | undefined;
afterEach(async () => {
  clearInterval(ticker);
  for (const c of clients) c.close();
  clients = [];
  await srv?.close();
  engine?.dispose();
});

/** One 16 ms ticker for every client (200 rAF stand-ins); a client whose `granting` is off drops its frames, so it never returns credit. */
function frameLoop(): { frames: (gate: { granting: boolean }) => FrameScheduler } {
  let tasks: { frame(now: number): boolean }[] = [];
  ticker = setInterval(() => {
    const due = tasks;
    tasks = [];
    for (const t of due) t.frame(performance.now());
  }, 16);
  return { frames: (gate) => ({ schedule: (t) => void (gate.granting && tasks.push(t)) }) };
}

let seq = 0;
/** Offers `n` messages round-robin over the widgets at about RATE, in 10 ms slices. */
function produce(n: number): Promise<void> {
  const perTick = Math.ceil(RATE / 100 / WIDGETS.length);
  return new Promise((resolve) => {
    let left = n;
    const iv = setInterval(() => {
      for (const w of WIDGETS) {
        const conn = engine.getConnection(`src:out->${w}:in`);
        for (let i = 0; i < perTick && left > 0; i++, left--) conn.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: w, port: 'out', data: seq });
        conn.flush();
      }
      if (left <= 0) clearInterval(iv), resolve();
    }, 10);
  });
}

const batches = (c: RemoteEngine) => WIDGETS.map((w) => c.findWidget(w)!.metrics().batchCount);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

it('200 clients on 3 widgets all get data; 20 that stop granting credit stop receiving while the other 180 keep on; all close to 0 sockets', async () => {
  engine = new StreamEngine();
  for (const w of WIDGETS) {
    engine.createWidget(w, { bufferSize: 200 });
    engine.createConnection('src', w, 'out', 'in');
  }
  srv = await serveEngine({ engine, port: 0, allowedOrigins: [], allowNoOrigin: true });
  const loop = frameLoop();
  const gates = Array.from({ length: CLIENTS }, () => ({ granting: true }));
  clients = gates.map((g) => connectEngine(srv.url, { WebSocket: WebSocket as unknown as WebSocketConstructor, frameLoop: loop.frames(g) }));
  await Promise.all(clients.map((c) => c.ready));
  for (const c of clients) for (const w of WIDGETS) c.findWidget(w)!.observe({ bufferSize: 200, updateInterval: 16, paused: false });
  await until(() => srv.stats().subscriptions === CLIENTS * WIDGETS.length, 'every subscription');
  expect(srv.stats()).toMatchObject({ sockets: CLIENTS, followedWidgets: WIDGETS.length });

  // Window A: everyone grants. Every client must get batches of every widget.
  const a0 = clients.map(batches);
  await produce(WINDOW);
  await until(() => clients.every((c, i) => batches(c).every((n, k) => n > a0[i]![k]!)), 'every client to get every widget', 10_000);
  const a1 = clients.map(batches);

  // 20 clients stop granting. What they were granted already may still arrive: let one window
  // pass to drain it, then a second window must bring them nothing and the others more.
  const stalled = new Set(Array.from({ length: STALLED }, (_, i) => i * (CLIENTS / STALLED)));
  for (const i of stalled) gates[i]!.granting = false;
  await produce(WINDOW);
  const b0 = clients.map(batches);
  await produce(WINDOW);
  await until(() => clients.every((c, i) => stalled.has(i) || batches(c).every((n, k) => n > b0[i]![k]!)), 'every honest client to keep getting every widget', 10_000);
  const b1 = clients.map(batches);

  const honest = clients.map((_, i) => i).filter((i) => !stalled.has(i));
  const inA = honest.map((i) => sum(a1[i]!) - sum(a0[i]!));
  const inB = honest.map((i) => sum(b1[i]!) - sum(b0[i]!));
  for (const i of stalled) expect(b1[i]).toEqual(b0[i]); // no credit, no batch
  // Loose: the stalled 20 must not slow the rest down to a trickle (same messages produced in both windows).
  expect(sum(inB)).toBeGreaterThan(sum(inA) / 4);
  console.log(JSON.stringify({ load: { clients: CLIENTS, stalled: STALLED, windowMessages: WINDOW, honestBatchesA: sum(inA), honestBatchesB: sum(inB), minHonestB: Math.min(...inB), stalledDelta: [...stalled].map((i) => sum(b1[i]!) - sum(b0[i]!)) } }));

  for (const c of clients) c.close();
  await until(() => srv.stats().sockets === 0, 'every socket to close');
  expect(srv.stats()).toMatchObject({ sockets: 0, subscriptions: 0 });
  for (const c of clients) expect(c.lastClose === undefined || c.lastClose.code === 1000 || c.lastClose.code === 1005).toBe(true);
}, 60_000);
