// npm run soak [-- --steady-minutes 10 --overload-minutes 3 --rate 100000 --cost-us 200 --json]
// Minutes, not part of npm test. Phase 1: `rate` msg/s through a 3-node workflow (source → map →
// widget). Phase 2: 10x the consumer's measured capacity, mixed priorities, into a connection
// with the DefaultBackpressureHandler. Every 10 s: heap after GC, RSS, delivered rate, p99,
// conservation; then a verdict. Figures go to stdout (or stderr with --json) and
// bench-results/soak.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { WorkflowEngine } from '../src/index.js';
import { capacityOf, overloadPhase, type OverloadSample } from './soak-overload.js';
import { heapAfterGcMB, type SoakSample } from './soak-lib.js';
import { LatencyHistogram, realClock } from '../src/index.js';

const argv = process.argv.slice(2);
const num = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${argv[i + 1]}`);
  return v;
};
const json = argv.includes('--json');
const steadyMin = num('steady-minutes', 10);
const overloadMin = num('overload-minutes', 3);
const rate = num('rate', 100_000);
const costUs = num('cost-us', 200);
const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');

async function steady(minutes: number): Promise<SoakSample[]> {
  const wf = new WorkflowEngine();
  const run = await wf.executeWorkflow({
    nodes: [
      { id: 'src', type: 'source.sequential', config: { rate, duration: minutes * 60_000 } },
      { id: 'double', type: 'transform.map', config: { scale: 2 } },
      { id: 'chart', type: 'sink.widget', config: { bufferSize: 1000 } },
    ],
    edges: [
      { id: 'raw', source: 'src', sourcePort: 'out', target: 'double', targetPort: 'in' },
      { id: 'doubled', source: 'double', sourcePort: 'out', target: 'chart', targetPort: 'in' },
    ],
  });
  const hist = new LatencyHistogram();
  let delivered = 0;
  run.widget('chart').data$.subscribe(({ batch }) => {
    const now = realClock.now();
    for (const m of batch.messages) hist.record(now - m.timestamp);
    delivered += batch.messages.length;
  });
  const engine = wf.getStreamEngine();
  const samples: SoakSample[] = [];
  const t0 = realClock.now();
  let last = { t: t0, delivered: 0 };
  const timer = setInterval(() => {
    const now = realClock.now();
    const conserved = ['raw', 'doubled'].every((edge) => {
      const s = engine.getConnection(run.connectionId(edge)).stats();
      return s.accepted === s.delivered + s.droppedTotal + s.deadLettered + s.inFlight;
    });
    const sample: SoakSample = { phase: 'steady', t: Math.round((now - t0) / 1000), heapMB: heapAfterGcMB(), rssMB: process.memoryUsage().rss / 1e6, deliveredPerSec: Math.round(((delivered - last.delivered) * 1000) / (now - last.t)), p99Ms: hist.percentile(99), conserved };
    samples.push(sample);
    log(`steady   t=${String(sample.t).padStart(4)}s heap ${sample.heapMB.toFixed(1)} MB rss ${sample.rssMB.toFixed(0)} MB delivered ${sample.deliveredPerSec.toLocaleString('en-US')} msg/s p99 ${sample.p99Ms.toFixed(2)} ms conserved ${conserved}`);
    hist.reset();
    last = { t: now, delivered };
  }, 10_000);
  await run.done;
  clearInterval(timer);
  await engine.stop();
  return samples;
}

async function main() {
  log(`# nodeflow soak (${new Date().toISOString()}): ${steadyMin} min at ${rate.toLocaleString('en-US')} msg/s, then ${overloadMin} min of 10x overload`);
  const steadySamples = await steady(steadyMin);
  const capacity = await capacityOf(costUs, log);
  const over = await overloadPhase(overloadMin * 60_000, capacity, costUs, log);
  const verdict = judge(steadySamples, over.samples, capacity, over.nonFullOfferNs);
  const result = { at: new Date().toISOString(), node: process.version, rate, costUs, capacity, nonFullOfferNs: over.nonFullOfferNs, steady: steadySamples, overload: over.samples, verdict };
  log(`\nverdict: ${verdict.pass ? 'PASS' : 'FAIL'}`);
  for (const c of verdict.checks) log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.value}`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/soak.json', JSON.stringify(result, null, 2));
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exitCode = verdict.pass ? 0 : 1;
}

const TOO_SHORT = 'not judged: the first overload window fills the buffer, so it needs at least two (--overload-minutes 0.34 or more)';

function judge(steadyS: SoakSample[], overS: OverloadSample[], capacity: number, nonFullNs: number) {
  const heapGrowth = (xs: { heapMB: number }[]) => (xs.length > 2 ? xs[xs.length - 1]!.heapMB - xs[1]!.heapMB : 0);
  // The first overload window fills the buffer: judge the rate from the second window on.
  const steadyOver = overS.slice(1);
  const deliveredShare = steadyOver.length ? Math.min(...steadyOver.map((s) => s.deliveredPerSec)) / capacity : 0;
  const offerRatio = steadyOver.length ? Math.max(...steadyOver.map((s) => s.offerNs)) / nonFullNs : Infinity;
  const checks = [
    { name: 'steady: counts exact in every window', ok: steadyS.every((s) => s.conserved), value: `${steadyS.filter((s) => s.conserved).length}/${steadyS.length}` },
    { name: 'steady: heap after GC flat (last − second window < 20 MB)', ok: heapGrowth(steadyS) < 20, value: `${heapGrowth(steadyS).toFixed(1)} MB` },
    { name: 'overload: delivered >= 80% of capacity in every window', ok: deliveredShare >= 0.8, value: steadyOver.length ? `${(deliveredShare * 100).toFixed(0)}% (min window) of ${capacity.toLocaleString('en-US')} msg/s` : TOO_SHORT },
    { name: 'overload: offer cost within 2x of the non-full path', ok: offerRatio <= 2, value: steadyOver.length ? `${offerRatio.toFixed(2)}x (worst window)` : TOO_SHORT },
    { name: 'overload: heap after GC bounded (last − second window < 20 MB)', ok: heapGrowth(overS) < 20, value: `${heapGrowth(overS).toFixed(1)} MB` },
    { name: 'overload: counts exact in every window', ok: overS.every((s) => s.conserved), value: `${overS.filter((s) => s.conserved).length}/${overS.length}` },
  ];
  return { pass: checks.every((c) => c.ok), checks };
}

void main();
