import type { ConnectionMetrics } from '../connection/connection-meter.js';
import type { ConnectionStats } from '../types.js';

/**
 * How bad an alert is.
 *
 * @example
 * ```ts
 * const s: AlertSeverity = 'critical';
 * ```
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/**
 * What a rule measures: one connection's snapshot now and at the previous evaluation.
 *
 * @example
 * ```ts
 * const dropRate = (s: AlertSubject) => s.previous ? (s.now.droppedTotal - s.previous.droppedTotal) : null;
 * ```
 */
export interface AlertSubject {
  readonly connectionId: string;
  readonly now: ConnectionStats & { readonly metrics: ConnectionMetrics };
  /** The snapshot of the previous evaluation (undefined on the first). */
  readonly previous: (ConnectionStats & { readonly metrics: ConnectionMetrics }) | undefined;
  /** Milliseconds since the previous evaluation. */
  readonly intervalMs: number;
}

/**
 * An alert rule, evaluated per connection on every sampling tick. It fires when `measure` stays
 * above `threshold` for `forMs`, resolves when it falls to `clearBelow` (hysteresis), and after
 * resolving stays quiet for `cooldownMs`. `measure` returns null when there is nothing to judge.
 *
 * @example
 * ```ts
 * dbg.addRule({
 *   id: 'queue-deep', severity: 'warning', description: 'buffer utilization', unit: '',
 *   threshold: 0.9, clearBelow: 0.5, forMs: 2000,
 *   measure: (s) => s.now.bufferUtilization,
 * });
 * ```
 */
export interface AlertRule {
  readonly id: string;
  readonly severity: AlertSeverity;
  /** What is measured, for the message: "p99 latency 412 ms > 250 ms". */
  readonly description: string;
  readonly unit?: string;
  readonly threshold: number;
  /** Resolve at or below this (default: 80% of threshold). */
  readonly clearBelow?: number;
  /** The value must stay above the threshold this long before firing (default 0). */
  readonly forMs?: number;
  /** Minimum quiet time after resolving before firing again (default 10 000 ms). */
  readonly cooldownMs?: number;
  measure(subject: AlertSubject): number | null;
  /** The alert text (default: "<description> <value><unit> > <threshold><unit>"). */
  message?(value: number, subject: AlertSubject): string;
}

/**
 * Thresholds of the built-in rules; pass some to `new StreamDebugger(engine, { alerts })`.
 *
 * @example
 * ```ts
 * const dbg = new StreamDebugger(engine, { alerts: { latencyP99Ms: 100 } });
 * ```
 */
export interface AlertThresholds {
  /** p95 of recent latency above this: warning (default 100 ms). */
  latencyP95Ms: number;
  /** p99 of recent latency above this: critical (default 500 ms). */
  latencyP99Ms: number;
  /** Failed deliveries / attempts since the last tick: warning (default 0.05). */
  errorRate: number;
  /** Share of the time backpressured, for `backpressureForMs`: warning (default 0.5, 3000 ms). */
  backpressureRatio: number;
  backpressureForMs: number;
  /** Dropped / offered since the last tick: warning above this (default 0.01), critical above 10x. */
  dropRate: number;
  /** Messages in flight but none delivered for this long: critical (default 5000 ms). */
  stalledMs: number;
}

/**
 * The defaults of the built-in alert rules.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_ALERT_THRESHOLDS.latencyP99Ms); // 500
 * ```
 */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  latencyP95Ms: 100,
  latencyP99Ms: 500,
  errorRate: 0.05,
  backpressureRatio: 0.5,
  backpressureForMs: 3000,
  dropRate: 0.01,
  stalledMs: 5000,
});

const delta = (s: AlertSubject, f: (x: ConnectionStats) => number): number | null => (s.previous ? f(s.now) - f(s.previous) : null);
// No traffic since the last tick means nothing is failing or dropping: 0, so alerts resolve
// when a connection goes quiet (a stall is the `stalled` rule's business).
const ratio = (num: number | null, den: number | null): number | null => (num === null || den === null ? null : den <= 0 ? 0 : num / den);

/**
 * The built-in rules: recent latency p95 and p99, error rate, sustained backpressure, drop rate
 * (warning and critical), stalled connection.
 *
 * @example
 * ```ts
 * const rules = defaultAlertRules({ ...DEFAULT_ALERT_THRESHOLDS, latencyP99Ms: 100 });
 * ```
 */
export function defaultAlertRules(t: Readonly<AlertThresholds>): AlertRule[] {
  const offered = (x: ConnectionStats) => x.accepted + x.refused;
  const dropRate = (s: AlertSubject) => ratio(delta(s, (x) => x.droppedTotal + x.refused), delta(s, offered));
  return [
    // Nothing delivered in the last 1-2 s: no latency to complain about (0, so it resolves).
    { id: 'latency-p95', severity: 'warning', description: 'p95 latency', unit: 'ms', threshold: t.latencyP95Ms, measure: (s) => s.now.metrics.recentLatency.p95 },
    { id: 'latency-p99', severity: 'critical', description: 'p99 latency', unit: 'ms', threshold: t.latencyP99Ms, measure: (s) => s.now.metrics.recentLatency.p99 },
    { id: 'error-rate', severity: 'warning', description: 'delivery error rate', threshold: t.errorRate, measure: (s) => ratio(delta(s, (x) => x.failedAttempts), delta(s, (x) => x.batches + x.failedAttempts)) },
    { id: 'backpressure', severity: 'warning', description: 'time backpressured', threshold: t.backpressureRatio, forMs: t.backpressureForMs, measure: (s) => s.now.metrics.backpressuredMsPerSec / 1000 },
    { id: 'drop-rate', severity: 'warning', description: 'drop rate', threshold: t.dropRate, measure: dropRate },
    { id: 'drop-rate-critical', severity: 'critical', description: 'drop rate', threshold: Math.min(1, t.dropRate * 10), measure: dropRate },
    {
      id: 'stalled', severity: 'critical', description: 'stalled', threshold: 0.5, clearBelow: 0.5, forMs: t.stalledMs,
      message: (_v, s) => `stalled: ${s.now.inFlight} in flight, nothing delivered for ${t.stalledMs} ms (state ${s.now.state})`,
      measure: (s) => (s.previous === undefined ? null : s.now.inFlight > 0 && s.now.delivered === s.previous.delivered && s.now.deadLettered === s.previous.deadLettered ? 1 : 0),
    },
  ];
}
