import { StreamEngine, realClock, type StreamConfig } from '../src/index.js';
import { median } from './lib.js';

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
  const lat = new Float64Array(total);
  let got = 0;
  widget.data$.subscribe(({ batch }) => {
    const now = realClock.now();
    for (const m of batch.messages) lat[got++] = now - m.timestamp;
  });
  const start = realClock.now() + 5;
  const interval = 1000 / rate;
  let sent = 0;
  let maxInFlight = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = realClock.now();
      const due = Math.min(total, Math.floor((now - start) / interval) + 1);
      while (sent < due) {
        out.emit({ id: sent, timestamp: start + sent * interval, sourceNodeId: 's', port: 'out', data: sent & 7 });
        sent++;
      }
      const inFlight = conn.stats().inFlight;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
      if (sent >= total) return resolve();
      const wait = start + sent * interval - realClock.now();
      // Sleep when the next send is far; spin on setImmediate when it is close.
      if (wait > 2) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
  const elapsed = realClock.now() - start;
  await new Promise((r) => setTimeout(r, engine.config.batchTimeout + 30));
  const inFlightAtEnd = conn.stats().inFlight;
  await engine.stop();
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
