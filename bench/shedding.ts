// npm run bench:shedding [-- --json] [-- --quick]: priority shedding under overload (issue 12, item 2).
// A producer offers 10x what a consumer of fixed capacity can take, with mixed priorities, into a
// connection with DefaultBackpressureHandler (bufferSize 1000). Printed: the producer's cost per
// offer on the full buffer against the non-full path, the delivered rate against the consumer's
// measured capacity (plain `backpressure`, nothing shed), batch sizes, heap and exact counts.
// Also the admit cost at the mailbox alone in a tight loop (--micro: only that and the clears),
// and the cost of one dropBuffer clear as the buffer grows (linear since the fix, was O(n^2)).
import { validateStreamConfig, DefaultBackpressureHandler, StreamEngine, realClock, type Priority, type StreamConfig } from '../src/index.js';
import { Mailbox } from '../src/actors/connection/mailbox.js';
import { fmt, median, slowRig, table, watchHeap } from './lib.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');

/** 2% critical, 30% low, 48% normal, 20% high: critical stays well below the consumer's capacity. */
export function mixed(i: number): Priority | undefined {
  if (i % 50 === 0) return 'critical';
  const r = i % 10;
  return r < 3 ? 'low' : r < 8 ? (r & 1 ? 'normal' : undefined) : 'high';
}


export interface OverloadRun {
  case: string;
  offered: number;
  sent: number;
  delivered: number;
  deliveredPerSec: number;
  refused: number;
  dropped: Record<string, number>;
  /** sent = delivered + dropped + in flight + refused, and stats conserve. */
  countsExact: boolean;
  offerNs: number;
  meanBatch: number;
  batches: number;
  maxHeapMB: number;
  startHeapMB: number;
}

/**
 * `rate` msg/s offered for `ms` into a consumer costing `costUs` per message that runs in its own
 * event-loop turns (setImmediate), as an I/O-bound consumer would.
 */
export async function run(name: string, ms: number, rate: number, costUs: number, priority: (i: number) => Priority | undefined, config: Partial<StreamConfig>, handler: boolean): Promise<OverloadRun> {
  const engine = new StreamEngine(config);
  if (handler) engine.setBackpressureHandler(new DefaultBackpressureHandler());
  let batches = 0;
  const { conn, out } = slowRig(engine, costUs, () => batches++);
  const heap = watchHeap();
  const start = realClock.now() + 5;
  const interval = 1000 / rate;
  const total = Math.round((rate * ms) / 1000);
  let sent = 0;
  let refused = 0;
  let offerMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((realClock.now() - start) / interval) + 1);
      const t0 = performance.now();
      const from = sent;
      while (sent < due) {
        const p = priority(sent);
        if (out.emit({ id: sent, timestamp: start + sent * interval, sourceNodeId: 'fast', port: 'out', data: sent, ...(p ? { priority: p } : {}) }) === 'full') refused++;
        sent++;
      }
      if (sent > from) offerMs += performance.now() - t0;
      if (sent >= total) return resolve();
      setImmediate(tick);
    };
    tick();
  });
  const elapsed = realClock.now() - start;
  const s = conn.stats();
  const maxHeapMB = heap.stop();
  engine.dispose();
  return {
    case: name,
    offered: rate,
    sent,
    delivered: s.delivered,
    deliveredPerSec: (s.delivered / elapsed) * 1000,
    refused,
    dropped: s.dropped,
    countsExact: sent === s.delivered + s.droppedTotal + s.inFlight + refused && s.accepted === s.delivered + s.droppedTotal + s.deadLettered + s.inFlight,
    offerNs: (offerMs * 1e6) / sent,
    meanBatch: s.batches ? s.delivered / s.batches : 0,
    batches,
    maxHeapMB,
    startHeapMB: heap.startMB,
  };
}

/**
 * ns per admit at the mailbox alone, in a tight loop (robust to a busy machine): bufferSize 1000,
 * DefaultBackpressureHandler, batches of 50 taken at 1/`overload` of the offered rate. With
 * overload 10 the buffer stays full and every admit sheds; with 0.5 it never fills.
 */
export function admitCost(priority: (i: number) => Priority | undefined, overload: number, n = 2_000_000): { ns: number; meanBatch: number } {
  const config = validateStreamConfig({ bufferSize: 1000, maxBatchSize: 50 });
  const mb = new Mailbox(config, () => {});
  mb.setHandler(new DefaultBackpressureHandler(), 1000);
  const msgs = Array.from({ length: 4096 }, (_, i) => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'o', data: i, ...(priority(i) ? { priority: priority(i)! } : {}) }));
  const every = Math.max(1, Math.round(50 * overload));
  let taken = 0;
  let batches = 0;
  let sink = 0;
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      sink += mb.admit(msgs[i & 4095]!);
      if (i % every === every - 1 || (overload < 1 && mb.size >= 50)) {
        const b = mb.take();
        taken += b.length;
        batches++;
      }
    }
  };
  run(n / 10); // warm-up
  taken = batches = 0;
  const t = performance.now();
  run(n);
  const ns = ((performance.now() - t) * 1e6) / n;
  return { ns: ns + (sink === 0.5 ? 1 : 0), meanBatch: taken / batches };
}

/** µs for one dropBuffer clear of a full buffer of `n`, half of it critical (a handler installed). */
export function dropBufferClear(n: number): number {
  const config = validateStreamConfig({ bufferSize: n, maxBatchSize: 50, overflowStrategy: 'dropBuffer' });
  const mb = new Mailbox(config, () => {});
  mb.setHandler(new DefaultBackpressureHandler({ dropThreshold: 1 }), n);
  mb.queue.reserve(1); // a batch out: full below the handler's threshold, so the strategy decides
  const m = (i: number) => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'o', data: i, ...(i & 1 ? { priority: 'critical' as const } : {}) });
  for (let i = 0; i < n - 1; i++) mb.admit(m(i));
  const t = performance.now();
  mb.admit(m(n)); // the clear
  return (performance.now() - t) * 1000;
}

async function main() {
  const ms = quick ? 2000 : 5000;
  const costUs = 200; // about 5,000 msg/s: the consumer of issue 12
  const capacityRate = 1e6 / costUs;
  const cfg = { bufferSize: 1000 };
  log(`# shedding under 10x overload (${new Date().toISOString()}), node ${process.version}, ${ms} ms per case, consumer ${costUs} µs/msg`);
  const runs: OverloadRun[] = [];
  let capacity = 0;
  if (!args.has('--micro')) {
    runs.push(await run('capacity: backpressure, no handler, 10x', ms, 10 * capacityRate, costUs, () => undefined, cfg, false));
    // The same offered rate into a consumer that keeps up: the producer's non-full path.
    runs.push(await run('non-full: handler, mixed, fast consumer', ms, 10 * capacityRate, 0, mixed, cfg, true));
    runs.push(await run('full: handler, all normal, 10x', ms, 10 * capacityRate, costUs, () => undefined, cfg, true));
    runs.push(await run('full: handler, mixed priorities, 10x', ms, 10 * capacityRate, costUs, mixed, cfg, true));
    capacity = runs[0]!.deliveredPerSec;
    const nonFull = runs[1]!.offerNs;
    log(
      table(
        ['case', 'offer ns', 'x non-full', 'delivered/s', '% capacity', 'mean batch', 'dropped', 'refused', 'counts exact', 'max heap MB'],
        runs.map((r) => [r.case, fmt(r.offerNs, 0), (r.offerNs / nonFull).toFixed(2), fmt(r.deliveredPerSec, 0), ((100 * r.deliveredPerSec) / capacity).toFixed(0), fmt(r.meanBatch, 1), fmt(Object.values(r.dropped).reduce((a, b) => a + b, 0)), fmt(r.refused), r.countsExact ? 'yes' : 'NO', `${fmt(r.maxHeapMB, 1)} (start ${fmt(r.startHeapMB, 1)})`]),
      ),
    );
  }
  // Interleaved rounds, median per case: the machine's noise hits every case alike.
  const cases: [string, (i: number) => Priority | undefined, number][] = [
    ['non-full, mixed (0.5x)', mixed, 0.5],
    ['full, all normal (10x)', () => undefined, 10],
    ['full, mixed priorities (10x)', mixed, 10],
  ];
  const samples = cases.map(() => [] as { ns: number; meanBatch: number }[]);
  for (let round = 0; round < (quick ? 3 : 7); round++) cases.forEach(([, p, o], i) => samples[i]!.push(admitCost(p, o, 1_000_000)));
  const micro = cases.map(([name], i) => ({ case: name, ns: median(samples[i]!.map((x) => x.ns)), meanBatch: samples[i]![0]!.meanBatch }));
  log('\n## admit cost at the mailbox, tight loop (bufferSize 1000, batches taken at 1/overload of the offered rate; median of interleaved rounds)');
  log(table(['case', 'ns per admit', 'x non-full', 'mean batch taken'], micro.map((m) => [m.case, fmt(m.ns, 1), (m.ns / micro[0]!.ns).toFixed(2), fmt(m.meanBatch, 1)])));
  const clears = [1000, 4000, 16000].map((n) => ({ n, us: dropBufferClear(n) }));
  log('\n## one dropBuffer clear, half critical');
  log(table(['buffer', 'µs per clear', 'ns per message'], clears.map((c) => [fmt(c.n), fmt(c.us, 0), fmt((c.us * 1000) / c.n, 1)])));
  if (json) process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, costUs, capacity, runs, micro, clears }, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
