/**
 * Pure maths of retries and the circuit breaker: no timers, no actors, so each rule of the
 * semantics is a property test over plain numbers (cockatiel's style of backoff generators).
 */

/**
 * Delay before retry `k` (k = 1, 2, ...): min(maxDelay, base x 2^(k-1)) x (1 + jitter x u),
 * with `u` in [0, 1). Never NaN, never negative; jitter 0 gives exact delays.
 *
 * @example
 * ```ts
 * backoffDelay(3, { retryDelay: 100, maxRetryDelay: 10_000, jitter: 0 }, 0.5); // 400
 * ```
 */
export function backoffDelay(
  k: number,
  o: { readonly retryDelay: number; readonly maxRetryDelay: number; readonly jitter: number },
  u: number,
): number {
  const exp = Math.min(o.maxRetryDelay, o.retryDelay * 2 ** Math.max(0, k - 1));
  const uu = u >= 0 && u < 1 ? u : 0;
  const d = exp * (1 + o.jitter * uu);
  return Number.isFinite(d) && d > 0 ? d : 0;
}

/**
 * Breaker bookkeeping that travels with a connection; a new object per change is not needed
 * on the hot path, so it is a small mutable record updated by the functions below.
 *
 * @example
 * ```ts
 * const state: BreakerState = { consecutiveFailures: 0, reopens: 0 };
 * ```
 */
export interface BreakerState {
  consecutiveFailures: number;
  /** How many times it opened since it last closed: drives the open-time backoff. */
  reopens: number;
}

/**
 * Circuit breaker settings. `consecutiveFailures` opens it; the open time starts at
 * `resetTimeout` and doubles on each re-open up to `maxResetTimeout`.
 *
 * @example
 * ```ts
 * const breaker: BreakerOptions = { consecutiveFailures: 5, resetTimeout: 1000, maxResetTimeout: 30_000, halfOpenProbes: 1 };
 * ```
 */
export interface BreakerOptions {
  readonly consecutiveFailures: number;
  readonly resetTimeout: number;
  readonly maxResetTimeout: number;
  readonly halfOpenProbes: number;
}

/**
 * Records one failed attempt; returns the open duration when the breaker must open, else null.
 *
 * @example
 * ```ts
 * const s = { consecutiveFailures: 0, reopens: 0 };
 * recordFailure(s, opts); // null until opts.consecutiveFailures failures in a row
 * ```
 */
export function recordFailure(s: BreakerState, o: BreakerOptions): number | null {
  s.consecutiveFailures++;
  if (s.consecutiveFailures < o.consecutiveFailures) return null;
  return openDuration(s, o);
}

/** The open duration for the next open, advancing the re-open count.  *
 * @example
 * ```ts
 * openDuration({ consecutiveFailures: 0, reopens: 2 }, DEFAULT_BREAKER); // 4000: 1000 x 2^2
 * ```
 */
export function openDuration(s: BreakerState, o: BreakerOptions): number {
  const d = Math.min(o.maxResetTimeout, o.resetTimeout * 2 ** s.reopens);
  s.reopens++;
  s.consecutiveFailures = 0;
  return d;
}

/** A success resets the run of failures (it never opens the breaker).  *
 * @example
 * ```ts
 * recordSuccess(state); // state.consecutiveFailures === 0
 * ```
 */
export function recordSuccess(s: BreakerState): void {
  s.consecutiveFailures = 0;
}

/** The breaker closed after its probes: the open-time backoff starts over.  *
 * @example
 * ```ts
 * resetBreaker(state); // the next open lasts resetTimeout again
 * ```
 */
export function resetBreaker(s: BreakerState): void {
  s.consecutiveFailures = 0;
  s.reopens = 0;
}
