import type { SimulatedClock } from 'xstate';
import { flushMicrotasks } from '../support/flush.js';

/**
 * A stepper for processes on one simulated clock: the returned function moves the clock 1 ms at
 * a time until `until()` holds (or `maxMs` passed), settling microtasks and calling `each` after
 * every step, and tells whether `until()` held.
 */
export function stepUntil(clock: SimulatedClock) {
  return async (until: () => boolean, maxMs = 100_000, each?: () => void): Promise<boolean> => {
    for (let t = 0; t < maxMs && !until(); t++) {
      clock.increment(1);
      await flushMicrotasks();
      each?.();
    }
    return until();
  };
}
