// npm run demo [-- --duration=MS] [-- --out=DIR] [-- --port=N | --no-web]: the engine at real speed, about a minute.
//   1. steady:   four data patterns stream through a workflow into widgets and collectors;
//   2. overload: a 400k msg/s burst source floods a slow consumer: backpressure, then shedding;
//   3. faults:   a consumer fails: retries, the circuit opens, half-open probes, recovery;
//   4. perf:     a short High Volume Stress Test and its report.
// A legend comes first. A live dashboard shows every connection and where the event loop's time
// goes; a StreamDebugger records all along, and each alert is printed once, when it fires or
// resolves. Its export is taken while every connection is still up, and the closing summary is
// read from that export. The same dashboard is served as a web page on 127.0.0.1 (the engine
// over the remote protocol), unless --no-web.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultBackpressureHandler, GracefulErrorRecovery, PerformanceTestSuite, STANDARD_PERFORMANCE_TESTS, StreamDebugger, StreamEngine, WorkflowEngine } from '../src/index.js';
import { formatProgress } from '../src/actors/perf/progress.js';
import { Dashboard, dashboardLines } from './dashboard.js';
import { DEMO_ALERTS, expectation, expectedIn, legendLines, type Phase } from './legend.js';
import { LoadMeter, loadLine } from './load-meter.js';
import { exportSummary, totalsLine } from './summary.js';
import { DEMO_CONNECTIONS, demoWorkflow } from './topology.js';
import { serveDashboard } from './web/serve.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const TOTAL = Number(arg('duration') ?? 60_000);
const OUT = path.resolve(arg('out') ?? 'demo-output');
const WEB = !process.argv.includes('--no-web');
const PORT = Number(arg('port') ?? 0);
if (!Number.isFinite(TOTAL) || TOTAL < 4000) throw new Error('--duration must be a number of ms >= 4000');
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) throw new Error('--port must be an integer from 0 (any free port) to 65535');
const STREAMING = Math.round(TOTAL * 0.8); // phases 1-3; the perf test gets the rest
// The workflow's sources outlive the streaming phases by TAIL: the export is taken at their
// end while every connection is still up (a finished workflow removes its connections).
const TAIL = 1000;
const phaseAt = { overload: STREAMING * 0.3, faults: STREAMING * 0.6 };
const faultMs = (STREAMING - phaseAt.faults) * 0.35;
const tty = process.stdout.isTTY === true;
const board = new Dashboard(tty);
const meter = new LoadMeter();
const files = { debug: path.join(OUT, 'debug-export.json'), report: path.join(OUT, 'perf-report.md'), reportJson: path.join(OUT, 'perf-report.json') };

const workflowEngine = new WorkflowEngine({ engineOptions: { metrics: true } });
const engine = workflowEngine.getStreamEngine();
engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 }));
engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 2, retryDelay: 50, circuitBreaker: { consecutiveFailures: 3, resetTimeout: 500, maxResetTimeout: 2000 } }));
const dbg = new StreamDebugger(engine, { historySize: 20_000, sampleIntervalMs: 250, alerts: DEMO_ALERTS });
dbg.startRecording();
const t0 = engine.clock.now();
const at = () => `${((engine.clock.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
const say = (s: string) => board.say(`${at()} ${s}`);
let phase: Phase = 'steady';
dbg.alerts$.subscribe((a) => {
  const kind = a.status === 'firing' ? a.severity.toUpperCase() : a.status;
  const unexpected = a.status === 'firing' && !expectedIn(phase, a) ? `   (not expected in phase ${phase})` : '';
  say(`ALERT ${kind} [${a.ruleId}] ${a.message}${unexpected}`);
});
dbg.debug$.subscribe((e) => {
  if (e.type === 'circuit.change') say(`circuit ${e.data.to} on ${e.connectionId}`);
});

console.log(`nodeflow demo, about ${(TOTAL / 1000).toFixed(0)} s. Files go to ${OUT}\n`);
const web = WEB ? await serveDashboard(engine, PORT) : undefined;
if (web) console.log(`Live dashboard in a browser: ${web.url}  (engine at ${web.engineUrl}; --no-web skips it)\n`);
console.log(legendLines(DEMO_CONNECTIONS, dbg.options.alerts).join('\n'));
const run = await workflowEngine.executeWorkflow(demoWorkflow(STREAMING + TAIL));
// 2. Overload: bursts of 400k msg/s (half of every second) into a consumer costing 2 ms a batch.
engine.node('slowSink', { process: () => new Promise<void>((r) => setTimeout(r, 2)) });
engine.createConnection('bursts', 'slowSink', 'out', 'in', { bufferSize: 2000, maxBatchSize: 100 });
const bursts = engine.node('bursts').output('out');
// 3. Faults: a steady 2k msg/s feed into a consumer that throws for a while.
let failing = false;
engine.node('flaky', { process: () => { if (failing) throw new Error('flaky consumer is down'); } });
engine.createConnection('feed', 'flaky', 'out', 'in', { bufferSize: 5000 });
const feed = engine.node('feed').output('out');

let sent = 0;
let last = t0;
let burstCredit = 0;
let feedCredit = 0;
let producing = true;
const step = () => {
  const now = engine.clock.now();
  const t = now - t0;
  if (phase === 'steady' && t >= phaseAt.overload) (phase = 'overload'), board.say(`\n── phase 2: overload (bursts→slowSink at 400k msg/s, half of each second). Alerts expected: ${expectation('overload')}`);
  if (phase === 'overload' && t >= phaseAt.faults) (phase = 'faults'), (failing = true), board.say(`\n── phase 3: faults (flaky throws on every delivery for ${(faultMs / 1000).toFixed(1)} s). Alerts expected: ${expectation('faults')}`);
  if (phase === 'faults' && failing && t >= phaseAt.faults + faultMs) (failing = false), say('flaky consumer is back');
  const dt = now - last;
  last = now;
  if (phase === 'overload' && t % 1000 < 500) burstCredit += (dt * 400_000) / 1000;
  feedCredit += (dt * 2000) / 1000;
  for (; burstCredit >= 1; burstCredit--) bursts.emit({ id: sent++, timestamp: now, sourceNodeId: 'bursts', port: 'out', data: sent });
  for (; feedCredit >= 1; feedCredit--) feed.emit({ id: sent++, timestamp: now, sourceNodeId: 'feed', port: 'out', data: sent });
};
// A 1 ms timer, not a setImmediate spin: a spinning loop never idles, so the event loop would
// read 100% busy whatever the engine did. Credits keep the rates exact whatever the timer's lag.
const produce = () => {
  if (!producing) return;
  meter.time('producer', step);
  setTimeout(produce, 1);
};
console.log(`── phase 1: steady (4 data patterns through workflow 'demo', feed→flaky at 2k msg/s). Alerts expected: ${expectation('steady')}`);
produce();
const frame = (header: string, m = engine.getMetrics()) => dashboardLines(m, header, loadLine(meter.window(), m.system.eventLoopDelay), tty);
const live = setInterval(() => {
  const header = `t=${at().trim()}  phase: ${phase}  alerts firing: ${dbg.activeAlerts().length}  debug events: ${dbg.getHistory().length} (+${dbg.discarded} discarded)`;
  meter.time('dashboard', () => board.draw(frame(header), engine.clock.now() - t0));
}, 250);

// The export at the end of the streaming phases, while the workflow's connections are up.
await new Promise((r) => setTimeout(r, Math.max(0, STREAMING - (engine.clock.now() - t0))));
producing = false;
clearInterval(live);
const debugData = dbg.exportDebugData();
mkdirSync(OUT, { recursive: true });
writeFileSync(files.debug, JSON.stringify(debugData, null, 2));
board.draw(frame(`t=${at().trim()}  streaming phases done: the debug export is taken now, with these ${debugData.topology.connections.length} connections up`, debugData.metrics), Infinity, true);
const result = await run.done;
await engine.stop({ timeout: 3000 });
dbg.stopRecording();
console.log(`\n${exportSummary(debugData, files.debug, t0).join('\n')}`);
const retired = engine.getMetrics().retired;
console.log(`After the workflow ${result.status} and engine.stop() (${at().trim()}, all ${retired.connections} connections retired): ${totalsLine(retired)}`);
console.log(`Last windowed sums of the counter: ${JSON.stringify(run.collected('sums').slice(-3))}`);

// 4. A short performance test on its own engine, then the report.
const perfMs = Math.max(3000, TOTAL - STREAMING - TAIL - 2000);
console.log(`\n── phase 4: High Volume Stress Test, ${perfMs / 1000} s (the full one: npx nodeflow perf --test "High Volume Stress Test")`);
// A clean heap for the measurement: the streaming phases left garbage a collection would
// otherwise drop in the middle of it (run-ts starts node with --expose-gc).
(globalThis as { gc?: () => void }).gc?.();
const perfEngine = new StreamEngine();
const suite = new PerformanceTestSuite(perfEngine);
const hv = STANDARD_PERFORMANCE_TESTS.find((t) => t.name === 'High Volume Stress Test')!;
await suite.runTest({ ...hv, duration: perfMs }, { onProgress: (p) => tty && process.stdout.write(`\r  ${formatProgress(p, 'bar')}`) });
if (tty) process.stdout.write('\n');
console.log(suite.generateReport());
await perfEngine.stop();

writeFileSync(files.report, suite.generateReport('markdown') + '\n');
writeFileSync(files.reportJson, suite.generateReport('json') + '\n');
meter.stop();
await web?.close();
dbg.dispose();
engine.dispose();
perfEngine.dispose();
console.log(`\nFiles:\n  ${files.debug}  (StreamDebugger.importDebugData reads it back)\n  ${files.report}\n  ${files.reportJson}`);
