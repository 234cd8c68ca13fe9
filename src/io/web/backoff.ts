/**
 * The delay before reconnect attempt `attempt` (0-based): doubling from `minMs`, capped at
 * `maxMs`, with up to 20% jitter (drawn from `random`) so many clients do not return at once.
 * Pure: the caller owns the attempt count and the timer.
 *
 * @example
 * ```ts
 * backoffDelay(0, 100, 5000, () => 0); // 100
 * backoffDelay(10, 100, 5000, () => 0); // 5000
 * ```
 * @internal
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - 0.2 * random()));
}
