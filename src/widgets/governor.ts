/**
 * The render governor's law, pure: given the smoothed frame time, how long a widget waits
 * between renders. Slow frames widen the interval multiplicatively at once; after a quarter
 * second of healthy frames it narrows again by the same factor, step by step, towards what the
 * widget asked for (so it settles instead of oscillating every frame, and recovers from a
 * slow start within a couple of seconds).
 */

/**
 * Governor state of one widget.
 *
 * @example
 * ```ts
 * let g = createGovernor(16);
 * g = govern(g, 40, 16.7, performance.now()); // slow frames: g.interval > 16
 * ```
 */
export interface GovernorState {
  /** What the widget asked for (ms between renders). */
  readonly base: number;
  /** What is in force now (>= base). */
  readonly interval: number;
  /** Since when frames have been healthy at this interval (-1: not healthy). */
  readonly healthySince: number;
}

/** Never slower than 4 renders a second: a throttled widget must still look alive. */
export const MAX_INTERVAL_MS = 250;
/** Healthy time before each narrowing step. */
export const RECOVER_AFTER_MS = 250;
const FACTOR = 1.5;

/**
 * A governor that starts at the requested interval.
 *
 * @example
 * ```ts
 * createGovernor(16).interval; // 16
 * ```
 */
export function createGovernor(base: number): GovernorState {
  return { base, interval: base, healthySince: -1 };
}

/**
 * One evaluation (after each render, at time `now` in ms): `frameMs` is the smoothed frame
 * time, `refreshMs` the display's refresh period. Frames over 1.5 periods are slow.
 *
 * @example
 * ```ts
 * govern(createGovernor(16), 50, 16.7, 0).interval; // 24
 * govern({ base: 16, interval: 24, healthySince: 0 }, 16.7, 16.7, 300).interval; // 16
 * ```
 */
export function govern(s: GovernorState, frameMs: number, refreshMs: number, now: number): GovernorState {
  if (frameMs > refreshMs * 1.5) {
    // An interval of 0 (render every frame) widens from one refresh period.
    const interval = Math.min(Math.max(MAX_INTERVAL_MS, s.base), (s.interval > 0 ? s.interval : refreshMs) * FACTOR);
    return interval === s.interval && s.healthySince < 0 ? s : { base: s.base, interval, healthySince: -1 };
  }
  if (s.interval === s.base) return s;
  if (s.healthySince < 0) return { base: s.base, interval: s.interval, healthySince: now };
  if (now - s.healthySince < RECOVER_AFTER_MS) return s;
  // Below a refresh period the interval makes no difference: snap back to what was asked for.
  const next = s.interval / FACTOR;
  return { base: s.base, interval: next < Math.max(s.base, refreshMs) ? s.base : next, healthySince: now };
}
