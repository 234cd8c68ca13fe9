// npm run demo: the engine at real speed. A workflow (a sine sensor into a chart widget, a
// counter through a windowed sum into a collector) and a hand-driven burst source into a slow
// consumer share one StreamEngine; a live line of figures, then a summary. Finishes on its own
// (default 8 s; --duration=MS).
import { DefaultBackpressureHandler, GracefulErrorRecovery, WorkflowEngine, realClock } from '../src/index.js';

const durationArg = process.argv.find((a) => a.startsWith('--duration='));
const DURATION = durationArg ? Number(durationArg.split('=')[1]) : 8000;
const tty = process.stdout.isTTY === true;

const workflowEngine = new WorkflowEngine();
const engine = workflowEngine.getStreamEngine();
engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 }));
engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 100 }));

// 1 + 2. A workflow: its edges become connections, its sink.widget a widget actor.
const run = await workflowEngine.executeWorkflow({
  id: 'demo',
  nodes: [
    { id: 'sensor', type: 'source.sine', config: { amplitude: 10, period: 2000, noise: 0.05, rate: 200_000, duration: DURATION } },
    { id: 'chart', type: 'sink.widget', config: { bufferSize: 500 } },
    { id: 'counter', type: 'source.sequential', config: { rate: 50_000, duration: DURATION } },
    { id: 'sum', type: 'transform.aggregate', config: { window: 1000, op: 'sum' } },
    { id: 'sums', type: 'sink.collector', config: { limit: 100 } },
  ],
  edges: [
    { id: 'wave', source: 'sensor', sourcePort: 'out', target: 'chart', targetPort: 'in' },
    { id: 'count', source: 'counter', sourcePort: 'out', target: 'sum', targetPort: 'in' },
    { id: 'windows', source: 'sum', sourcePort: 'out', target: 'sums', targetPort: 'in' },
  ],
});
const chart = run.widget('chart');

// 3. A burst source feeding a slow consumer (2 ms per batch, async): its buffer fills, the
//    connection goes backpressured, and the handler sheds above 90%.
engine.node('slowSink', { process: () => new Promise<void>((r) => setTimeout(r, 2)) });
const burstId = engine.createConnection('bursts', 'slowSink', 'out', 'in', { bufferSize: 2000, maxBatchSize: 100 });
const bursts = engine.getConnection(burstId);
const out = engine.node('bursts').output('out');
const t0 = realClock.now();
let sent = 0;
let last = t0;
let credit = 0;
let producing = true;
const produce = () => {
  if (!producing) return;
  const now = realClock.now();
  // 400k msg/s for the first half of every second, silence for the second half.
  credit += ((now - last) * ((now - t0) % 1000 < 500 ? 400_000 : 0)) / 1000;
  last = now;
  for (; credit >= 1; credit--) out.emit({ id: sent++, timestamp: now, sourceNodeId: 'bursts', port: 'out', data: sent });
  setImmediate(produce);
};
produce();

const bar = (ratio: number, width = 12) => '█'.repeat(Math.round(ratio * width)).padEnd(width, '·');
// Sample the slow connection every 20 ms so each printed line shows the peak since the last one
// (a once-a-second sample would always land on the same phase of the bursts).
let peak = 0;
let pressuredSamples = 0;
let samples = 0;
const sampler = setInterval(() => {
  const s = bursts.stats();
  peak = Math.max(peak, s.bufferUtilization);
  samples++;
  if (s.state === 'backpressured') pressuredSamples++;
}, 20);
const delivered = () => {
  const m = engine.getMetrics();
  return m.totals.delivered + m.retired.delivered;
};
let prev = delivered();
let prevT = realClock.now();
console.log(`nodeflow demo for ${(DURATION / 1000).toFixed(0)} s: workflow 'demo' (sensor→chart 200k msg/s, counter→sum→sums 50k msg/s) and bursts→slowSink (400k msg/s half the time)\n`);
const live = setInterval(
  () => {
    const now = realClock.now();
    const total = delivered();
    const rate = ((total - prev) / (now - prevT)) * 1000;
    prev = total;
    prevT = now;
    const slow = bursts.stats();
    const line =
      `t=${((now - t0) / 1000).toFixed(1).padStart(4)}s  ${(rate / 1e6).toFixed(2)}M msg/s delivered  ` +
      `chart latency ${chart.metrics().averageLatency.toFixed(1)} ms  ` +
      `slowSink peak buffer ${bar(peak)} ${(peak * 100).toFixed(0).padStart(3)}%  backpressured ${String(Math.round((100 * pressuredSamples) / Math.max(1, samples))).padStart(3)}% of the time  ` +
      `now ${slow.state.padEnd(13)} dropped ${slow.droppedTotal}`;
    peak = 0;
    pressuredSamples = 0;
    samples = 0;
    if (tty) process.stdout.write(`\r${line}`);
    else console.log(line);
  },
  tty ? 250 : 1000,
);

// The workflow ends by itself (its sources have a duration); then the bursts stop too.
const result = await run.done;
producing = false;
clearInterval(live);
clearInterval(sampler);
if (tty) process.stdout.write('\n');
await engine.stop({ timeout: 2000 });
console.log(`\nSummary (workflow ${result.status}; every edge drained, nothing left in flight)`);
const rows: [string, ReturnType<typeof bursts.stats>][] = [...Object.entries(result.metrics.edges), [burstId, bursts.stats()]];
for (const [id, c] of rows) {
  console.log(
    `  ${id.padEnd(26)} accepted ${String(c.accepted).padStart(9)}  delivered ${String(c.delivered).padStart(9)}  ` +
      `dropped ${String(c.droppedTotal).padStart(7)}  in flight ${c.inFlight}  batches ${String(c.batches).padStart(6)}  backpressure events ${c.backpressureEvents}`,
  );
}
const cm = chart.metrics();
console.log(`  chart widget: ${cm.messageCount} messages in ${cm.batchCount} batches, average latency ${cm.averageLatency.toFixed(2)} ms, window ${cm.windowSize}`);
console.log(`  sums: the last windowed sums of the counter ${JSON.stringify(run.collected('sums').slice(-3))}`);
const r = engine.getMetrics().retired;
console.log(`  totals: accepted ${r.accepted} = delivered ${r.delivered} + dropped ${r.dropped} + dead-lettered ${r.deadLettered} + in flight ${r.inFlight}`);
console.log(`  engine state: ${engine.state}`);
engine.dispose();
