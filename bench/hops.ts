// Multi-hop latency: a chain of pass-through nodes (each re-emits the same message object, as a
// Node-RED pass-through node would) into a widget, at a fixed offered rate, latency measured from
// each message's INTENDED send time (no coordinated omission). Adaptive against fixed batching in
// the same process, one after the other. The producer spins on setImmediate when its next
// message is due within 2 ms, so the process is busy throughout: read latency here, not CPU.
// Each case first runs 1 s at its rate through the same engine, as latency benchmarks do (JIT
// tiering and the young generation growing to size take the first ~200 ms): p50/p99/max are of
// the messages after it, p99Cold of every message from the very first.
//
// Run alone: node scripts/run-ts.mjs bench/hops.ts [--quick] [--json]
import { StreamEngine, realClock, type BatchingMode } from '../src/index.js';
import { pace, recordLatency } from './paced.js';

export interface HopsResult {
  readonly hops: number;
  readonly rate: number;
  readonly batching: BatchingMode;
  readonly delivered: number;
  readonly sent: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 over every message, the warm-up's too. */
  readonly p99Cold: number;
  readonly warmupMs: number;
}

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** Offers `rate` msg/s for `durationMs` through `hops` connections and measures every message. */
export async function measureHops(hops: number, rate: number, durationMs: number, batching: BatchingMode, warmupMs = 1000): Promise<HopsResult> {
  const engine = new StreamEngine({ batching });
  for (let i = 1; i < hops; i++) {
    const out = engine.node(`n${i}`).output('out');
    engine.node(`n${i}`, { process: (b) => b.messages.forEach((m) => out.emit(m)) });
  }
  const widget = engine.createWidget('w');
  for (let i = 0; i < hops; i++) engine.createConnection(`n${i}`, i === hops - 1 ? 'w' : `n${i + 1}`, 'out', 'in');
  const out = engine.node('n0').output('out');
  const warm = Math.round((rate * warmupMs) / 1000);
  const total = warm + Math.max(1, Math.round((rate * durationMs) / 1000));
  const rec = recordLatency(widget, total);
  const start = realClock.now() + 5;
  await pace(rate, total, start, (i, at) => out.emit({ id: i, timestamp: at, sourceNodeId: 'n0', port: 'out', data: i }));
  await new Promise((r) => setTimeout(r, 16 * hops + 30));
  await engine.stop();
  const got = rec.count();
  const all = rec.lat.slice(0, got).sort();
  const measured = rec.lat.slice(0, got).filter((_, i) => rec.ids[i]! >= warm).sort();
  const n = measured.length;
  return { hops, rate, batching, delivered: got, sent: total, p50: pct(measured, 0.5), p99: pct(measured, 0.99), max: measured[n - 1] ?? 0, p99Cold: pct(all, 0.99), warmupMs };
}

/** CPU of one hop at a given rate, the producer sleeping between its sends (so CPU is the engine's and the producer's own work, not a spin). */
export interface CpuResult {
  readonly rate: number;
  readonly batching: BatchingMode;
  /** `burst`: a 1 ms timer sends what is due (messages arrive in groups, as from a socket); `perTask`: one message per setImmediate task (the worst case for end-of-task cuts). */
  readonly producer: 'burst' | 'perTask';
  /** CPU ms per second of run (1000 = one core busy). */
  readonly cpuMsPerS: number;
  readonly batches: number;
  readonly delivered: number;
}

/** Offers `rate` msg/s through one connection into a widget for `durationMs` and measures the process's CPU. */
export async function measureCpu(rate: number, durationMs: number, batching: BatchingMode, producer: 'burst' | 'perTask'): Promise<CpuResult> {
  const engine = new StreamEngine({ batching });
  engine.createWidget('w');
  const id = engine.createConnection('s', 'w', 'out', 'in');
  const out = engine.node('s').output('out');
  const total = Math.round((rate * durationMs) / 1000);
  let sent = 0;
  const send = () => out.emit({ id: sent, timestamp: realClock.now(), sourceNodeId: 's', port: 'out', data: sent++ });
  const cpu0 = process.cpuUsage();
  const t0 = realClock.now();
  await new Promise<void>((resolve) => {
    if (producer === 'burst') {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((realClock.now() - t0) * rate) / 1000));
        while (sent < due) send();
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
      return;
    }
    // One message per task, each when due: sleeps (a timer) while more than 2 ms ahead.
    const tick = () => {
      if (sent < Math.floor(((realClock.now() - t0) * rate) / 1000) + 1) send();
      if (sent >= total) return resolve();
      const wait = t0 + (sent * 1000) / rate - realClock.now();
      if (wait > 2) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 50));
  const elapsed = realClock.now() - t0;
  const c = process.cpuUsage(cpu0);
  const stats = engine.getConnection(id).stats();
  await engine.stop();
  return { rate, batching, producer, cpuMsPerS: ((c.user + c.system) / 1000 / elapsed) * 1000, batches: stats.batches, delivered: stats.delivered };
}

const fmt = (ms: number) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`);

/** Every latency case (1 and 5 hops at 1k, 10k, 100k msg/s, both modes) and the CPU cases. */
export async function runHops(durationMs: number, onProgress: (s: string) => void = () => {}): Promise<{ results: HopsResult[]; cpu: CpuResult[] }> {
  const results: HopsResult[] = [];
  for (const hops of [1, 5]) {
    for (const rate of [1_000, 10_000, 100_000]) {
      for (const batching of ['adaptive', 'fixed'] as const) {
        const r = await measureHops(hops, rate, durationMs, batching);
        results.push(r);
        onProgress(`${hops} hop(s) at ${rate.toLocaleString('en-US')} msg/s, ${batching.padEnd(8)}: p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)}, max ${fmt(r.max)} (p99 with the warm-up ${fmt(r.p99Cold)}), delivered ${r.delivered}/${r.sent}`);
      }
    }
  }
  const cpu: CpuResult[] = [];
  for (const producer of ['burst', 'perTask'] as const) {
    for (const batching of ['adaptive', 'fixed'] as const) {
      const r = await measureCpu(100_000, durationMs, batching, producer);
      cpu.push(r);
      onProgress(`CPU, 1 hop at 100,000 msg/s, ${producer.padEnd(7)} producer, ${batching.padEnd(8)}: ${r.cpuMsPerS.toFixed(0)} ms CPU per s, ${r.batches} batches for ${r.delivered} messages`);
    }
  }
  return { results, cpu };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const json = args.has('--json');
  const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');
  const durationMs = args.has('--quick') ? 1500 : 5000;
  const { results, cpu } = await runHops(durationMs, log);
  if (json) process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, durationMs, results, cpu }, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
