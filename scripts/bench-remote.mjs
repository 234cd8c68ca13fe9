#!/usr/bin/env node
// npm run bench:remote: the dashboard (18 widgets on 4 sources, 1M msg/s in total) runs in this
// Node process behind serveEngine; the `Remote` story renders the same widgets in headless
// Chromium from connectEngine(url). Measured (3 s warm-up, then `--seconds`, default 10):
// - the page: fps, frame p95, message-to-pixel p95 (as bench:browser measures it: the oldest
//   message new in a chart render, stamped by the producer in Node, to the frame after the commit);
// - the page again beside a client that subscribed to every widget and stopped reading (3 s
//   after it stalled, so its socket buffer is full): fps against the page alone;
// - the wire: bytes per second and per message the server wrote (RemoteServer stats), against
//   the naive baseline of one JSON text frame per message delivered into the server's widgets
//   (mean JSON.stringify(message) of those widgets' windows + a 2- or 4-byte WebSocket header;
//   no socket.io envelope, which would only make the baseline larger), counted in the same run;
// - the server: CPU per client: process.cpuUsage over the run less the engine's own share, taken
//   as the CPU per delivered message of the engine alone (measured 5 s before any client) times
//   the messages delivered in the run (on a loaded machine the producers fall behind, so a plain
//   difference would even go negative); then with 100 Node clients (a child process,
//   connectEngine with ws) of the same 18 widgets: CPU and heap per client.
// Then bench:remote-codec's JSON. Prints a table and JSON (bench-results/remote.json; with
// --json the JSON alone on stdout) and the verdict: >= 55 fps, message-to-pixel p95 <= 3
// frames, bytes <= 10% of the naive baseline.
//
// Flags: --reuse (keep storybook-static), --rate N, --seconds N, --clients N, --no-codec, --json
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { buildStorybook, CHROMIUM_ARGS, CHROMIUM_PATH, serveStatic } from './lib/browser.mjs';
import { stalledClient } from './lib/stalled-client.mjs';

const argv = process.argv.slice(2);
const flag = (name, dflt) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : dflt);
const RATE = flag('rate', 1_000_000);
const SECONDS = flag('seconds', 10);
const CLIENTS = flag('clients', 100);
const JSON_ONLY = argv.includes('--json');
const FRAME = 1000 / 60;
const root = path.resolve(import.meta.dirname, '..');
const log = (...a) => (JSON_ONLY ? console.error(...a) : console.log(...a));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

// The Dashboard story's widgets: id → window size (charts and the histogram keep bufferSize).
const PATTERNS = ['sine-wave', 'random', 'step', 'sequential'];
const WIDGETS = PATTERNS.map((_, i) => [...['chart', 'spark', 'gauge', 'kpi'].map((k) => `${k}${i}`), ...(i === 1 ? ['hist'] : []), ...(i === 2 ? ['log'] : [])]);
const windowOf = (id) => (id.startsWith('chart') || id === 'hist' ? 1000 : 120);

// The library as published (dist/), so this plain .mjs runs the same code a user imports.
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
if (!argv.includes('--child')) {
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const { StreamEngine, patternGenerator } = await import('../dist/index.js');
const { serveEngine } = await import('../dist/server/index.js');
const { connectEngine } = await import('../dist/remote/index.js');

if (argv.includes('--child')) await child(argv[argv.indexOf('--child') + 1]);
else await main();

// The 100 Node clients, in their own process so their CPU is not counted as the server's.
async function child(url) {
  const remotes = Array.from({ length: CLIENTS }, () => connectEngine(url, { WebSocket }));
  await Promise.all(remotes.map((r) => r.ready));
  let messages = 0;
  for (const r of remotes) {
    for (const id of WIDGETS.flat()) {
      const w = r.findWidget(id);
      w.observe({ bufferSize: windowOf(id), updateInterval: 16, paused: false });
      w.data$.subscribe((f) => (messages += f?.batch.messages.length ?? 0));
    }
  }
  process.send({ ready: true });
  process.on('message', (m) => {
    if (m === 'count') process.send({ messages, bytes: remotes.reduce((a, r) => a + r.bytesReceived, 0), linked: remotes.filter((r) => r.findWidget('chart0')?.linked).length });
    if (m !== 'stop') return;
    for (const r of remotes) r.close();
    process.exit(0);
  });
}

// A copy of stories/support/producer.ts (that file is TypeScript for the browser): every ~4 ms
// it emits rate × elapsed messages with one timestamp, catching up at most 50 ms after a stall.
function startProducer(engine, nodeId, { rate, pattern, seed, amplitude }) {
  const out = engine.node(nodeId).output('out');
  const value = patternGenerator(pattern, { amplitude, period: 2000, seed, noise: pattern === 'sine-wave' ? 0.05 : 0 });
  let i = 0;
  let last = performance.now();
  let owed = 0;
  let timer;
  const tick = () => {
    const now = performance.now();
    owed = Math.min(owed + ((now - last) * rate) / 1000, rate / 20 + 1);
    last = now;
    const ts = engine.clock.now();
    let n = Math.floor(owed);
    owed -= n;
    while (n-- > 0) out.emit({ id: i, timestamp: ts, sourceNodeId: nodeId, port: 'out', data: value(i++) });
    timer = setTimeout(tick, 4);
  };
  timer = setTimeout(tick, 4);
  return { sent: () => i, stop: () => clearTimeout(timer) };
}

// The Dashboard story's build() at its default args (bufferSize 1000, dropHead).
function dashboardEngine() {
  const engine = new StreamEngine();
  const producers = PATTERNS.map((pattern, i) => {
    for (const id of WIDGETS[i]) {
      engine.createWidget(id, { bufferSize: windowOf(id) });
      engine.createConnection(`src${i}`, id, 'out', 'in', { bufferSize: 4000, maxBatchSize: 500, overflowStrategy: 'dropHead' });
    }
    return startProducer(engine, `src${i}`, { rate: RATE / PATTERNS.length, pattern, seed: i + 1, amplitude: pattern === 'sequential' ? 1 : 100 });
  });
  return { engine, producers };
}

// Server-side counters; `since(a)` turns two snapshots into rates over the wall time between.
function snapshot(engine, srv, producers) {
  const m = engine.getMetrics().totals;
  const s = srv.stats();
  return { t: performance.now(), cpu: process.cpuUsage(), delivered: m.delivered, dropped: m.dropped, sent: producers.reduce((a, p) => a + p.sent(), 0), bytes: s.bytesSent, frames: s.framesSent };
}
function since(a, b) {
  const sec = (b.t - a.t) / 1000;
  const cpuMs = (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000;
  return { sec, cpuPct: (cpuMs / 10 / sec), delivered: b.delivered - a.delivered, dropped: b.dropped - a.dropped, sent: b.sent - a.sent, bytes: b.bytes - a.bytes, frames: b.frames - a.frames };
}
function heapMB() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

// The mean naive frame: JSON.stringify(message) plus its WebSocket header, over the windows.
function naiveFrameBytes(engine) {
  const sizes = WIDGETS.flat().flatMap((id) => engine.findWidget(id).window.toArray().slice(-200).map((m) => Buffer.byteLength(JSON.stringify(m))));
  return sizes.reduce((a, n) => a + n + (n < 126 ? 2 : 4), 0) / sizes.length;
}

async function measurePage(page) {
  return page.evaluate(async (seconds) => {
    const remote = globalThis.__nodeflowRemote.engine;
    const probe = (globalThis.__nodeflowBench ??= { commits: [] });
    probe.commits.length = 0;
    let messages = 0;
    const subs = ['chart0', 'chart1', 'chart2', 'chart3', 'spark0', 'spark1', 'spark2', 'spark3', 'gauge0', 'gauge1', 'gauge2', 'gauge3', 'kpi0', 'kpi1', 'kpi2', 'kpi3', 'hist', 'log'].map((id) => remote.findWidget(id).data$.subscribe((f) => (messages += f?.batch.messages.length ?? 0)));
    const bytes0 = remote.bytesReceived;
    const frames = [];
    const t0 = performance.now();
    await new Promise((resolve) => {
      requestAnimationFrame(function tick(now) {
        frames.push(performance.timeOrigin + now);
        if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
        else resolve();
      });
    });
    for (const s of subs) s.unsubscribe();
    return { frames, commits: probe.commits.slice(), elapsed: (performance.now() - t0) / 1000, messages, bytes: remote.bytesReceived - bytes0, figures: document.querySelectorAll('#storybook-root [role="figure"]').length, status: document.querySelector('[aria-label="link"]')?.getAttribute('data-status') };
  }, SECONDS);
}

// As bench-browser.mjs: each chart0 render's oldest new message to the first frame after its commit.
function msgToPixel(raw) {
  const latencies = [];
  let f = 0;
  for (const c of raw.commits) {
    while (f < raw.frames.length && raw.frames[f] <= c.commit) f++;
    if (f >= raw.frames.length || c.oldest < raw.frames[0]) continue;
    latencies.push(raw.frames[f] - c.oldest);
  }
  return { renders: latencies.length, p50Ms: round(pct(latencies, 50)), p95Ms: round(pct(latencies, 95)), maxMs: round(Math.max(...latencies)), p95Frames: round(pct(latencies, 95) / FRAME) };
}

async function browserPhase(srv, engine, producers, staticUrl) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${staticUrl}/iframe.html?id=widgets-remote--remote&viewMode=story`);
    // A ws:// URL is not a safe URL arg for Storybook, so the url arg is set over its channel,
    // once the story's play function (it checks the page with no server) has seen the link down.
    await page.waitForSelector('[aria-label="link"][data-status="reconnecting"]', { timeout: 60_000 });
    await sleep(1000);
    await page.evaluate(({ url }) => globalThis.__STORYBOOK_ADDONS_CHANNEL__.emit('updateStoryArgs', { storyId: 'widgets-remote--remote', updatedArgs: { url } }), { url: srv.url });
    await page.waitForSelector('[aria-label="link"][data-status="open"]', { timeout: 30_000 });
    await page.waitForSelector('#storybook-root [role="figure"]', { timeout: 30_000 });
    await sleep(3000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const perf = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const p0 = await perf();
    const s0 = snapshot(engine, srv, producers);
    const raw = await measurePage(page);
    const server = since(s0, snapshot(engine, srv, producers));
    const p1 = await perf();
    const deltas = raw.frames.slice(1).map((t, i) => t - raw.frames[i]);
    // The same page again while another client has stopped reading (its socket buffer full).
    const stalled = await stalledClient(srv.url, WIDGETS.flat());
    await sleep(3000);
    const h0 = heapMB();
    const rawStall = await measurePage(page);
    const stallHeapMB = heapMB() - h0;
    const stallSockets = srv.stats().sockets;
    stalled.close();
    const sd = rawStall.frames.slice(1).map((t, i) => t - rawStall.frames[i]);
    return {
      raw,
      server,
      stall: { fps: round(sd.length / (sd.reduce((a, b) => a + b, 0) / 1000), 1), sockets: stallSockets, serverHeapGrowthMB: round(stallHeapMB, 2), msgToPixel: msgToPixel(rawStall) },
      fps: round(deltas.length / (deltas.reduce((a, b) => a + b, 0) / 1000), 1),
      frameMs: { p50: round(pct(deltas, 50)), p95: round(pct(deltas, 95)), max: round(Math.max(...deltas)) },
      mainThreadBusyPct: round(((p1.TaskDuration - p0.TaskDuration) / raw.elapsed) * 100, 1),
      mainThreadScriptPct: round(((p1.ScriptDuration - p0.ScriptDuration) / raw.elapsed) * 100, 1),
      msgToPixel: msgToPixel(raw),
      browser: await browser.version(),
    };
  } finally {
    await browser.close();
  }
}

async function clientsPhase(srv, engine, producers, heapBefore) {
  const { fork } = await import('node:child_process');
  const kid = fork(import.meta.filename, ['--child', srv.url, '--clients', String(CLIENTS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((r) => kid.once('message', r));
  await next();
  await sleep(3000);
  const count = async () => (kid.send('count'), next());
  const c0 = await count();
  const s0 = snapshot(engine, srv, producers);
  await sleep(SECONDS * 1000);
  const server = since(s0, snapshot(engine, srv, producers));
  const c1 = await count();
  const heap = heapMB();
  const stats = srv.stats();
  kid.send('stop');
  await new Promise((r) => kid.once('exit', r));
  return { server, heapMB: heap, heapPerClientKB: round(((heap - heapBefore) * 1024) / CLIENTS, 1), linked: c1.linked, messages: c1.messages - c0.messages, bytes: c1.bytes - c0.bytes, sockets: stats.sockets, subscriptions: stats.subscriptions };
}

function codec() {
  if (argv.includes('--no-codec')) return undefined;
  const run = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'bench/remote-codec.ts', '--json'], { cwd: root, encoding: 'utf8' });
  return run.status === 0 ? JSON.parse(run.stdout.trim().split('\n').pop()) : { error: run.stderr.slice(-500) };
}

async function main() {
  buildStorybook({ reuse: argv.includes('--reuse') });
  const site = await serveStatic();
  const { engine, producers } = dashboardEngine();
  // slowTimeoutMs past the run: the stalled client of the stall phase stays connected (and
  // skipped) the whole time, the worst case for the others, instead of being cut at 10 s.
  const limits = { maxSockets: Math.max(256, CLIENTS + 8), slowTimeoutMs: 600_000 };
  const srv = await serveEngine({ engine, port: 0, allowedOrigins: [site.url], allowNoOrigin: true, limits });
  try {
    log(`serving ${srv.url}; engine alone for 5 s ...`);
    await sleep(1000);
    const heapAlone = heapMB();
    const a0 = snapshot(engine, srv, producers);
    await sleep(5000);
    const alone = since(a0, snapshot(engine, srv, producers));
    log('one browser client (the Remote story) ...');
    const b = await browserPhase(srv, engine, producers, site.url);
    const naiveFrame = naiveFrameBytes(engine);
    const wire = b.server;
    const enginePct = (ph) => (alone.cpuPct * ph.delivered) / ph.sec / (alone.delivered / alone.sec);
    const naiveBytesPerSec = (wire.delivered * naiveFrame) / wire.sec;
    log(`${CLIENTS} Node clients ...`);
    const n = await clientsPhase(srv, engine, producers, heapMB());
    const result = {
      environment: `Node ${process.version} server and ${CLIENTS} Node clients; headless Chromium (Debian), --disable-gpu, ${b.browser}; ${os.cpus().length} cores, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      offeredMsgPerSec: RATE,
      engineAlone: { producedMsgPerSec: Math.round(alone.sent / alone.sec), deliveredToWidgetsPerSec: Math.round(alone.delivered / alone.sec), cpuPct: round(alone.cpuPct, 1), heapMB: round(heapAlone, 1) },
      browser: {
        seconds: round(b.raw.elapsed), widgets: b.raw.figures, linkAtEnd: b.raw.status, fps: b.fps, frameMs: b.frameMs, mainThreadBusyPct: b.mainThreadBusyPct, mainThreadScriptPct: b.mainThreadScriptPct, msgToPixel: b.msgToPixel,
        producedMsgPerSec: Math.round(wire.sent / wire.sec), deliveredToServerWidgetsPerSec: Math.round(wire.delivered / wire.sec), droppedPerSec: Math.round(wire.dropped / wire.sec),
        messagesToPagePerSec: Math.round(b.raw.messages / b.raw.elapsed), wireBytesPerSec: Math.round(wire.bytes / wire.sec), framesPerSec: Math.round(wire.frames / wire.sec),
        wireBytesPerMsg: round(wire.bytes / Math.max(1, b.raw.messages)), pageBytesPerSec: Math.round(b.raw.bytes / b.raw.elapsed),
        naiveFrameBytes: round(naiveFrame, 1), naiveBytesPerSec: Math.round(naiveBytesPerSec), bytesVsNaivePct: round((100 * wire.bytes) / wire.sec / naiveBytesPerSec, 3),
        serverCpuPct: round(wire.cpuPct, 1), engineSharePct: round(enginePct(wire), 1), serverCpuPerClientPct: round(wire.cpuPct - enginePct(wire), 1),
        withStalledClient: { ...b.stall, fpsVsAlone: round(b.stall.fps / b.fps, 3) },
      },
      nodeClients: {
        clients: CLIENTS, linked: n.linked, sockets: n.sockets, subscriptions: n.subscriptions, seconds: round(n.server.sec),
        serverCpuPct: round(n.server.cpuPct, 1), engineSharePct: round(enginePct(n.server), 1), serverCpuPerClientPct: round((n.server.cpuPct - enginePct(n.server)) / CLIENTS, 2),
        heapMB: round(n.heapMB, 1), heapPerClientKB: n.heapPerClientKB, wireBytesPerSec: Math.round(n.server.bytes / n.server.sec),
        messagesPerClientPerSec: Math.round(n.messages / CLIENTS / n.server.sec), deliveredToServerWidgetsPerSec: Math.round(n.server.delivered / n.server.sec),
      },
    };
    const targets = [
      ['fps', `${b.fps}`, '>= 55', b.fps >= 55],
      ['msg-to-pixel p95', `${b.msgToPixel.p95Frames} frames (${b.msgToPixel.p95Ms} ms)`, '<= 3 frames', b.msgToPixel.p95Frames <= 3],
      ['bytes vs naive', `${result.browser.bytesVsNaivePct}%`, '<= 10%', result.browser.bytesVsNaivePct <= 10],
      ['fps beside a stalled client', `${b.stall.fps} (${round((100 * b.stall.fps) / b.fps, 1)}% of ${b.fps})`, '>= 95% of alone', b.stall.fps >= 0.95 * b.fps],
    ];
    result.targets = Object.fromEntries(targets.map(([k, v, t, ok]) => [k, { value: v, target: t, met: ok }]));
    log(`engine alone: ${result.engineAlone.producedMsgPerSec.toLocaleString('en-US')} msg/s produced, ${result.engineAlone.deliveredToWidgetsPerSec.toLocaleString('en-US')} delivered to widgets, CPU ${result.engineAlone.cpuPct}%`);
    const B = result.browser;
    log(`browser: ${B.widgets} widgets, link ${B.linkAtEnd}; frame p50 ${B.frameMs.p50} ms, p95 ${B.frameMs.p95} ms; main thread ${B.mainThreadBusyPct}% busy (script ${B.mainThreadScriptPct}%); msg-to-pixel p50 ${B.msgToPixel.p50Ms} ms, p95 ${B.msgToPixel.p95Ms} ms`);
    log(`wire: ${B.wireBytesPerSec.toLocaleString('en-US')} B/s, ${B.framesPerSec} frames/s, ${B.messagesToPagePerSec.toLocaleString('en-US')} msg/s to the page (${B.wireBytesPerMsg} B/msg); naive: ${B.naiveBytesPerSec.toLocaleString('en-US')} B/s (${B.naiveFrameBytes} B/msg); server CPU ${B.serverCpuPct}% (engine ${B.engineSharePct}%, serving the page ${B.serverCpuPerClientPct}%)`);
    log(`beside a client that stopped reading: ${b.stall.fps} fps (alone ${b.fps}), msg-to-pixel p95 ${b.stall.msgToPixel.p95Frames} frames; server heap growth ${b.stall.serverHeapGrowthMB} MB over the ${SECONDS} s`);
    const N = result.nodeClients;
    log(`${N.clients} Node clients (${N.linked} linked, ${N.subscriptions} subscriptions): server CPU ${N.serverCpuPct}% (engine ${N.engineSharePct}%, ${N.serverCpuPerClientPct}% per client), heap ${N.heapMB} MB (${N.heapPerClientKB} KB per client), ${N.wireBytesPerSec.toLocaleString('en-US')} B/s, ${N.messagesPerClientPerSec.toLocaleString('en-US')} msg/s per client`);
    if (!JSON_ONLY) console.table(targets.map(([metric, value, target, ok]) => ({ metric, value, target, met: ok ? 'yes' : 'NO' })));
    if (!argv.includes('--no-codec')) log('codec (bench:remote-codec) ...');
    result.codec = codec();
    const out = path.join(root, 'bench-results', 'remote.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
    process.exitCode = targets.every((t) => t[3]) ? 0 : 1;
  } finally {
    for (const p of producers) p.stop();
    await srv.close();
    engine.dispose();
    await site.close();
  }
}
