import { MAX_DELAY_MS, isDelay } from '../../clock.js';
import { MAX_BUFFER_SIZE } from '../../config.js';

/**
 * One config key's rule: null when the value is fine, else what is wrong with it.
 *
 * @example
 * ```ts
 * const rule: ConfigRule = positive;
 * rule(-1); // 'must be a finite number > 0'
 * ```
 */
export type ConfigRule = (v: unknown) => string | null;

/**
 * Checks a node config against its rules: one message per problem, unknown keys included.
 *
 * @example
 * ```ts
 * checkConfig({ count: -1, x: 1 }, { count }); // ["unknown config key 'x' (known: count)", 'count must be an integer >= 0']
 * ```
 * @internal
 */
export function checkConfig(c: Readonly<Record<string, unknown>>, rules: Record<string, ConfigRule>): string[] {
  const problems: string[] = [];
  // Own keys only: `key in` would let 'toString' or 'constructor' through.
  for (const key of Object.keys(c)) if (!Object.hasOwn(rules, key)) problems.push(`unknown config key '${key}' (known: ${Object.keys(rules).join(', ') || 'none'})`);
  for (const [key, rule] of Object.entries(rules)) {
    if (c[key] === undefined) continue;
    const p = rule(c[key]);
    if (p) problems.push(`${key} ${p}`);
  }
  return problems;
}

/** @internal @example `positive(0) // 'must be a finite number > 0'` */
export const positive: ConfigRule = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'must be a finite number > 0');
/** @internal @example `count(1.5) // 'must be an integer >= 0'` */
export const count: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : 'must be an integer >= 0');
/** @internal @example `atLeastOne(0) // 'must be an integer >= 1'` */
export const atLeastOne: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? null : 'must be an integer >= 1');
/** @internal @example `finite(NaN) // 'must be a finite number'` */
export const finite: ConfigRule = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a finite number');
/** @internal @example `text('') // 'must be a non-empty string'` */
export const text: ConfigRule = (v) => (typeof v === 'string' && v.length > 0 ? null : 'must be a non-empty string');
/** @internal @example `oneOf(['a', 'b'])('c') // 'must be one of a, b'` */
export const oneOf =
  (xs: readonly string[]): ConfigRule =>
  (v) =>
    typeof v === 'string' && xs.includes(v) ? null : `must be one of ${xs.join(', ')}`;
/** @internal @example `delay(2 ** 31) // 'must be a number of ms in (0, 2147483647]'` */
export const delay: ConfigRule = (v) => (isDelay(v) && v > 0 ? null : `must be a number of ms in (0, ${MAX_DELAY_MS}]`);
/** @internal @example `rate(1e-9) // 'must be a number of msg/s in [...]'` */
export const rate: ConfigRule = (v) =>
  // 1000 / rate ms between messages must be a delay a timer can honour.
  typeof v === 'number' && Number.isFinite(v) && v >= 1000 / MAX_DELAY_MS ? null : `must be a finite number of msg/s >= ${1000 / MAX_DELAY_MS}`;
/** @internal @example `size(0) // 'must be an integer in [1, 16777216]'` */
export const size: ConfigRule = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_BUFFER_SIZE ? null : `must be an integer in [1, ${MAX_BUFFER_SIZE}]`);
