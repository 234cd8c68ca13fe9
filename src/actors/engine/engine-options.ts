import { DELAY_ALLOWED, isDelay, type EngineClock } from '../../clock.js';
import type { BreakerOptions } from '../../machines/recovery.logic.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import { DEFAULT_BREAKER, GracefulErrorRecovery, type ErrorRecovery } from '../policies/error-recovery.js';
import { ConfigError, readOptions } from '../../errors.js';
import { hasMethods, isInstance } from '../../shape.js';
import type { InspectionEvent } from 'xstate';
import type { InspectObserver } from '../types.js';
import type { WarningsOption } from '../../warnings.js';

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
  /**
   * Development warnings for likely typos (an emit on a port that never had a connection, a
   * message whose `port` is not the port it is emitted on, a `useStreamData` id that names
   * nothing), each said once: `true` prints them with `console.warn`, `false` silences them, a
   * function receives them instead. Default: on unless `process.env.NODE_ENV === 'production'`.
   */
  warnings?: WarningsOption;
}

/**
 * Reads the options once into a plain copy and returns it; throws a ConfigError naming the
 * first malformed option (a typo in a key included).
 *
 * @example
 * ```ts
 * checkEngineOptions({ metrics: 'yes' } as never); // ConfigError: metrics must be a boolean
 * ```
 * @internal
 */
export function checkEngineOptions(options: EngineOptions | undefined): EngineOptions {
  const o = readOptions(options, ['clock', 'inspect', 'metrics', 'warnings']);
  if (o.metrics !== undefined && typeof o.metrics !== 'boolean') throw new ConfigError('metrics', 'a boolean', o.metrics);
  if (o.warnings !== undefined && typeof o.warnings !== 'boolean' && typeof o.warnings !== 'function') {
    throw new ConfigError('warnings', 'a boolean or a function (warning) => void', o.warnings);
  }
  if (o.clock !== undefined && !hasMethods(o.clock, ['now', 'setTimeout', 'clearTimeout'])) {
    throw new ConfigError('clock', 'an EngineClock (now, setTimeout, clearTimeout)', o.clock);
  }
  if (o.inspect !== undefined && typeof o.inspect !== 'function' && !hasMethods(o.inspect, ['next'])) {
    throw new ConfigError('inspect', 'an XState inspection observer', o.inspect);
  }
  return o.inspect === undefined ? o : { ...o, inspect: guarded(o.inspect) };
}

// The observer runs inside every actor's event processing (the engine's own start included):
// its throw must not break a delivery or a constructor. Like engine.inspect()'s observers, it
// is detached at its first throw and the error reported once.
function guarded(inspect: InspectObserver): InspectObserver {
  const call = typeof inspect === 'function' ? inspect : (e: InspectionEvent) => inspect.next!(e);
  let detached = false;
  return (e) => {
    if (detached) return;
    try {
      call(e);
    } catch (error) {
      detached = true;
      console.error(`nodeflow: the engine's inspect observer threw on ${e.type}; it was detached.`, error);
    }
  };
}

/**
 * Checks a backpressure handler before it is installed, reading each field inside a try (a
 * throwing getter or a revoked proxy is a ConfigError): a number in (0, 1] for dropThreshold,
 * a delay for maxWaitTime, a boolean priorityDrop, and bind absent or a function.
 *
 * @example
 * ```ts
 * checkHandler({ dropThreshold: 2, maxWaitTime: 100, priorityDrop: true } as never); // ConfigError
 * ```
 * @internal
 */
export function checkHandler(handler: BackpressureHandler): void {
  const h = fields(handler, ['dropThreshold', 'maxWaitTime', 'priorityDrop', 'bind'], 'backpressureHandler', 'a BackpressureHandler (e.g. new DefaultBackpressureHandler())');
  if (typeof h.dropThreshold !== 'number' || !(h.dropThreshold > 0 && h.dropThreshold <= 1)) throw new ConfigError('backpressureHandler.dropThreshold', 'a number in (0, 1]', h.dropThreshold);
  if (!isDelay(h.maxWaitTime)) throw new ConfigError('backpressureHandler.maxWaitTime', DELAY_ALLOWED, h.maxWaitTime);
  if (typeof h.priorityDrop !== 'boolean') throw new ConfigError('backpressureHandler.priorityDrop', 'a boolean', h.priorityDrop);
  if (h.bind !== undefined && typeof h.bind !== 'function') throw new ConfigError('backpressureHandler.bind', 'a function (ctx) => detach', h.bind);
}

/**
 * Checks an error recovery before it is installed (a GracefulErrorRecovery checked itself when
 * built): its methods, its retryAttempts and deliveryTimeout, and its breaker, whose values
 * must pass the same rules as GracefulErrorRecovery's `circuitBreaker` option.
 *
 * @example
 * ```ts
 * checkRecovery({ retryAttempts: 1, retryDelayFor: () => 0, isRetryable: () => true, deliveryTimeout: 2 ** 31, breaker: DEFAULT_BREAKER }); // ConfigError
 * ```
 * @internal
 */
export function checkRecovery(recovery: ErrorRecovery): void {
  const what = 'an ErrorRecovery (e.g. new GracefulErrorRecovery())';
  const r = fields(recovery, ['retryAttempts', 'retryDelayFor', 'isRetryable', 'deliveryTimeout', 'breaker'], 'errorRecovery', what);
  if (typeof r.retryDelayFor !== 'function' || typeof r.isRetryable !== 'function') throw new ConfigError('errorRecovery', what, recovery);
  if (isInstance(recovery, GracefulErrorRecovery)) return;
  if (!(Number.isInteger(r.retryAttempts) && (r.retryAttempts as number) >= 0 && (r.retryAttempts as number) <= 1000)) throw new ConfigError('errorRecovery.retryAttempts', 'an integer in [0, 1000]', r.retryAttempts);
  if (r.deliveryTimeout !== undefined && !(isDelay(r.deliveryTimeout) && r.deliveryTimeout > 0)) throw new ConfigError('errorRecovery.deliveryTimeout', DELAY_ALLOWED, r.deliveryTimeout);
  // The breaker's rules live in one place: GracefulErrorRecovery's constructor.
  new GracefulErrorRecovery({ circuitBreaker: readOptions(r.breaker as object, Object.keys(DEFAULT_BREAKER), 'errorRecovery.breaker.') as BreakerOptions });
}

/**
 * The `timeout` of `stop(options)`: a delay a timer can honour (default 5000 ms); above 2^31 − 1
 * a timer fires at once and stop would drop what is in flight.
 *
 * @example
 * ```ts
 * stopTimeout({ timeout: 2 ** 31 }); // ConfigError (timeout)
 * ```
 * @internal
 */
export function stopTimeout(options: { timeout?: number } | undefined): number {
  const timeout = readOptions(options, ['timeout']).timeout ?? 5000;
  if (!isDelay(timeout)) throw new ConfigError('timeout', DELAY_ALLOWED, timeout);
  return timeout;
}

// The named fields of a caller's object, each read once inside a try.
function fields(o: unknown, names: readonly string[], field: string, allowed: string): Record<string, unknown> {
  if (o === null || typeof o !== 'object') throw new ConfigError(field, allowed, o);
  const out: Record<string, unknown> = {};
  try {
    Object.getPrototypeOf(o); // throws for a revoked proxy, which has no fields either
    for (const n of names) out[n] = (o as Record<string, unknown>)[n];
  } catch {
    throw new ConfigError(field, `${allowed} whose fields can be read`, o);
  }
  return out;
}
