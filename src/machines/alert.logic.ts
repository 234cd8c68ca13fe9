/**
 * Hysteresis and cooldown of one alert (one rule on one subject), as pure functions: fire when
 * the value has stayed above `threshold` for `forMs`; resolve only when it falls to
 * `clearBelow` (below the threshold, so a value wobbling around the threshold does not flap);
 * after resolving, stay quiet for `cooldownMs` even if it crosses again.
 *
 * @example
 * ```ts
 * let s = INITIAL_ALERT_STATE;
 * const p = { threshold: 100, clearBelow: 80, forMs: 0, cooldownMs: 1000 };
 * const r = stepAlert(s, 120, 0, p); // r.change === 'fire'
 * ```
 */
export interface AlertTiming {
  readonly threshold: number;
  readonly clearBelow: number;
  readonly forMs: number;
  readonly cooldownMs: number;
}

/**
 * Where one alert stands: firing or not, since when the value has been over the threshold, and
 * when it last resolved.
 *
 * @example
 * ```ts
 * const s: AlertState = INITIAL_ALERT_STATE;
 * ```
 */
export interface AlertState {
  readonly firing: boolean;
  /** When the value went over the threshold (-1: it is not over). */
  readonly overSince: number;
  /** When the alert last resolved (-Infinity: never). */
  readonly resolvedAt: number;
}

/**
 * The state of an alert that never fired.
 *
 * @example
 * ```ts
 * const s = INITIAL_ALERT_STATE; // not firing, never resolved
 * ```
 */
export const INITIAL_ALERT_STATE: AlertState = { firing: false, overSince: -1, resolvedAt: -Infinity };

/**
 * One evaluation: the next state and whether the alert fired or resolved on this step. A null
 * value (nothing to measure yet) keeps a firing alert firing and restarts a pending one.
 *
 * @example
 * ```ts
 * const { state, change } = stepAlert(INITIAL_ALERT_STATE, 5, 1000, { threshold: 1, clearBelow: 0.5, forMs: 0, cooldownMs: 0 });
 * // change === 'fire'
 * ```
 */
export function stepAlert(s: AlertState, value: number | null, now: number, t: AlertTiming): { state: AlertState; change: 'fire' | 'resolve' | null } {
  if (value === null || Number.isNaN(value)) return { state: s.firing ? s : { ...s, overSince: -1 }, change: null };
  if (s.firing) {
    if (value > t.clearBelow) return { state: s, change: null };
    return { state: { firing: false, overSince: -1, resolvedAt: now }, change: 'resolve' };
  }
  if (value <= t.threshold) return { state: s.overSince < 0 ? s : { ...s, overSince: -1 }, change: null };
  const overSince = s.overSince < 0 ? now : s.overSince;
  if (now - overSince < t.forMs || now - s.resolvedAt < t.cooldownMs) return { state: { ...s, overSince }, change: null };
  return { state: { firing: true, overSince, resolvedAt: s.resolvedAt }, change: 'fire' };
}
