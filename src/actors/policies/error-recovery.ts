import { DELAY_ALLOWED, MAX_DELAY_MS, isDelay } from '../../clock.js';
import { ConfigError, readOptions } from '../../errors.js';
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
  /** The cap on a retry's delay, jitter included. Default 30000, or `retryDelay` when that is larger. */
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

  /** The options as given, read once into a frozen copy (`with()` builds on it). */
  readonly options: Readonly<GracefulErrorRecoveryOptions>;

  constructor(options: Readonly<GracefulErrorRecoveryOptions> = {}) {
    // Read once into copies: every check and every later use sees the same values.
    const o = readOptions(options, ['retryAttempts', 'retryDelay', 'maxRetryDelay', 'jitter', 'random', 'isRetryable', 'deliveryTimeout', 'circuitBreaker']);
    const cb = readOptions(o.circuitBreaker, Object.keys(DEFAULT_BREAKER), 'circuitBreaker.');
    this.retryAttempts = check('retryAttempts', o.retryAttempts ?? 3, 'an integer in [0, 1000]', (v) => isCount(v) && v <= 1000);
    this.retryDelay = check('retryDelay', o.retryDelay ?? 100, DELAY_ALLOWED, isDelay);
    // A cap left out follows a base set above its default (60 s delays, no 30 s cap to refuse them).
    this.maxRetryDelay = check('maxRetryDelay', o.maxRetryDelay ?? Math.max(30_000, this.retryDelay), `a number of ms in [retryDelay, ${MAX_DELAY_MS}]`, (v) => isDelay(v) && v >= this.retryDelay);
    this.jitter = check('jitter', o.jitter ?? 0, 'a number in [0, 1]', (v) => v >= 0 && v <= 1);
    const timeout = o.deliveryTimeout;
    this.deliveryTimeout = timeout === undefined ? undefined : check('deliveryTimeout', timeout, POSITIVE_DELAY, isPositiveDelay);
    this.random = fn('random', o.random ?? Math.random);
    this.retryable = fn('isRetryable', o.isRetryable ?? (() => true));
    const b = { ...DEFAULT_BREAKER, ...cb };
    if (cb.maxResetTimeout === undefined && typeof b.resetTimeout === 'number' && b.resetTimeout > b.maxResetTimeout) b.maxResetTimeout = b.resetTimeout;
    const windowSize = check('circuitBreaker.windowSize', b.windowSize, `an integer in [2, ${MAX_WINDOW}]`, (v) => isCount(v) && v >= 2 && v <= MAX_WINDOW);
    this.breaker = Object.freeze({
      consecutiveFailures: check('circuitBreaker.consecutiveFailures', b.consecutiveFailures, `an integer in [1, ${MAX_WINDOW}]`, (v) => isCount(v) && v >= 1 && v <= MAX_WINDOW),
      windowSize,
      // At least 2: a single failure is never a 100% failure rate.
      minimumThroughput: check('circuitBreaker.minimumThroughput', b.minimumThroughput, 'an integer in [2, windowSize]', (v) => isCount(v) && v >= 2 && v <= windowSize),
      failureRateThreshold: check('circuitBreaker.failureRateThreshold', b.failureRateThreshold, 'a number in (0, 1]', (v) => v > 0 && v <= 1),
      resetTimeout: check('circuitBreaker.resetTimeout', b.resetTimeout, POSITIVE_DELAY, isPositiveDelay),
      maxResetTimeout: check('circuitBreaker.maxResetTimeout', b.maxResetTimeout, `a number of ms in [resetTimeout, ${MAX_DELAY_MS}]`, (v) => isDelay(v) && v >= b.resetTimeout),
      halfOpenProbes: check('circuitBreaker.halfOpenProbes', b.halfOpenProbes, `an integer in [1, ${MAX_WINDOW}]`, (v) => isCount(v) && v >= 1 && v <= MAX_WINDOW),
      halfOpenTimeout: check('circuitBreaker.halfOpenTimeout', b.halfOpenTimeout, POSITIVE_DELAY, isPositiveDelay),
    });
    this.options = Object.freeze(o.circuitBreaker === undefined ? o : { ...o, circuitBreaker: Object.freeze(cb) });
  }

  /** The same recovery with some options replaced (a connection's own retryAttempts/retryDelay). */
  with(overrides: Partial<GracefulErrorRecoveryOptions>): GracefulErrorRecovery {
    const merged = { ...this.options, ...overrides };
    if (merged.maxRetryDelay !== undefined && merged.retryDelay !== undefined && merged.maxRetryDelay < merged.retryDelay) merged.maxRetryDelay = merged.retryDelay;
    return new GracefulErrorRecovery(merged);
  }

  retryDelayFor(k: number): number {
    return backoffDelay(k, this, this.jitter === 0 ? 0 : this.u());
  }

  // The caller's random source runs inside a retry: if it throws, the delay has no jitter
  // rather than the retry being lost to an exception (backoffDelay also ignores u outside [0, 1)).
  private u(): number {
    try {
      return this.random();
    } catch {
      return 0;
    }
  }

  isRetryable(error: unknown): boolean {
    return this.retryable(error);
  }
}

const isCount = (v: number) => Number.isInteger(v) && v >= 0;
const isPositiveDelay = (v: number) => isDelay(v) && v > 0;
const POSITIVE_DELAY = `a number of ms in (0, ${MAX_DELAY_MS}] (timers cannot wait longer)`;
// The breaker keeps a window of this many outcomes: bounded so a typo cannot allocate gigabytes.
const MAX_WINDOW = 100_000;

/** Validates one numeric option, throwing a ConfigError naming it. @internal */
export function check(field: string, v: unknown, allowed: string, ok: (v: number) => boolean): number {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ConfigError(field, allowed, v);
  return v;
}

function fn<F>(field: string, f: F): F {
  if (typeof f !== 'function') throw new ConfigError(field, 'a function', f);
  return f;
}
