/**
 * Pure control law of AdaptiveBackpressureHandler: signals of one adjustment interval in, at
 * most one knob change out. No clock, no engine: property-tested on plain numbers.
 */

/**
 * Knobs the handler moves, per connection.
 *
 * @example
 * ```ts
 * const k: Knobs = { maxBatchSize: 50, batchTimeout: 16, dropThreshold: 0.9 };
 * ```
 */
export interface Knobs {
  readonly maxBatchSize: number;
  readonly batchTimeout: number;
  readonly dropThreshold: number;
}

/**
 * What one adjustment interval measured on a connection.
 *
 * @example
 * ```ts
 * const s: Signals = { utilization: 0.95, dropped: 120, busyRatio: 1, loopDelayMs: 3 };
 * ```
 */
export interface Signals {
  /** Buffer occupancy in [0, 1] at the end of the interval. */
  readonly utilization: number;
  /** Messages shed or timed out during the interval. */
  readonly dropped: number;
  /** Share of the interval the consumer spent in deliveries, in [0, 1]. */
  readonly busyRatio: number;
  /** Event-loop delay (Node) or frame overrun (browser), ms. */
  readonly loopDelayMs: number;
}

/**
 * Bounds and thresholds of the control law (see DEFAULT_ADAPTIVE_LAW).
 *
 * @example
 * ```ts
 * const law: AdaptiveLaw = { ...DEFAULT_ADAPTIVE_LAW, maxBatchSize: { min: 10, max: 1000 } };
 * ```
 */
export interface AdaptiveLaw {
  readonly maxBatchSize: { readonly min: number; readonly max: number };
  readonly batchTimeout: { readonly min: number; readonly max: number };
  readonly dropThreshold: { readonly min: number; readonly max: number };
  /** Occupancy at or above which the consumer counts as falling behind. */
  readonly highUtilization: number;
  /** Occupancy at or below which (with a lightly busy consumer) things are calm. */
  readonly lowUtilization: number;
  /** Consumer busy share at or above which it is saturated. */
  readonly saturatedBusy: number;
  /** Consumer busy share below which easing back cannot saturate it (halving a batch at most doubles it). */
  readonly calmBusy: number;
  readonly loopDelayHighMs: number;
  readonly loopDelayLowMs: number;
  /** Calm intervals in a row before one knob eases back towards its base. */
  readonly calmIntervals: number;
}

/**
 * Defaults: batches 10..500, flush interval 2..64 ms, drop threshold 0.8..0.98.
 *
 * @example
 * ```ts
 * new AdaptiveBackpressureHandler({ law: { ...DEFAULT_ADAPTIVE_LAW, calmIntervals: 5 } });
 * ```
 */
export const DEFAULT_ADAPTIVE_LAW: AdaptiveLaw = Object.freeze({
  maxBatchSize: Object.freeze({ min: 10, max: 500 }),
  batchTimeout: Object.freeze({ min: 2, max: 64 }),
  dropThreshold: Object.freeze({ min: 0.8, max: 0.98 }),
  highUtilization: 0.7,
  lowUtilization: 0.2,
  saturatedBusy: 0.9,
  calmBusy: 0.25,
  loopDelayHighMs: 40,
  loopDelayLowMs: 10,
  calmIntervals: 3,
});

/**
 * One knob change and why.
 *
 * @example
 * ```ts
 * const c: KnobChange = { knob: 'maxBatchSize', from: 50, to: 100, reason: 'consumer saturated' };
 * ```
 */
export interface KnobChange {
  readonly knob: keyof Knobs;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

const clamp = (v: number, b: { min: number; max: number }) => Math.min(b.max, Math.max(b.min, v));

/**
 * Decides the next knobs from one interval's signals. Under pressure it grows the batch size
 * (amortising per-batch cost), then sheds later; a slow event loop stretches the flush interval;
 * after `calmIntervals` calm intervals it eases one knob back towards `base`. Between the
 * bands nothing moves, which is what lets it settle under constant load.
 *
 * @example
 * ```ts
 * const { knobs, change } = decide(current, base, signals, DEFAULT_ADAPTIVE_LAW, calm);
 * ```
 */
export function decide(
  knobs: Knobs,
  base: Knobs,
  s: Signals,
  law: AdaptiveLaw,
  calm: number,
): { knobs: Knobs; change: KnobChange | null; calm: number } {
  const set = (knob: keyof Knobs, to: number, reason: string) => {
    const from = knobs[knob];
    return from === to ? null : { knobs: { ...knobs, [knob]: to }, change: { knob, from, to, reason }, calm: 0 };
  };
  if (s.loopDelayMs >= law.loopDelayHighMs) {
    const r = set('batchTimeout', clamp(Math.max(knobs.batchTimeout * 2, law.batchTimeout.min), law.batchTimeout), `event loop delayed ${s.loopDelayMs.toFixed(0)} ms: flush less often`);
    if (r) return r;
  }
  const pressed = s.dropped > 0 || s.utilization >= law.highUtilization || s.busyRatio >= law.saturatedBusy;
  if (pressed) {
    const grown = clamp(Math.max(knobs.maxBatchSize + 1, Math.round(knobs.maxBatchSize * 2)), law.maxBatchSize);
    const r =
      set('maxBatchSize', grown, 'consumer falling behind: larger batches amortise its per-batch cost') ??
      set('dropThreshold', clamp(Math.round((knobs.dropThreshold + (1 - knobs.dropThreshold) / 2) * 1000) / 1000, law.dropThreshold), 'still shedding: shed later');
    return r ?? { knobs, change: null, calm: 0 };
  }
  const quiet = s.utilization <= law.lowUtilization && s.busyRatio < law.calmBusy && s.loopDelayMs < law.loopDelayLowMs;
  if (!quiet) return { knobs, change: null, calm: 0 };
  if (calm + 1 < law.calmIntervals) return { knobs, change: null, calm: calm + 1 };
  // Calm long enough: one knob back towards its base, the most recently raised kind first.
  const r =
    (knobs.dropThreshold > base.dropThreshold ? set('dropThreshold', Math.max(base.dropThreshold, knobs.dropThreshold - (knobs.dropThreshold - base.dropThreshold) / 2 - 0.001), 'calm: shed earlier again') : null) ??
    (knobs.maxBatchSize > base.maxBatchSize ? set('maxBatchSize', Math.max(base.maxBatchSize, Math.round(knobs.maxBatchSize / 2)), 'calm: smaller batches for lower latency') : null) ??
    (knobs.batchTimeout > base.batchTimeout ? set('batchTimeout', Math.max(base.batchTimeout, knobs.batchTimeout / 2), 'calm: flush sooner') : null);
  return r ?? { knobs, change: null, calm: calm + 1 };
}
