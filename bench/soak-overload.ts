import { DefaultBackpressureHandler, LatencyHistogram, StreamEngine, realClock } from '../src/index.js';
import { slowRig } from './lib.js';
import { PRIORITY_MIX, heapAfterGcMB } from './soak-lib.js';

/** One 10-second window of the overload phase. */
export interface OverloadSample {
  phase: 'overload';
  t: number;
  heapMB: number;
  rssMB: number;
  offeredPerSec: number;
  deliveredPerSec: number;
  /** Mean size of the batches the consumer received in the window. */
  meanBatch: number;
  /** The producer's cost per offer (ns), measured around its emit loop. */
  offerNs: number;
  p99Ms: number;
  dropped: number;
  conserved: boolean;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** The consumer's capacity (msg/s): a producer that only offers while there is room, 5 s. */
export async function capacityOf(costUs: number, log: (s: string) => void): Promise<number> {
  const engine = new StreamEngine();
  let delivered = 0;
  const { out } = slowRig(engine, costUs, (b) => (delivered += b.messages.length));
  const t0 = realClock.now();
  let id = 0;
  while (realClock.now() - t0 < 5000) {
    while (out.emit({ id: id, timestamp: realClock.now(), sourceNodeId: 'fast', port: 'out', data: id }) !== 'full') id++;
    await tick();
  }
  const capacity = Math.round((delivered * 1000) / (realClock.now() - t0));
  await engine.stop({ timeout: 100 }).catch(() => undefined);
  engine.dispose();
  log(`capacity: ${capacity.toLocaleString('en-US')} msg/s at ${costUs} µs/msg`);
  return capacity;
}

/**
 * ns per emit on the non-full path: the same handler and priority mix in a tight loop into a
 * consumer that keeps up (synchronous, so each batch's hand-off is in the figure, as on the
 * ordinary path). The fastest the offer path runs: the conservative reference for "within 2x".
 */
function nonFullOfferNs(): number {
  const engine = new StreamEngine();
  engine.setBackpressureHandler(new DefaultBackpressureHandler());
  engine.node('sink', { process: () => undefined });
  const conn = engine.getConnection(engine.createConnection('fast', 'sink', 'out', 'in'));
  const out = engine.node('fast').output('out');
  const n = 2_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) out.emit({ id: i, timestamp: 0, sourceNodeId: 'fast', port: 'out', data: i, priority: PRIORITY_MIX[i % PRIORITY_MIX.length] });
  const ns = ((performance.now() - t0) * 1e6) / n;
  const shed = conn.stats().droppedTotal;
  engine.dispose();
  if (shed > 0) throw new Error(`the non-full reference shed ${shed} messages`);
  return ns;
}

/** 10x `capacity` with mixed priorities for `durationMs`, sampled every 10 s. */
export async function overloadPhase(durationMs: number, capacity: number, costUs: number, log: (s: string) => void): Promise<{ samples: OverloadSample[]; nonFullOfferNs: number }> {
  const rate = capacity * 10;
  const nonFull = nonFullOfferNs();
  log(`non-full offer path: ${nonFull.toFixed(0)} ns/offer`);
  const engine = new StreamEngine();
  engine.setBackpressureHandler(new DefaultBackpressureHandler());
  const hist = new LatencyHistogram();
  let delivered = 0;
  let batches = 0;
  const { conn, out } = slowRig(engine, costUs, (b) => {
    delivered += b.messages.length;
    batches++;
    hist.recordN(realClock.now() - b.messages[0]!.timestamp, b.messages.length);
  });
  const interval = 1000 / rate;
  const start = realClock.now() + 5;
  let sent = 0;
  let offerMs = 0;
  let offersInWindow = 0;
  const samples: OverloadSample[] = [];
  let last = { t: start, delivered: 0, batches: 0, sent: 0 };
  let nextSample = start + 10_000;
  while (realClock.now() - start < durationMs) {
    const now = realClock.now();
    const due = Math.floor((now - start) / interval) + 1;
    const t0 = sent < due ? performance.now() : 0;
    const from = sent;
    while (sent < due) {
      out.emit({ id: sent, timestamp: start + sent * interval, sourceNodeId: 'fast', port: 'out', data: sent, priority: PRIORITY_MIX[sent % PRIORITY_MIX.length] });
      sent++;
    }
    if (sent > from) offerMs += performance.now() - t0;
    offersInWindow += sent - from;
    if (now >= nextSample) {
      const s = conn.stats();
      const span = now - last.t;
      const sample: OverloadSample = {
        phase: 'overload',
        t: Math.round((now - start) / 1000),
        heapMB: heapAfterGcMB(),
        rssMB: process.memoryUsage().rss / 1e6,
        offeredPerSec: Math.round(((sent - last.sent) * 1000) / span),
        deliveredPerSec: Math.round(((delivered - last.delivered) * 1000) / span),
        meanBatch: batches > last.batches ? (delivered - last.delivered) / (batches - last.batches) : 0,
        offerNs: offersInWindow ? (offerMs * 1e6) / offersInWindow : 0,
        p99Ms: hist.percentile(99),
        dropped: s.droppedTotal,
        conserved: s.accepted === s.delivered + s.droppedTotal + s.deadLettered + s.inFlight,
      };
      samples.push(sample);
      log(`overload t=${String(sample.t).padStart(4)}s heap ${sample.heapMB.toFixed(1)} MB rss ${sample.rssMB.toFixed(0)} MB offered ${sample.offeredPerSec.toLocaleString('en-US')} delivered ${sample.deliveredPerSec.toLocaleString('en-US')} msg/s (${((sample.deliveredPerSec / capacity) * 100).toFixed(0)}% of capacity, batches of ${sample.meanBatch.toFixed(1)}) offer ${sample.offerNs.toFixed(0)} ns p99 ${sample.p99Ms.toFixed(0)} ms conserved ${sample.conserved}`);
      hist.reset();
      offerMs = 0;
      offersInWindow = 0;
      last = { t: now, delivered, batches, sent };
      nextSample += 10_000;
    }
    await tick();
  }
  engine.dispose();
  return { samples, nonFullOfferNs: nonFull };
}
