import { ConfigError, rejectUnknownKeys } from '../../errors.js';
import { backoffDelay, type BreakerOptions } from '../../machines/recovery.logic.js';

/**
 * How a connection treats a failed delivery: how many retries, how long between them, which
 * errors are worth retrying, and when its circuit breaker opens. Install one engine-wide with
 * `engine.setErrorRecovery(...)`; without one, each connection retries per its StreamConfig
 * (`retryAttempts`, `retryDelay`, no jitter) with the default breaker.
 *
 * @example
 * ```ts
 * const recovery: ErrorRecovery = new GracefulErrorRecovery({ retryAttempts: 5 });
 * recovery.retryDelayFor(2); // 200
 * ```
 */
export interface ErrorRecovery {
  /** Retries after the first attempt: a batch is attempted at most 1 + retryAttempts times. */
  readonly retryAttempts: number;
  /** Delay in ms before retry k (k = 1, 2, ...). */
  retryDelayFor(k: number): number;
  /** False: the batch is dead-lettered after one attempt. */
  isRetryable(error: unknown): boolean;
  /** A delivery still pending after this many ms counts as failed (undefined: no limit). */
  readonly deliveryTimeout: number | undefined;
  readonly breaker: BreakerOptions;
}

/**
 * Options of {@link GracefulErrorRecovery}; every field is optional.
 *
 * @example
 * ```ts
 * const opts: GracefulErrorRecoveryOptions = { retryAttempts: 3, retryDelay: 100, jitter: 0.2 };
 * ```
 */
export interface GracefulErrorRecoveryOptions {
  retryAttempts?: number;
  retryDelay?: number;
  maxRetryDelay?: number;
  /** Spread added to each delay, as a fraction of it: delay x (1 + jitter x u). */
  jitter?: number;
  /** Source of u in [0, 1); inject a seeded one for reproducible traces. */
  random?: () => number;
  isRetryable?: (error: unknown) => boolean;
  deliveryTimeout?: number;
  circuitBreaker?: Partial<BreakerOptions>;
}

/**
 * The default breaker: opens after 5 failed attempts in a row, or at a 50% failure rate over the
 * last 20 attempts (once at least 10 were seen); stays open 1 s (doubling on each re-open, up
 * to 30 s), then lets one probe batch through, for at most 5 s.
 *
 * @example
 * ```ts
 * new GracefulErrorRecovery({ circuitBreaker: { ...DEFAULT_BREAKER, consecutiveFailures: 3 } });
 * ```
 */
export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({
  consecutiveFailures: 5,
  windowSize: 20,
  minimumThroughput: 10,
  failureRateThreshold: 0.5,
  resetTimeout: 1000,
  maxResetTimeout: 30_000,
  halfOpenProbes: 1,
  halfOpenTimeout: 5000,
});

/**
 * Retries with exponential backoff and jitter, then dead-letters; see the semantics for the
 * exact delay formula. `retryAttempts` counts retries (cockatiel's convention).
 *
 * @example
 * ```ts
 * const engine = new StreamEngine();
 * engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 100, jitter: 0.1 }));
 * ```
 */
export class GracefulErrorRecovery implements ErrorRecovery {
  readonly retryAttempts: number;
  readonly retryDelay: number;
  readonly maxRetryDelay: number;
  readonly jitter: number;
  readonly deliveryTimeout: number | undefined;
  readonly breaker: BreakerOptions;
  private readonly random: () => number;
  private readonly retryable: (error: unknown) => boolean;

  constructor(readonly options: Readonly<GracefulErrorRecoveryOptions> = {}) {
    rejectUnknownKeys(options, ['retryAttempts', 'retryDelay', 'maxRetryDelay', 'jitter', 'random', 'isRetryable', 'deliveryTimeout', 'circuitBreaker']);
    rejectUnknownKeys(options.circuitBreaker, Object.keys(DEFAULT_BREAKER), 'circuitBreaker.');
    this.retryAttempts = check('retryAttempts', options.retryAttempts ?? 3, 'an integer >= 0', isCount);
    this.retryDelay = check('retryDelay', options.retryDelay ?? 100, 'a finite number >= 0 (ms)', isMs);
    this.maxRetryDelay = check('maxRetryDelay', options.maxRetryDelay ?? 30_000, 'a finite number >= retryDelay (ms)', (v) => isMs(v) && v >= this.retryDelay);
    this.jitter = check('jitter', options.jitter ?? 0, 'a number in [0, 1]', (v) => v >= 0 && v <= 1);
    const timeout = options.deliveryTimeout;
    this.deliveryTimeout = timeout === undefined ? undefined : check('deliveryTimeout', timeout, 'a finite number > 0 (ms)', (v) => isMs(v) && v > 0);
    this.random = fn('random', options.random ?? Math.random);
    this.retryable = fn('isRetryable', options.isRetryable ?? (() => true));
    const b = { ...DEFAULT_BREAKER, ...options.circuitBreaker };
    const windowSize = check('circuitBreaker.windowSize', b.windowSize, 'an integer >= 2', (v) => isCount(v) && v >= 2);
    this.breaker = Object.freeze({
      consecutiveFailures: check('circuitBreaker.consecutiveFailures', b.consecutiveFailures, 'an integer >= 1', (v) => isCount(v) && v >= 1),
      windowSize,
      // At least 2: a single failure is never a 100% failure rate.
      minimumThroughput: check('circuitBreaker.minimumThroughput', b.minimumThroughput, 'an integer in [2, windowSize]', (v) => isCount(v) && v >= 2 && v <= windowSize),
      failureRateThreshold: check('circuitBreaker.failureRateThreshold', b.failureRateThreshold, 'a number in (0, 1]', (v) => v > 0 && v <= 1),
      resetTimeout: check('circuitBreaker.resetTimeout', b.resetTimeout, 'a finite number > 0 (ms)', (v) => isMs(v) && v > 0),
      maxResetTimeout: check('circuitBreaker.maxResetTimeout', b.maxResetTimeout, 'a finite number >= resetTimeout (ms)', (v) => isMs(v) && v >= b.resetTimeout),
      halfOpenProbes: check('circuitBreaker.halfOpenProbes', b.halfOpenProbes, 'an integer >= 1', (v) => isCount(v) && v >= 1),
      halfOpenTimeout: check('circuitBreaker.halfOpenTimeout', b.halfOpenTimeout, 'a finite number > 0 (ms)', (v) => isMs(v) && v > 0),
    });
  }

  /** The same recovery with some options replaced (a connection's own retryAttempts/retryDelay). */
  with(overrides: Partial<GracefulErrorRecoveryOptions>): GracefulErrorRecovery {
    const merged = { ...this.options, ...overrides };
    if (merged.maxRetryDelay !== undefined && merged.retryDelay !== undefined && merged.maxRetryDelay < merged.retryDelay) merged.maxRetryDelay = merged.retryDelay;
    return new GracefulErrorRecovery(merged);
  }

  retryDelayFor(k: number): number {
    return backoffDelay(k, this, this.jitter === 0 ? 0 : this.random());
  }

  isRetryable(error: unknown): boolean {
    return this.retryable(error);
  }
}

const isCount = (v: number) => Number.isInteger(v) && v >= 0;
const isMs = (v: number) => Number.isFinite(v) && v >= 0;

/** Validates one numeric option, throwing a ConfigError naming it. @internal */
export function check(field: string, v: unknown, allowed: string, ok: (v: number) => boolean): number {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ConfigError(field, allowed, v);
  return v;
}

function fn<F>(field: string, f: F): F {
  if (typeof f !== 'function') throw new ConfigError(field, 'a function', f);
  return f;
}
