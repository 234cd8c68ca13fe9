import { ConfigError, NodeflowError, readOptions } from '../errors.js';
import type { ReadFrom } from './record-log.js';
import type { LiveSource } from './recording.js';

/**
 * How fast a replay goes: `'instant'` (as fast as the target takes batches) or a factor of the
 * original timing from 1 (as recorded) to 100.
 *
 * @example
 * ```ts
 * const speed: ReplaySpeed = 10; // ten times as fast as recorded
 * ```
 */
export type ReplaySpeed = 'instant' | number;

/**
 * Options of `replay()`.
 *
 * @example
 * ```ts
 * const options: ReplayOptions = { from: { at: Date.now() - 60_000 }, speed: 1, live: recording };
 * ```
 */
export interface ReplayOptions {
  /** Where to start (default: the oldest batch held). Outside the history: `OUT_OF_RANGE`. */
  readonly from?: ReadFrom;
  /** Default `'instant'`. */
  readonly speed?: ReplaySpeed;
  /** Start paused (show nothing until `resume()` or `step()`). */
  readonly paused?: boolean;
  /** Replay-then-live: once history is shown, go on with this live stream (no gap, no duplicate). */
  readonly live?: LiveSource;
  /** The input port a node target sees (default `'in'`). */
  readonly port?: string;
  /** Live batches held while history is shown (default 1024); older ones are read from the log again. */
  readonly liveBuffer?: number;
}

/**
 * The options, checked once (a typo such as `sped` is refused, not ignored).
 *
 * @example
 * ```ts
 * const o = checkReplayOptions({ speed: 10 }); // { speed: 10, port: 'in', liveBuffer: 1024 }
 * ```
 * @internal
 */
export function checkReplayOptions(options: ReplayOptions): ReplayOptions & { speed: ReplaySpeed; port: string; liveBuffer: number } {
  const o = readOptions(options, ['from', 'speed', 'paused', 'live', 'port', 'liveBuffer']);
  const speed = checkSpeed('speed' in o ? o.speed : 'instant'); // an explicit undefined or null is a mistake, not a default
  if (o.paused !== undefined && typeof o.paused !== 'boolean') throw new ConfigError('paused', 'a boolean', o.paused);
  if (o.live !== undefined && typeof (o.live as Partial<LiveSource>)?.subscribe !== 'function') throw new ConfigError('live', 'a LiveSource (a Recording)', o.live);
  const port = o.port ?? 'in';
  if (typeof port !== 'string' || port === '') throw new ConfigError('port', 'a non-empty string', port);
  const liveBuffer = o.liveBuffer ?? 1024;
  if (!Number.isInteger(liveBuffer) || liveBuffer < 1) throw new ConfigError('liveBuffer', 'an integer >= 1', liveBuffer);
  return { ...o, speed, port, liveBuffer };
}

/**
 * `speed` if it is `'instant'` or a number in [1, 100]; `INVALID_CONFIG` otherwise.
 *
 * @example
 * ```ts
 * checkSpeed(0.5); // throws ConfigError: speed must be 'instant' or a number in [1, 100]
 * ```
 * @internal
 */
export function checkSpeed(speed: unknown): ReplaySpeed {
  if (speed === 'instant' || (typeof speed === 'number' && speed >= 1 && speed <= 100)) return speed;
  throw new ConfigError('speed', "'instant' or a number in [1, 100] (a factor of the original timing)", speed);
}

/**
 * The error for a replay with nothing to show: an empty log and no live stream to join.
 *
 * @example
 * ```ts
 * if (log.bounds() === undefined && !options.live) throw noHistory();
 * ```
 * @internal
 */
export function noHistory(): NodeflowError {
  return new NodeflowError('OUT_OF_RANGE', 'Cannot replay: the log holds nothing and no live stream was given', {});
}
