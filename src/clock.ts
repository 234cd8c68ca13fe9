/**
 * The one injectable clock. It is XState's `Clock` (so the same object drives every machine's
 * `after` timers) plus `now()`. Pass XState's `SimulatedClock` in tests: every timer in the
 * engine (batch deadline, retry delay, waits) then runs on simulated time.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const clock = new SimulatedClock();
 * const engine = new StreamEngine({}, { clock });
 * clock.increment(16); // fires every batch deadline that is due
 * ```
 */
export interface EngineClock {
  /** Milliseconds, epoch-based for the real clock; any origin for simulated ones. */
  now(): number;
  setTimeout(fn: (...args: any[]) => void, timeout: number): any;
  clearTimeout(id: any): void;
}

const origin = performance.timeOrigin;

/**
 * Wall clock with sub-millisecond resolution on the same epoch as `Date.now()`, so latency can
 * be measured against `message.timestamp`.
 *
 * @example
 * ```ts
 * const t = realClock.now();
 * ```
 */
export const realClock: EngineClock = {
  now: () => origin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};
