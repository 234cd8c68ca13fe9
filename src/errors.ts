/**
 * Every error nodeflow throws on purpose carries a stable `code`, so callers can branch on it
 * without parsing messages, and a `details` object naming what was wrong.
 *
 * @example
 * ```ts
 * try {
 *   engine.createConnection('a', 'a', 'out', 'in');
 * } catch (err) {
 *   if (err instanceof NodeflowError && err.code === 'SELF_CONNECTION') console.warn(err.message);
 * }
 * ```
 */
export type NodeflowErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_MESSAGE'
  | 'UNKNOWN_CONNECTION'
  | 'UNKNOWN_NODE'
  | 'UNKNOWN_WIDGET'
  | 'CONNECTION_CLOSED'
  | 'SELF_CONNECTION'
  | 'DUPLICATE_CONNECTION'
  | 'DUPLICATE_ID'
  | 'BUFFER_FULL'
  | 'CONNECTION_FAILED'
  | 'DELIVERY_TIMEOUT'
  | 'RETRY_CHECK_FAILED'
  | 'TARGET_STOPPED'
  | 'ENGINE_STOPPED'
  | 'INVALID_ARGUMENT'
  | 'INVALID_DEBUG_DATA'
  | 'MISSING_DEPENDENCY'
  // Recording stores (issue 18), see docs/recording.md "The file log".
  | 'NOT_A_LOG'
  | 'LOG_VERSION'
  | 'LOG_CORRUPT'
  | 'LOG_WRITE_FAILED'
  /** A read or replay starts outside what a record log holds (never held, or deleted by retention). */
  | 'OUT_OF_RANGE'
  // Nodes on worker threads (issue 19), see docs/threads.md.
  /** A thread pool was released or closed with the batch unfinished. */
  | 'THREAD_POOL_CLOSED'
  /** A batch's worker died (crash, `process.exit`) more often than the pool's `maxCrashes`. */
  | 'THREAD_WORKER_DIED'
  /** A function given by its source text cannot run on a worker: not self-contained, or not a plain function. */
  | 'THREAD_FUNCTION_NOT_PORTABLE';

/**
 * The one error class of the library. `code` is stable; `message` is for people.
 *
 * @example
 * ```ts
 * throw new NodeflowError('INVALID_CONFIG', 'bufferSize must be an integer >= 1', { field: 'bufferSize' });
 * ```
 */
export class NodeflowError extends Error {
  override readonly name: string = 'NodeflowError';
  constructor(
    readonly code: NodeflowErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/**
 * Thrown for a configuration value outside its allowed range; `field` and `allowed` say which
 * and what would have been accepted.
 *
 * @example
 * ```ts
 * try { validateStreamConfig({ bufferSize: -1 }); }
 * catch (err) { if (err instanceof ConfigError) console.log(err.field, err.allowed); }
 * ```
 */
export class ConfigError extends NodeflowError {
  override readonly name: string = 'ConfigError';
  constructor(
    readonly field: string,
    readonly allowed: string,
    readonly value: unknown,
  ) {
    super('INVALID_CONFIG', `Invalid config: ${field} = ${describe(value)}; allowed: ${allowed}`, {
      field,
      allowed,
      value,
    });
  }
}

/**
 * Reads an option bag once, safely: a plain copy of its own enumerable keys, so later checks
 * never touch the caller's object again (a getter that throws, a revoked proxy, or a value that
 * changes between two reads cannot get past validation). Throws a ConfigError for a
 * non-object, an unreadable object, or the first key not in `allowed` (typos never pass
 * silently; own keys only, so `toString` or `constructor` are typos too; `null`: any key,
 * for a record such as a port map). @internal
 */
export function readOptions<T extends object>(options: T | undefined, allowed: readonly string[] | null, prefix = ''): Partial<T> {
  if (options === undefined) return {};
  const what = prefix ? prefix.slice(0, -1) : 'options';
  if (options === null || typeof options !== 'object') throw new ConfigError(what, 'an object', options);
  const copy: Record<string, unknown> = {};
  let keys: string[];
  // Array.isArray and Object.keys both throw on a revoked proxy: one try covers the two.
  try {
    if (Array.isArray(options)) throw new ConfigError(what, 'an object', options);
    keys = Object.keys(options);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(what, 'an object whose keys can be read', options);
  }
  for (const key of keys) {
    if (allowed !== null && !allowed.includes(key)) throw new ConfigError(prefix + key, `one of ${allowed.join(', ')}`, safeRead(options, key));
    try {
      copy[key] = (options as Record<string, unknown>)[key];
    } catch {
      throw new ConfigError(prefix + key, 'a value that can be read (its getter threw)', undefined);
    }
  }
  return copy as Partial<T>;
}

function safeRead(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Short, safe rendering of a bad value for an error message; never throws. @internal */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return typeof value;
  try {
    return Array.isArray(value) ? 'an array' : 'an object';
  } catch {
    return 'a revoked proxy';
  }
}

/**
 * The message of a thrown value, for logs and events: `error.message` for an Error, a safe
 * rendering of anything else. Never throws, whatever was thrown (a null-prototype object, a
 * throwing getter, a revoked proxy). @internal
 */
export function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
    if (typeof error === 'string') return error;
    return describe(error);
  } catch {
    return 'an unreadable thrown value';
  }
}
