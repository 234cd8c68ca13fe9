import { LatencyHistogram } from '../metrics/histogram.js';
import type { StreamMessage } from '../../message.js';

/**
 * Live figures of one connection beyond its counters (see `ConnectionStats`): latency of
 * delivered messages, rates and Flink-style time ratios over a sliding window, circuit opens,
 * and recovery times.
 *
 * @example
 * ```ts
 * const m = engine.getMetrics().connections['a:out->b:in']!.metrics;
 * console.log(m.outPerSec, m.latency.p99, m.busyMsPerSec);
 * ```
 */
export interface ConnectionMetrics {
  /**
   * Delivery time minus message.timestamp, ms, from a log-bucket histogram (1.6% buckets); each
   * batch is recorded as its oldest and newest messages' latencies, half the batch each.
   */
  readonly latency: { readonly count: number; readonly avg: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** The same over the last one to two seconds only (what alerts watch: it recovers). */
  readonly recentLatency: { readonly count: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** Accepted and delivered per second over the last window (about a second). */
  readonly inPerSec: number;
  readonly outPerSec: number;
  /** Milliseconds per second the consumer was busy, the connection backpressured, or neither. */
  readonly busyMsPerSec: number;
  readonly backpressuredMsPerSec: number;
  readonly idleMsPerSec: number;
  readonly circuitOpens: number;
  /** From the first failed delivery to flowing again. */
  readonly recovery: { readonly count: number; readonly avgMs: number; readonly maxMs: number; readonly failingForMs: number };
}

interface Sample {
  at: number;
  accepted: number;
  delivered: number;
  busy: number;
  pressured: number;
}

const WINDOW_MS = 1000;
const SAMPLES = 16;

/**
 * The bookkeeping behind ConnectionMetrics. Everything is O(1) per batch or per edge.
 * @internal
 */
export class ConnectionMeter {
  readonly latency = new LatencyHistogram();
  // Two periods of WINDOW_MS, rotated lazily: recent figures cover one to two seconds.
  private current = new LatencyHistogram();
  private previous = new LatencyHistogram();
  private rotatedAt: number;
  busyMs = 0;
  private pressuredMs = 0;
  private pressuredSince = -1;
  private circuitOpens = 0;
  private failingSince = -1;
  private recoveries = 0;
  private recoveryTotal = 0;
  private recoveryMax = 0;
  private readonly samples: Sample[] = [];

  constructor(private readonly createdAt: number) {
    this.rotatedAt = createdAt;
  }

  batch(now: number, ms: readonly StreamMessage[]): void {
    // Two records per batch, O(1) whatever its size: its oldest message's latency for the older
    // half, its newest's for the rest. The mean is exact for evenly spaced messages; a
    // percentile errs by less than the batch's spread (at most one batch window).
    const n = ms.length;
    const head = now - ms[0]!.timestamp;
    const tail = now - ms[n - 1]!.timestamp;
    const older = Math.ceil(n / 2);
    if (now - this.rotatedAt >= WINDOW_MS) this.rotate(now);
    this.latency.recordN(head, older);
    this.current.recordN(head, older);
    if (n > older) {
      this.latency.recordN(tail, n - older);
      this.current.recordN(tail, n - older);
    }
  }

  private rotate(now: number): void {
    const old = this.previous;
    // More than two periods without a batch: both periods are stale.
    if (now - this.rotatedAt >= 2 * WINDOW_MS) this.current.reset();
    this.previous = this.current;
    old.reset();
    this.current = old;
    this.rotatedAt = now;
  }

  pressure(now: number): void {
    this.pressuredSince = now;
  }

  relief(now: number): void {
    if (this.pressuredSince >= 0) this.pressuredMs += now - this.pressuredSince;
    this.pressuredSince = -1;
  }

  /**
   * Does entering `state` begin something the meter records (a failing spell, an open)? Other
   * states only end what an earlier one began, so a connection that never made its meter need
   * not make one for them.
   */
  static records(state: string): boolean {
    return state === 'retrying' || state === 'circuitOpen';
  }

  state(to: string, now: number): void {
    if (to === 'circuitOpen') this.circuitOpens++;
    if ((to === 'retrying' || to === 'circuitOpen') && this.failingSince < 0) this.failingSince = now;
    if ((to === 'flowing' || to === 'backpressured') && this.failingSince >= 0) {
      const d = now - this.failingSince;
      this.recoveries++;
      this.recoveryTotal += d;
      if (d > this.recoveryMax) this.recoveryMax = d;
      this.failingSince = -1;
    }
  }

  /** Records counters now (the engine samples every ~250 ms while someone watches). */
  sample(now: number, accepted: number, delivered: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.at < 50) return;
    this.samples.push({ at: now, accepted, delivered, busy: this.busyMs, pressured: this.pressuredNow(now) });
    if (this.samples.length > SAMPLES) this.samples.shift();
  }

  snapshot(now: number, accepted: number, delivered: number): ConnectionMetrics {
    this.sample(now, accepted, delivered);
    // Rates over [from, now]: from = the newest sample at least a window old; failing that the
    // oldest earlier sample; failing that the connection's creation.
    let from: Sample = { at: this.createdAt, accepted: 0, delivered: 0, busy: 0, pressured: 0 };
    const older = this.samples.filter((s) => s.at < now);
    const aged = older.filter((s) => now - s.at >= WINDOW_MS);
    if (aged.length > 0) from = aged[aged.length - 1]!;
    else if (older.length > 0) from = older[0]!;
    const span = Math.max(1, now - from.at);
    const perSec = (d: number) => (d * 1000) / span;
    const busy = Math.min(1000, perSec(this.busyMs - from.busy));
    const pressured = Math.min(1000 - busy, perSec(this.pressuredNow(now) - from.pressured));
    const h = this.latency;
    if (now - this.rotatedAt >= WINDOW_MS) this.rotate(now);
    const r = [this.current, this.previous];
    const pct = (p: number) => LatencyHistogram.percentileOf(r, p);
    return {
      recentLatency: { count: this.current.count + this.previous.count, p50: pct(50), p95: pct(95), p99: pct(99), max: Math.max(this.current.max, this.previous.max) },
      latency: { count: h.count, avg: h.mean, p50: h.percentile(50), p95: h.percentile(95), p99: h.percentile(99), max: h.max },
      inPerSec: perSec(accepted - from.accepted),
      outPerSec: perSec(delivered - from.delivered),
      busyMsPerSec: busy,
      backpressuredMsPerSec: pressured,
      idleMsPerSec: Math.max(0, 1000 - busy - pressured),
      circuitOpens: this.circuitOpens,
      recovery: { count: this.recoveries, avgMs: this.recoveries ? this.recoveryTotal / this.recoveries : 0, maxMs: this.recoveryMax, failingForMs: this.failingSince >= 0 ? now - this.failingSince : 0 },
    };
  }

  private pressuredNow(now: number): number {
    return this.pressuredMs + (this.pressuredSince >= 0 ? now - this.pressuredSince : 0);
  }
}
