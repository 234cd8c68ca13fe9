import type { EngineClock } from '../../clock.js';
import { ConfigError, rejectUnknownKeys } from '../../errors.js';
import type { InspectObserver } from '../types.js';

/**
 * Engine-wide options that are not per-connection flow settings.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const engine = new StreamEngine({}, { clock: new SimulatedClock(), inspect: (e) => console.log(e.type) });
 * ```
 */
export interface EngineOptions {
  /** The one clock for every timer and latency figure (default: the wall clock). */
  clock?: EngineClock;
  /** XState inspection observer, given to every actor the engine creates. */
  inspect?: InspectObserver;
  /**
   * Record delivery latency and consumer busy time on every connection (two clock reads per
   * batch). Also on while `metrics$` has subscribers or an adjusting handler is installed.
   */
  metrics?: boolean;
}

/**
 * Throws a ConfigError naming the first malformed option (a typo in a key included).
 *
 * @example
 * ```ts
 * checkEngineOptions({ metrics: 'yes' } as never); // ConfigError: metrics must be a boolean
 * ```
 * @internal
 */
export function checkEngineOptions(options: EngineOptions): void {
  rejectUnknownKeys(options, ['clock', 'inspect', 'metrics']);
  if (options.metrics !== undefined && typeof options.metrics !== 'boolean') throw new ConfigError('metrics', 'a boolean', options.metrics);
  if (options.clock !== undefined && (typeof options.clock?.now !== 'function' || typeof options.clock.setTimeout !== 'function' || typeof options.clock.clearTimeout !== 'function')) {
    throw new ConfigError('clock', 'an EngineClock (now, setTimeout, clearTimeout)', options.clock);
  }
  if (options.inspect !== undefined && typeof options.inspect !== 'function' && typeof (options.inspect as { next?: unknown })?.next !== 'function') {
    throw new ConfigError('inspect', 'an XState inspection observer', options.inspect);
  }
}
