/**
 * Duck-typing checks for objects a caller hands in (a clock, a probe, a handler): they read
 * the caller's object inside a try, so a throwing getter or a revoked proxy answers "no" and
 * the caller gets a ConfigError instead of the getter's own error.
 */

/**
 * Does `value` have a function under each of `names`? Never throws.
 *
 * @example
 * ```ts
 * hasMethods(clock, ['now', 'setTimeout', 'clearTimeout']); // true for realClock
 * hasMethods(new Proxy({}, { get() { throw new Error(); } }), ['now']); // false
 * ```
 * @internal
 */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    for (const name of names) if (typeof (value as Record<string, unknown>)[name] !== 'function') return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * `value instanceof ctor`, false where the check throws (a revoked proxy has no prototype to
 * read). Never throws.
 *
 * @example
 * ```ts
 * isInstance(options.streamEngine, StreamEngine); // false for a revoked proxy, not a TypeError
 * ```
 * @internal
 */
export function isInstance<T>(value: unknown, ctor: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof ctor;
  } catch {
    return false;
  }
}
