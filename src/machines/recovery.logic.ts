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
  // The cap holds after jitter too ("never above the cap").
  const d = Math.min(o.maxRetryDelay, exp * (1 + o.jitter * uu));
  return Number.isFinite(d) && d > 0 ? d : 0;
}

/**
 * Circuit breaker settings. It opens when, over the last `windowSize` attempts, at least
 * `minimumThroughput` were seen and the failure rate is >= `failureRateThreshold`, or after
 * `consecutiveFailures` failures in a row. The open time starts at `resetTimeout` and doubles on
 * each re-open up to `maxResetTimeout`; half-open lets `halfOpenProbes` batches through and
 * lasts at most `halfOpenTimeout`.
 *
 * @example
 * ```ts
 * const breaker: BreakerOptions = { ...DEFAULT_BREAKER, consecutiveFailures: 3 };
 * ```
 */
export interface BreakerOptions {
  readonly consecutiveFailures: number;
  readonly windowSize: number;
  readonly minimumThroughput: number;
  readonly failureRateThreshold: number;
  readonly resetTimeout: number;
  /** The cap on the doubling open time. Left out of `circuitBreaker`: 30000, or `resetTimeout` when that is larger. */
  readonly maxResetTimeout: number;
  readonly halfOpenProbes: number;
  readonly halfOpenTimeout: number;
}

/**
 * Breaker bookkeeping of one connection: a small mutable record (updated once per delivery
 * attempt, so no allocation per batch), with the sliding window as a ring of outcomes.
 *
 * @example
 * ```ts
 * const state: BreakerState = createBreakerState(DEFAULT_BREAKER);
 * ```
 */
export interface BreakerState {
  consecutiveFailures: number;
  /** How many times it opened since it last closed: drives the open-time backoff. */
  reopens: number;
  /**
   * The last windowSize outcomes, 1 = failure; null while every outcome so far succeeded (an
   * all-zero window needs no storage, and most connections never fail).
   */
  window: Uint8Array | null;
  readonly windowSize: number;
  windowPos: number;
  windowCount: number;
  windowFailures: number;
}

/**
 * A fresh, closed breaker.
 *
 * @example
 * ```ts
 * const s = createBreakerState({ ...DEFAULT_BREAKER, windowSize: 10 });
 * ```
 */
export function createBreakerState(o: BreakerOptions): BreakerState {
  return { consecutiveFailures: 0, reopens: 0, window: null, windowSize: o.windowSize, windowPos: 0, windowCount: 0, windowFailures: 0 };
}

function push(s: BreakerState, failed: 0 | 1): void {
  const size = s.windowSize;
  if (failed === 1 && s.window === null) s.window = new Uint8Array(size);
  const w = s.window;
  if (s.windowCount === size) s.windowFailures -= w === null ? 0 : w[s.windowPos]!;
  else s.windowCount++;
  if (w !== null) w[s.windowPos] = failed;
  s.windowFailures += failed;
  s.windowPos = s.windowPos + 1 === size ? 0 : s.windowPos + 1;
}

/**
 * The failure rate over the window, or 0 below minimumThroughput (a single failure is never a
 * 100% rate).
 *
 * @example
 * ```ts
 * failureRate(state, DEFAULT_BREAKER); // 0..1
 * ```
 */
export function failureRate(s: BreakerState, o: BreakerOptions): number {
  return s.windowCount < o.minimumThroughput ? 0 : s.windowFailures / s.windowCount;
}

/**
 * Records a failure that arrived while the breaker was already open (a result from before the
 * open): it counts in the window and the run, but never opens it again or advances the backoff.
 *
 * @example
 * ```ts
 * recordLateFailure(state);
 * ```
 */
export function recordLateFailure(s: BreakerState): void {
  s.consecutiveFailures++;
  push(s, 1);
}

/**
 * Records one failed attempt; returns the open duration when the breaker must open, else null.
 *
 * @example
 * ```ts
 * const s = createBreakerState(DEFAULT_BREAKER);
 * recordFailure(s, DEFAULT_BREAKER); // null until 5 in a row, or a 50% rate over >= 10 attempts
 * ```
 */
export function recordFailure(s: BreakerState, o: BreakerOptions): number | null {
  s.consecutiveFailures++;
  push(s, 1);
  if (s.consecutiveFailures < o.consecutiveFailures && failureRate(s, o) < o.failureRateThreshold) return null;
  return openDuration(s, o);
}

/**
 * The open duration for the next open (resetTimeout x 2^reopens, capped), advancing the count.
 *
 * @example
 * ```ts
 * openDuration({ ...createBreakerState(DEFAULT_BREAKER), reopens: 2 }, DEFAULT_BREAKER); // 4000
 * ```
 */
export function openDuration(s: BreakerState, o: BreakerOptions): number {
  const d = Math.min(o.maxResetTimeout, o.resetTimeout * 2 ** s.reopens);
  s.reopens++;
  s.consecutiveFailures = 0;
  return d;
}

/**
 * Records one successful attempt: it ends the run of failures and never opens the breaker.
 *
 * @example
 * ```ts
 * recordSuccess(state); // state.consecutiveFailures === 0
 * ```
 */
export function recordSuccess(s: BreakerState): void {
  s.consecutiveFailures = 0;
  push(s, 0);
}

/**
 * The breaker closed: the window, the failure run and the open-time backoff start over.
 *
 * @example
 * ```ts
 * resetBreaker(state); // the next open lasts resetTimeout again
 * ```
 */
export function resetBreaker(s: BreakerState): void {
  s.consecutiveFailures = 0;
  s.reopens = 0;
  s.window?.fill(0);
  s.windowPos = 0;
  s.windowCount = 0;
  s.windowFailures = 0;
}
