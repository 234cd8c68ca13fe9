import { DELAY_ALLOWED, isDelay } from '../../clock.js';
import { readOptions } from '../../errors.js';
import { check } from '../policies/error-recovery.js';
import type { ConnectionKnobs } from '../types.js';
import { TIMER_SLACK_MS } from './connection-host.js';

/**
 * Checks a `tune()` request against a connection's buffer: `maxBatchSize` in [1, bufferSize],
 * `batchTimeout` a delay a timer can honour, `dropThreshold` in (0, 1]. Throws a typed `ConfigError` naming the
 * field; nothing is applied unless everything is valid.
 *
 * @example
 * ```ts
 * validateKnobs({ maxBatchSize: 20 }, 1000); // { maxBatchSize: 20 }
 * ```
 */
export function validateKnobs(knobs: Partial<ConnectionKnobs>, bufferSize: number): Partial<ConnectionKnobs> {
  // One read into a copy: what is checked is what is applied.
  const o = readOptions(knobs, ['maxBatchSize', 'batchTimeout', 'dropThreshold']);
  const { maxBatchSize, batchTimeout, dropThreshold } = o;
  if (maxBatchSize !== undefined) check('maxBatchSize', maxBatchSize, `an integer in [1, ${bufferSize}]`, (v) => Number.isInteger(v) && v >= 1 && v <= bufferSize);
  if (batchTimeout !== undefined) check('batchTimeout', batchTimeout, DELAY_ALLOWED, isDelay);
  if (dropThreshold !== undefined) check('dropThreshold', dropThreshold, 'a number in (0, 1]', (v) => v > 0 && v <= 1);
  return o;
}

/**
 * Derived knob facts.
 *
 * @example
 * ```ts
 * knobsIn.immediate(0); // true: every message is due on arrival
 * ```
 */
export const knobsIn = {
  /** A batchTimeout within timer slack: a message is due on arrival, no deadline timer. */
  immediate: (batchTimeout: number): boolean => batchTimeout <= TIMER_SLACK_MS,
};
