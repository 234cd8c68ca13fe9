// npm run demo: the Quick Start at real speed. Three producers into three kinds of consumer,
// a live line of figures, then a summary. Finishes on its own (default 8 s; --duration=MS).
import { DefaultBackpressureHandler, GracefulErrorRecovery, StreamEngine, realClock, type OutputPort } from '../src/index.js';

const durationArg = process.argv.find((a) => a.startsWith('--duration='));
const DURATION = durationArg ? Number(durationArg.split('=')[1]) : 8000;
const tty = process.stdout.isTTY === true;

const engine = new StreamEngine();
engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 }));
engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 100 }));

// 1. A sine-wave sensor feeding a chart widget (a bounded window, one update per batch).
const chart = engine.createWidget('chart', { bufferSize: 500 });
engine.createConnection('sensor', 'chart', 'out', 'in');
// 2. A counter feeding an aggregating node (plain batch handler).
let sum = 0;
engine.node('aggregate', { process: (b) => void (sum += b.messages.length) });
engine.createConnection('counter', 'aggregate', 'out', 'in');
// 3. A burst source feeding a slow consumer (2 ms per batch, async): its buffer fills,
//    the connection goes backpressured, and the handler sheds above 90%.
engine.node('slowSink', { process: () => new Promise<void>((r) => setTimeout(r, 2)) });
engine.createConnection('bursts', 'slowSink', 'out', 'in', { bufferSize: 2000, maxBatchSize: 100 });

const states = new Map<string, string>();
engine.events$.subscribe((e) => {
  if (e.type === 'connection.state') states.set(e.connectionId, `${e.from}→${e.to}`);
});

/** Emits `rate` msg/s on `port` from `node` with values from `value(i, t)`, until `stop()`. */
function produce(port: OutputPort, node: string, rate: () => number, value: (i: number, t: number) => number) {
  let i = 0;
  let last = realClock.now();
  let credit = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    const now = realClock.now();
    credit += ((now - last) * rate()) / 1000;
    last = now;
    while (credit >= 1) {
      port.emit({ id: i, timestamp: now, sourceNodeId: node, port: 'out', data: value(i, now) });
      i++;
      credit--;
    }
    setImmediate(tick);
  };
  tick();
  return { stop: () => (running = false), sent: () => i };
}

const t0 = realClock.now();
const sensor = produce(engine.node('sensor').output('out'), 'sensor', () => 200_000, (_i, t) => Math.sin((t - t0) / 500));
const counter = produce(engine.node('counter').output('out'), 'counter', () => 50_000, (i) => i);
// Bursts: 400k msg/s for the first half of every second, silence for the second half.
const bursts = produce(engine.node('bursts').output('out'), 'bursts', () => ((realClock.now() - t0) % 1000 < 500 ? 400_000 : 0), (i) => i);

const bar = (ratio: number, width = 12) => '█'.repeat(Math.round(ratio * width)).padEnd(width, '·');
// Sample the slow connection every 20 ms so each printed line shows the peak since the last one
// (a once-a-second sample would always land on the same phase of the bursts).
let peak = 0;
let pressuredSamples = 0;
let samples = 0;
const sampler = setInterval(() => {
  const s = engine.getConnection('bursts:out->slowSink:in').stats();
  peak = Math.max(peak, s.bufferUtilization);
  samples++;
  if (s.state === 'backpressured') pressuredSamples++;
}, 20);
let prev = engine.getMetrics().totals.delivered;
let prevT = realClock.now();
console.log(`nodeflow demo: 3 connections for ${(DURATION / 1000).toFixed(0)} s (sensor→chart 200k/s, counter→aggregate 50k/s, bursts→slowSink 400k/s half the time)\n`);
const live = setInterval(() => {
  const m = engine.getMetrics();
  const now = realClock.now();
  const rate = ((m.totals.delivered - prev) / (now - prevT)) * 1000;
  prev = m.totals.delivered;
  prevT = now;
  const slow = m.connections['bursts:out->slowSink:in']!;
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
}, tty ? 250 : 1000);

setTimeout(async () => {
  clearInterval(live);
  clearInterval(sampler);
  sensor.stop();
  counter.stop();
  bursts.stop();
  if (tty) process.stdout.write('\n');
  const connections = engine.listConnections().map((info) => engine.getConnection(info.id));
  await engine.stop({ timeout: 2000 });
  console.log('\nSummary (after a graceful stop: buffered messages delivered, nothing left in flight)');
  for (const connection of connections) {
    const id = connection.id;
    const c = connection.stats(); // final counters: the objects outlive the stop
    console.log(
      `  ${id.padEnd(26)} accepted ${String(c.accepted).padStart(9)}  delivered ${String(c.delivered).padStart(9)}  ` +
        `dropped ${String(c.droppedTotal).padStart(7)}  in flight ${c.inFlight}  batches ${String(c.batches).padStart(6)}  backpressure events ${c.backpressureEvents}`,
    );
  }
  const cm = chart.metrics();
  console.log(`  chart widget: ${cm.messageCount} messages in ${cm.batchCount} batches, average latency ${cm.averageLatency.toFixed(2)} ms, window ${cm.windowSize}`);
  console.log(`  aggregate node saw ${sum} messages; sensor sent ${sensor.sent()}, counter ${counter.sent()}, bursts ${bursts.sent()}`);
  const r = engine.getMetrics().retired;
  console.log(`  totals: accepted ${r.accepted} = delivered ${r.delivered} + dropped ${r.dropped} + dead-lettered ${r.deadLettered} + in flight ${r.inFlight}`);
  console.log(`  engine state: ${engine.state}`);
  engine.dispose();
}, DURATION);
