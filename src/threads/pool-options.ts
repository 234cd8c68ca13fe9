import { realClock, type EngineClock } from '../clock.js';
import { ConfigError, readOptions } from '../errors.js';
import { hasMethods } from '../shape.js';

/**
 * Options of a `ThreadPool`.
 *
 * @example
 * ```ts
 * const options: ThreadPoolOptions = { size: 2, perWorker: 16 };
 * ```
 */
export interface ThreadPoolOptions {
  /** Workers (default 1). */
  readonly size?: number;
  /**
   * Batches queued at one worker at most (default 16): the worker-side queue bound. Deep enough
   * that a worker never waits for the main thread between small batches (measured: 4 gave about
   * 640k msg/s through a worker and back, 16 about 1M). A batch's `deliveryTimeout` does not
   * count its wait in that queue: it starts when the worker starts the batch (docs/threads.md).
   */
  readonly perWorker?: number;
  /**
   * Deaths of its worker a job survives (it is run again on a fresh one); default 2, an integer in
   * [0, 256]. Only the job the worker was running when it died is charged with a death.
   */
  readonly maxCrashes?: number;
  readonly clock?: EngineClock;
}

const POOL_OPTIONS = ['size', 'perWorker', 'maxCrashes', 'clock', 'entry'];

/**
 * A pool's `size` or `perWorker` checked: an integer in [1, 256], else a `ConfigError` naming `field`.
 *
 * @example
 * ```ts
 * checkPoolSize(0, 'thread.size'); // throws INVALID_CONFIG
 * ```
 * @internal
 */
export function checkPoolSize(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 256) throw new ConfigError(field, 'an integer in [1, 256]', v);
  return v;
}

/**
 * A pool's options checked (known keys only; `size`, `perWorker`, `maxCrashes` in range), with
 * their defaults: a `ConfigError` names the first bad field.
 *
 * @example
 * ```ts
 * readPoolOptions({ size: 2 }).perWorker; // 16
 * ```
 * @internal
 */
export function readPoolOptions(options: ThreadPoolOptions): { size: number; perWorker: number; maxCrashes: number; clock: EngineClock } {
  const o = readOptions(options, POOL_OPTIONS);
  const maxCrashes = o.maxCrashes ?? 2;
  if (typeof maxCrashes !== 'number' || !Number.isInteger(maxCrashes) || maxCrashes < 0 || maxCrashes > 256) throw new ConfigError('maxCrashes', 'an integer in [0, 256]', maxCrashes);
  if (o.clock !== undefined && !hasMethods(o.clock, ['now', 'setTimeout', 'clearTimeout'])) throw new ConfigError('clock', 'an EngineClock (now, setTimeout, clearTimeout)', o.clock);
  return { size: checkPoolSize(o.size ?? 1, 'size'), perWorker: checkPoolSize(o.perWorker ?? 16, 'perWorker'), maxCrashes, clock: o.clock ?? realClock };
}
