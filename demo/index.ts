// npm run demo [-- --duration=MS] [-- --out=DIR]: the spec's demo at real speed, about a minute.
//   1. steady:   four data patterns stream through a workflow into widgets and collectors;
//   2. overload: a 400k msg/s burst source floods a slow consumer: backpressure, then shedding;
//   3. faults:   a consumer fails: retries, the circuit opens, half-open probes, recovery;
//   4. perf:     a short High Volume Stress Test and its report.
// A live dashboard shows every connection; a StreamDebugger records all along, its alerts are
// printed as they fire, and its export is written to a file with the reports.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultBackpressureHandler, GracefulErrorRecovery, PerformanceTestSuite, STANDARD_PERFORMANCE_TESTS, StreamDebugger, StreamEngine, WorkflowEngine, realClock } from '../src/index.js';
import { Dashboard, dashboardLines } from './dashboard.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const TOTAL = Number(arg('duration') ?? 60_000);
const OUT = path.resolve(arg('out') ?? 'demo-output');
if (!Number.isFinite(TOTAL) || TOTAL < 4000) throw new Error('--duration must be a number of ms >= 4000');
const STREAMING = Math.round(TOTAL * 0.8); // phases 1-3; the perf test gets the rest
const phaseAt = { overload: STREAMING * 0.3, faults: STREAMING * 0.6 };
const tty = process.stdout.isTTY === true;
const board = new Dashboard(tty);

const workflowEngine = new WorkflowEngine({ engineOptions: { metrics: true } });
const engine = workflowEngine.getStreamEngine();
engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 }));
engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 2, retryDelay: 50, circuitBreaker: { consecutiveFailures: 3, resetTimeout: 500, maxResetTimeout: 2000 } }));
const dbg = new StreamDebugger(engine, { historySize: 20_000, sampleIntervalMs: 250 });
dbg.startRecording();
const notes: string[] = [];
const note = (s: string) => notes.push(`${((realClock.now() - t0) / 1000).toFixed(1).padStart(5)}s ${s}`);
dbg.alerts$.subscribe((a) => note(`ALERT ${a.status === 'firing' ? a.severity.toUpperCase() : a.status}: ${a.message}`));
dbg.debug$.subscribe((e) => {
  if (e.type === 'circuit.change') note(`circuit ${e.data.to} on ${e.connectionId}`);
});
const t0 = realClock.now();

// 1. The workflow: one source per data pattern.
const src = (rate: number) => ({ rate, duration: STREAMING });
const run = await workflowEngine.executeWorkflow({
  id: 'demo',
  nodes: [
    { id: 'sensor', type: 'source.sine', config: { ...src(20_000), amplitude: 10, period: 2000, noise: 0.05 } },
    { id: 'chart', type: 'sink.widget', config: { bufferSize: 500 } },
    { id: 'random', type: 'source.random', config: { ...src(10_000), amplitude: 100, seed: 7 } },
    { id: 'scale', type: 'transform.map', config: { scale: 2, offset: 1 } },
    { id: 'samples', type: 'sink.collector', config: { limit: 100 } },
    { id: 'steps', type: 'source.step', config: { ...src(5000), amplitude: 5, period: 1000 } },
    { id: 'sampler', type: 'transform.throttle', config: { interval: 100, mode: 'sample' } },
    { id: 'kpi', type: 'sink.widget', config: { bufferSize: 50 } },
    { id: 'counter', type: 'source.sequential', config: src(50_000) },
    { id: 'sum', type: 'transform.aggregate', config: { window: 1000, op: 'sum' } },
    { id: 'sums', type: 'sink.collector', config: { limit: 100 } },
  ],
  edges: [
    { id: 'wave', source: 'sensor', sourcePort: 'out', target: 'chart', targetPort: 'in' },
    { id: 'noise', source: 'random', sourcePort: 'out', target: 'scale', targetPort: 'in' },
    { id: 'scaled', source: 'scale', sourcePort: 'out', target: 'samples', targetPort: 'in' },
    { id: 'levels', source: 'steps', sourcePort: 'out', target: 'sampler', targetPort: 'in' },
    { id: 'sampled', source: 'sampler', sourcePort: 'out', target: 'kpi', targetPort: 'in' },
    { id: 'count', source: 'counter', sourcePort: 'out', target: 'sum', targetPort: 'in' },
    { id: 'windows', source: 'sum', sourcePort: 'out', target: 'sums', targetPort: 'in' },
  ],
});

// 2. Overload: bursts of 400k msg/s (half of every second) into a consumer costing 2 ms a batch.
engine.node('slowSink', { process: () => new Promise<void>((r) => setTimeout(r, 2)) });
const burstId = engine.createConnection('bursts', 'slowSink', 'out', 'in', { bufferSize: 2000, maxBatchSize: 100 });
const bursts = engine.node('bursts').output('out');
// 3. Faults: a steady 2k msg/s feed into a consumer that throws for a while.
let failing = false;
engine.node('flaky', { process: () => { if (failing) throw new Error('flaky consumer is down'); } });
const feedId = engine.createConnection('feed', 'flaky', 'out', 'in', { bufferSize: 5000 });
const feed = engine.node('feed').output('out');

let sent = 0;
let last = t0;
let burstCredit = 0;
let feedCredit = 0;
let producing = true;
let phase = 'steady';
const produce = () => {
  if (!producing) return;
  const now = realClock.now();
  const t = now - t0;
  if (phase === 'steady' && t >= phaseAt.overload) (phase = 'overload'), board.say(`\n── phase 2: overload (bursts→slowSink at 400k msg/s)`);
  if (phase === 'overload' && t >= phaseAt.faults) (phase = 'faults'), (failing = true), board.say(`\n── phase 3: faults (flaky throws on every delivery for ${((STREAMING - phaseAt.faults) * 0.35 / 1000).toFixed(0)} s)`);
  if (phase === 'faults' && failing && t >= phaseAt.faults + (STREAMING - phaseAt.faults) * 0.35) (failing = false), note('flaky consumer is back');
  const dt = now - last;
  last = now;
  if (phase === 'overload' && t % 1000 < 500) burstCredit += (dt * 400_000) / 1000;
  feedCredit += (dt * 2000) / 1000;
  for (; burstCredit >= 1; burstCredit--) bursts.emit({ id: sent++, timestamp: now, sourceNodeId: 'bursts', port: 'out', data: sent });
  for (; feedCredit >= 1; feedCredit--) feed.emit({ id: sent++, timestamp: now, sourceNodeId: 'feed', port: 'out', data: sent });
  setImmediate(produce);
};
console.log(`nodeflow demo, about ${(TOTAL / 1000).toFixed(0)} s. Files go to ${OUT}\n── phase 1: steady (4 data patterns through workflow 'demo')`);
produce();
const live = setInterval(() => {
  const now = realClock.now();
  const header = `t=${((now - t0) / 1000).toFixed(1)}s  phase: ${phase}  alerts firing: ${dbg.activeAlerts().length}  debug events: ${dbg.getHistory().length} (+${dbg.discarded} discarded)`;
  board.draw(dashboardLines(engine.getMetrics(), header, notes, tty), now - t0);
}, 250);

const result = await run.done;
producing = false;
clearInterval(live);
board.draw(dashboardLines(engine.getMetrics(), `t=${((realClock.now() - t0) / 1000).toFixed(1)}s  streaming phases done`, notes, tty), Infinity);
// The export while the topology is still up (after stop() only retired totals are left).
const debugData = dbg.exportDebugData();
await engine.stop({ timeout: 3000 });
dbg.stopRecording();
const r = engine.getMetrics().retired;
const slow = dbg.getHistory();
const count = (type: string) => slow.filter((e) => e.type === type).length;
console.log(`\nWorkflow ${result.status}. Totals: accepted ${r.accepted} = delivered ${r.delivered} + dropped ${r.dropped} + dead-lettered ${r.deadLettered} + in flight ${r.inFlight}`);
console.log(`Recorded: ${count('state.transition')} state transitions, ${count('retry')} retries, ${count('circuit.change')} circuit changes, ${count('drop')} drop samples, ${count('alert')} alert changes (${burstId}, ${feedId} included)`);
console.log(`Last windowed sums of the counter: ${JSON.stringify(run.collected('sums').slice(-3))}`);

// 4. A short performance test on its own engine, then the report.
const perfMs = Math.max(3000, TOTAL - STREAMING - 2000);
console.log(`\n── phase 4: High Volume Stress Test, ${perfMs / 1000} s (the full one: npx nodeflow perf --test "High Volume Stress Test")`);
// A clean heap for the measurement: the streaming phases left garbage a collection would
// otherwise drop in the middle of it (run-ts starts node with --expose-gc).
(globalThis as { gc?: () => void }).gc?.();
const perfEngine = new StreamEngine();
const suite = new PerformanceTestSuite(perfEngine);
const hv = STANDARD_PERFORMANCE_TESTS.find((t) => t.name === 'High Volume Stress Test')!;
await suite.runTest({ ...hv, duration: perfMs }, {
  onProgress: (p) => tty && process.stdout.write(`\r  ${(p.fraction * 100).toFixed(0).padStart(3)}%  sent ${p.sent}  delivered ${p.delivered}  ${p.throughput.toFixed(0)} msg/s  p99 ${p.p99Latency.toFixed(1)} ms   `),
});
if (tty) process.stdout.write('\n');
console.log(suite.generateReport());
await perfEngine.stop();

mkdirSync(OUT, { recursive: true });
const files = {
  debug: path.join(OUT, 'debug-export.json'),
  report: path.join(OUT, 'perf-report.md'),
  reportJson: path.join(OUT, 'perf-report.json'),
};
writeFileSync(files.debug, JSON.stringify(debugData, null, 2));
writeFileSync(files.report, suite.generateReport('markdown') + '\n');
writeFileSync(files.reportJson, suite.generateReport('json') + '\n');
dbg.dispose();
engine.dispose();
perfEngine.dispose();
console.log(`\nFiles:\n  ${files.debug}  (StreamDebugger.importDebugData reads it back)\n  ${files.report}\n  ${files.reportJson}`);
