// A child process for test/remote/stall.test.ts (compiled with src/ by the test, run with
// --expose-gc): one engine fed at RATE msg/s into a widget, served; an honest connectEngine
// client, and a raw `ws` client that subscribes, then stops reading (ws.pause()) while it keeps
// granting credit, for STALL_SECONDS. Every second: gc(), then heapUsed + arrayBuffers (lowest of 3). Prints
// one JSON line: the largest growth over the baseline, what the honest client received, and how
// the stalled socket ended. Env: STALL_SECONDS (default 10; 60 is the figure to reach),
// SLOW_TIMEOUT_MS (the server's slowTimeoutMs), RATE (default 50000).
import WebSocket from 'ws';
import { StreamEngine } from '../../src/index.js';
import { connectEngine, type WebSocketConstructor } from '../../src/remote/index.js';
import { serveEngine } from '../../src/server/index.js';
import { SUBPROTOCOL } from '../../src/remote/protocol.js';

const STALL_SECONDS = Number(process.env.STALL_SECONDS ?? 10);
const SLOW_TIMEOUT_MS = Number(process.env.SLOW_TIMEOUT_MS ?? 120_000);
const RATE = Number(process.env.RATE ?? 50_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
/** The lowest of three readings 20 ms apart: what is held stays in all three; a frame in flight does not. */
const mem = async () => {
  const a = read();
  await sleep(20);
  const b = read();
  await sleep(20);
  return Math.min(a, b, read());
};

const engine = new StreamEngine();
engine.createWidget('w', { bufferSize: 2000 });
engine.createConnection('src', 'w', 'out', 'in');
const conn = engine.getConnection('src:out->w:in');
let seq = 0;
const perTick = Math.ceil(RATE / 200);
const producer = setInterval(() => {
  for (let i = 0; i < perTick; i++) conn.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'w', port: 'out', data: { v: Math.random(), label: 'sample' } });
  conn.flush();
}, 5);

const srv = await serveEngine({ engine, port: 0, allowedOrigins: [], allowNoOrigin: true, limits: { slowTimeoutMs: SLOW_TIMEOUT_MS } });
const honest = connectEngine(srv.url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
await honest.ready;
const hw = honest.findWidget('w')!;
hw.observe({ bufferSize: 2000, updateInterval: 16, paused: false });

// The raw client: it reads until its first data frame, then stops reading but keeps granting.
const raw = new WebSocket(srv.url, SUBPROTOCOL);
let rawFrames = 0;
let firstData!: () => void;
const gotData = new Promise<void>((r) => (firstData = r));
raw.on('message', (data, isBinary) => {
  if (!isBinary) {
    if ((JSON.parse(String(data)) as { type: string }).type === 'welcome') raw.send(JSON.stringify({ type: 'sub', s: 1, w: 'w', buf: 2000, iv: 8, cr: 16 }));
    return;
  }
  rawFrames++;
  firstData();
});
const rawClosed = new Promise<{ code: number; at: number }>((r) => raw.on('close', (code) => r({ code, at: performance.now() })));
raw.on('open', () => raw.send(JSON.stringify({ type: 'hello', v: 1 })));
await gotData;

// Baseline: both clients live and warmed up; the lowest of three samples.
await sleep(1000);
const baseline = Math.min(await mem(), (await sleep(500), await mem()), (await sleep(500), await mem()));
const honestBefore = hw.metrics().batchCount;

raw.pause();
const stallStart = performance.now();
const granting = setInterval(() => raw.readyState === WebSocket.OPEN && raw.send(JSON.stringify({ type: 'credit', g: [[1, 16]] })), 100);
const samples: { t: number; growth: number; sockets: number; bufferedBytes: number; honestBatches: number }[] = [];
for (let t = 1; t <= STALL_SECONDS; t++) {
  await sleep(1000);
  const st = srv.stats();
  samples.push({ t, growth: (await mem()) - baseline, sockets: st.sockets, bufferedBytes: st.bufferedBytes, honestBatches: hw.metrics().batchCount - honestBefore });
}
clearInterval(granting);
const honestDuring = hw.metrics().batchCount - honestBefore;
raw.resume(); // read what the server queued, and its close frame if it sent one
const closed = await Promise.race([rawClosed, sleep(3000).then(() => undefined)]);

clearInterval(producer);
raw.terminate();
honest.close();
await srv.close();
engine.dispose();
console.log(JSON.stringify({
  stallSeconds: STALL_SECONDS,
  slowTimeoutMs: SLOW_TIMEOUT_MS,
  rate: RATE,
  baselineBytes: baseline,
  maxGrowthBytes: Math.max(...samples.map((s) => s.growth)),
  honestBatchesDuringStall: honestDuring,
  rawFramesRead: rawFrames,
  rawClose: closed ? { code: closed.code, afterStallStartMs: Math.round(closed.at - stallStart) } : null,
  samples,
}));
