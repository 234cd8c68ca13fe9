#!/usr/bin/env node
// npm run bench:threads-browser: the Storybook story Widgets/Threads in headless Chromium, twice
// with the same offered load: a 50 µs/msg node on a Web Worker, then the same node inline on the
// page's main thread. For each, over N seconds after a warm-up: the frame rate (intervals of
// requestAnimationFrame), the p95 frame time, the node's throughput (messages into the chart's
// connection per second), what the producer was held back, and the main thread's busy share
// (Chrome's TaskDuration). Checks the figure: >= 55 fps on the worker, < 30 inline.
//
// Prints a table (or, with --json, only the JSON) on stdout, progress on stderr, and writes
// bench-results/threads-browser.json. Flags: --reuse (keep an existing storybook-static build),
// --rate N (msg/s offered, default 30000: above the 20k msg/s the node can do on one thread),
// --batch N (the node's input maxBatchSize, default 500), --cost N (µs of CPU per message, default
// 50: a batch is 25 ms of work, a heavy node; at 10 µs the inline page still paints 30-32 fps,
// every other vsync, so the contrast the issue names needs a heavier node), --seconds N (default 8), --json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildStorybook, openStory, serveStatic } from './lib/browser.mjs';

const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const RATE = flag('rate', 30_000);
const COST = flag('cost', 50);
const SECONDS = flag('seconds', 8);
const BATCH = flag('batch', 500);
const JSON_ONLY = argv.includes('--json');
const OUT = 'heavy:out->chart:in';

buildStorybook({ reuse: argv.includes('--reuse') });
const server = await serveStatic();
const runs = [];
try {
  for (const placement of ['worker', 'inline']) {
    console.error(`${placement}: a ${COST} µs/msg node, ${RATE} msg/s offered in batches of ${BATCH}, ${SECONDS} s measured after a 3 s warm-up ...`);
    runs.push(await measure(placement));
  }
} finally {
  await server.close();
}

const [worker, inline] = runs;
const targets = [
  ['fps, node on a Web Worker', worker.fps, '>= 55', worker.fps >= 55],
  ['fps, the same node inline', inline.fps, '< 30', inline.fps < 30],
];
const result = {
  environment: `headless Chromium (Debian), --disable-gpu, ${worker.browser}; 2-core machine shared with other work`,
  offeredMsgPerSec: RATE,
  nodeCostUsPerMsg: COST,
  batch: BATCH,
  seconds: SECONDS,
  runs: Object.fromEntries(runs.map(({ browser, ...r }) => [r.placement, r])),
  targets: Object.fromEntries(targets.map(([k, v, t, ok]) => [k, { value: v, target: t, met: ok }])),
};
const out = path.resolve(import.meta.dirname, '..', 'bench-results', 'threads-browser.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
if (JSON_ONLY) console.log(JSON.stringify(result));
else {
  console.log(`\na ${COST} µs/msg node, batches of ${BATCH}, ${RATE.toLocaleString('en-US')} msg/s offered, ${SECONDS} s each (${result.environment})`);
  console.table(runs.map((r) => ({ placement: r.placement, fps: r.fps, 'p95 frame ms': r.frameMs.p95, 'max frame ms': r.frameMs.max, 'node msg/s': r.nodeMsgPerSec, 'producer held back/s': r.heldBackPerSec, 'main thread busy %': r.mainThreadBusyPct, workers: r.workers })));
  console.table(targets.map(([metric, value, target, ok]) => ({ metric, value, target, met: ok ? 'yes' : 'NO' })));
  console.log(JSON.stringify(result));
}
process.exitCode = targets.every((t) => t[3]) ? 0 : 1;

async function measure(placement) {
  const { browser, page } = await openStory(server.url, 'widgets-threads--in-a-web-worker', { args: `placement:${placement};rate:${RATE};batch:${BATCH};cost:${COST}` });
  try {
    await page.waitForTimeout(3000); // warm-up: JIT, the worker started, the chart's window filled
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const perf = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    // The first read after enabling may report what accrued before it (the reviewer saw 1917 %):
    // a throwaway read, then TaskDuration over the metrics' own Timestamp span, which is the
    // span TaskDuration accrued over (performance.now() inside the page covers a shorter one).
    await perf();
    const before = await perf();
    const raw = await page.evaluate(
      async ({ seconds, out }) => {
        const live = globalThis.__nodeflowLive;
        const t = globalThis.__nodeflowThreads;
        const accepted = () => live.engine.getConnection(out).stats().accepted;
        const a0 = accepted();
        const refused0 = t.producer.refused;
        const frames = [];
        const t0 = performance.now();
        await new Promise((resolve) => {
          requestAnimationFrame(function tick(now) {
            frames.push(now);
            if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
            else resolve();
          });
        });
        const elapsed = (performance.now() - t0) / 1000;
        return { frames, elapsed, through: accepted() - a0, refused: t.producer.refused - refused0, placement: t.placement, workers: t.pool?.stats().workers ?? 0 };
      },
      { seconds: SECONDS, out: OUT },
    );
    const after = await perf();
    if (raw.placement !== placement) throw new Error(`the story ran ${raw.placement}, not ${placement}`);
    const deltas = raw.frames.slice(1).map((t, i) => t - raw.frames[i]);
    return {
      placement,
      browser: await browser.version(),
      fps: round(deltas.length / (deltas.reduce((a, b) => a + b, 0) / 1000)),
      frameMs: { p50: round(pct(deltas, 50)), p95: round(pct(deltas, 95)), max: round(Math.max(...deltas)) },
      nodeMsgPerSec: Math.round(raw.through / raw.elapsed),
      heldBackPerSec: Math.round(raw.refused / raw.elapsed),
      mainThreadBusyPct: round(((after.TaskDuration - before.TaskDuration) / (after.Timestamp - before.Timestamp)) * 100),
      workers: raw.workers,
    };
  } finally {
    await browser.close();
  }
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function round(x) {
  return Math.round(x * 10) / 10;
}
