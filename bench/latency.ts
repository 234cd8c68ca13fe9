import { StreamEngine, realClock, type StreamConfig } from '../src/index.js';
import { median } from './lib.js';
import { pace, recordLatency } from './paced.js';

export interface LatencyResult {
  offeredRate: number;
  achievedRate: number;
  messages: number;
  delivered: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** p99 over the first and the last third of the run: equal-ish means no growing backlog. */
  p99FirstThird: number;
  p99LastThird: number;
  maxInFlight: number;
  inFlightAtEnd: number;
}

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/**
 * Offers `rate` msg/s for `durationMs` through node → connection → widget and measures, per
 * message, delivery time minus its INTENDED send time (start + i/rate). A producer that falls
 * behind therefore shows up as latency: no coordinated omission.
 */
export async function measureLatency(rate: number, durationMs: number, config: Partial<StreamConfig> = {}): Promise<LatencyResult> {
  const engine = new StreamEngine(config);
  const widget = engine.createWidget('w');
  const id = engine.createConnection('s', 'w', 'out', 'in');
  const conn = engine.getConnection(id);
  const out = engine.node('s').output('out');
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const rec = recordLatency(widget, total);
  const start = realClock.now() + 5;
  const interval = 1000 / rate;
  let maxInFlight = 0;
  await pace(
    rate,
    total,
    start,
    (i, at) => out.emit({ id: i, timestamp: at, sourceNodeId: 's', port: 'out', data: i & 7 }),
    () => {
      const inFlight = conn.stats().inFlight;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
    },
  );
  const sent = total;
  const lat = rec.lat;
  const elapsed = realClock.now() - start;
  await new Promise((r) => setTimeout(r, engine.config.batchTimeout + 30));
  const inFlightAtEnd = conn.stats().inFlight;
  await engine.stop();
  const got = rec.count();
  const all = lat.slice(0, got).sort();
  const third = Math.floor(got / 3);
  const first = lat.slice(0, third).sort();
  const last = lat.slice(got - third, got).sort();
  return {
    offeredRate: rate,
    achievedRate: Math.round(sent / (Math.max(elapsed, interval) / 1000)),
    messages: sent,
    delivered: got,
    p50: pct(all, 0.5),
    p95: pct(all, 0.95),
    p99: pct(all, 0.99),
    max: all[all.length - 1] ?? 0,
    p99FirstThird: third ? pct(first, 0.99) : 0,
    p99LastThird: third ? pct(last, 0.99) : 0,
    maxInFlight,
    inFlightAtEnd,
  };
}

export { median };
