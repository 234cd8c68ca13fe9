import { ConfigError, readOptions } from './errors.js';
import type { StreamMessage } from './message.js';
import { DELAY_ALLOWED, isDelay } from './clock.js';

/**
 * Per-connection flow settings, with the spec's names and defaults. Exact meaning of each knob:
 * docs/semantics.md.
 *
 * @example
 * ```ts
 * const engine = new StreamEngine({ bufferSize: 2000, maxBatchSize: 100 });
 * ```
 */
export interface StreamConfig {
  /** Hard bound on messages a connection holds (default 1000). */
  bufferSize: number;
  /** Longest wait, in ms, of a batch's first message before the batch is flushed (default 16). */
  batchTimeout: number;
  /**
   * When a partial batch leaves (default `'adaptive'`): `'adaptive'` cuts it at the end of the
   * task its first message arrived in, or when the batch out settles, so latency does not add
   * up hop after hop at low rates; `'fixed'` holds it until `batchTimeout` (fewer, fuller
   * batches at mid rates). Full batches leave at once either way. Rule: docs/semantics.md.
   */
  batching: BatchingMode;
  /** Most messages in one batch (default 50). */
  maxBatchSize: number;
  /** Occupancy ratio in (0, 1] at which the connection becomes `backpressured` (default 0.8). */
  backpressureThreshold: number;
  /**
   * Occupancy ratio in [0, backpressureThreshold) at or below which it flows again (default
   * 0.5; half the threshold when the threshold is set at or below 0.5 without it).
   */
  lowWatermark: number;
  /** Retries after a failed delivery, so at most 1 + retryAttempts attempts (default 3). */
  retryAttempts: number;
  /** Delay in ms before the first retry; doubles on each further retry (default 100). */
  retryDelay: number;
  /** What a full buffer does with one more message (default `'backpressure'`). */
  overflowStrategy: OverflowStrategy;
  /** With `'conflate'`: the identity of a message (default `message.key`). */
  conflateKey?: (message: StreamMessage) => unknown;
}

/**
 * Akka Streams' overflow strategies (exact meaning in the flow-control semantics):
 * `backpressure` never sheds (writers wait, `offer` returns `'full'`); `dropHead` evicts the
 * oldest; `dropTail` evicts the youngest buffered; `dropBuffer` clears the buffer; `dropNew`
 * drops the incoming; `fail` fails the connection; `conflate` keeps only the newest message per
 * key (and evicts the oldest when full).
 *
 * @example
 * ```ts
 * engine.createConnection('sensor', 'chart', 'out', 'in', { overflowStrategy: 'dropHead' });
 * ```
 */
export type OverflowStrategy = 'backpressure' | 'dropHead' | 'dropTail' | 'dropBuffer' | 'dropNew' | 'fail' | 'conflate';

/**
 * How a connection cuts partial batches: `'adaptive'` (deliver as soon as the producer's task
 * ends and nothing is out) or `'fixed'` (wait out `batchTimeout`).
 *
 * @example
 * ```ts
 * engine.createConnection('sensor', 'log', 'out', 'in', { batching: 'fixed' });
 * ```
 */
export type BatchingMode = 'adaptive' | 'fixed';

/**
 * Every overflow strategy name.
 *
 * @example
 * ```ts
 * OVERFLOW_STRATEGIES.includes('dropHead'); // true
 * ```
 */
export const OVERFLOW_STRATEGIES: readonly OverflowStrategy[] = Object.freeze(['backpressure', 'dropHead', 'dropTail', 'dropBuffer', 'dropNew', 'fail', 'conflate']);

/**
 * The defaults of {@link StreamConfig}.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_STREAM_CONFIG.bufferSize); // 1000
 * ```
 */
export const DEFAULT_STREAM_CONFIG: Readonly<StreamConfig> = Object.freeze({
  bufferSize: 1000,
  batchTimeout: 16,
  batching: 'adaptive',
  maxBatchSize: 50,
  backpressureThreshold: 0.8,
  lowWatermark: 0.5,
  retryAttempts: 3,
  retryDelay: 100,
  overflowStrategy: 'backpressure',
});

type Check = (v: number, c: StreamConfig) => boolean;
const CONFIG_KEYS: readonly string[] = [...Object.keys(DEFAULT_STREAM_CONFIG), 'conflateKey'];
/**
 * The largest buffer a connection or widget may have: 2^24 messages, far past any real buffer,
 * well inside what an array can hold.
 *
 * @example
 * ```ts
 * validateStreamConfig({ bufferSize: MAX_BUFFER_SIZE + 1 }); // throws ConfigError (bufferSize)
 * ```
 * @internal
 */
export const MAX_BUFFER_SIZE = 2 ** 24;
type NumericField = 'bufferSize' | 'batchTimeout' | 'maxBatchSize' | 'backpressureThreshold' | 'lowWatermark' | 'retryAttempts' | 'retryDelay';
const isInt = (v: number) => Number.isInteger(v);
const RULES: ReadonlyArray<readonly [NumericField, string, Check]> = [
  // An upper bound keeps a typo (1e12) from reserving a ring that can never be allocated.
  ['bufferSize', `an integer in [1, ${MAX_BUFFER_SIZE}]`, (v) => isInt(v) && v >= 1 && v <= MAX_BUFFER_SIZE],
  ['batchTimeout', DELAY_ALLOWED, isDelay],
  ['maxBatchSize', 'an integer in [1, bufferSize]', (v, c) => isInt(v) && v >= 1 && v <= c.bufferSize],
  ['backpressureThreshold', 'a number in (0, 1]', (v) => v > 0 && v <= 1],
  ['lowWatermark', 'a number in [0, backpressureThreshold)', (v, c) => v >= 0 && v < c.backpressureThreshold],
  ['retryAttempts', 'an integer in [0, 1000]', (v) => isInt(v) && v >= 0 && v <= 1000],
  ['retryDelay', DELAY_ALLOWED, isDelay],
];

/**
 * Merges `overrides` over `base` (the defaults unless given) and checks every field; throws a
 * {@link ConfigError} naming the first bad field and its allowed range. Unknown keys are refused
 * too, so a typo never silently falls back to a default.
 *
 * @example
 * ```ts
 * const config = validateStreamConfig({ bufferSize: 200, maxBatchSize: 10 });
 * validateStreamConfig({ backpressureThreshold: 1.5 }); // throws ConfigError (field 'backpressureThreshold')
 * ```
 */
export function validateStreamConfig(
  overrides: Partial<StreamConfig> = {},
  base: Readonly<StreamConfig> = DEFAULT_STREAM_CONFIG,
): StreamConfig {
  if (overrides === null || typeof overrides !== 'object') {
    throw new ConfigError('config', 'an object of StreamConfig fields', overrides);
  }
  // One read of the caller's object (own keys only, so 'toString' or 'constructor' are typos
  // too); every check below reads the copy, so a getter cannot change a value after its check.
  const o = readOptions(overrides, CONFIG_KEYS);
  const merged = { ...base, ...stripUndefined(o) };
  // An inherited low watermark that no longer sits below a newly lowered threshold follows it
  // (half the threshold), so { backpressureThreshold: 0.4 } alone is valid.
  if (o.lowWatermark === undefined && merged.lowWatermark >= merged.backpressureThreshold) {
    merged.lowWatermark = merged.backpressureThreshold / 2;
  }
  // Likewise an inherited maxBatchSize shrinks to a smaller bufferSize ({ bufferSize: 10 } alone).
  if (o.maxBatchSize === undefined && Number.isInteger(merged.bufferSize) && merged.bufferSize >= 1 && merged.maxBatchSize > merged.bufferSize) {
    merged.maxBatchSize = merged.bufferSize;
  }
  for (const [field, allowed, ok] of RULES) {
    const value = merged[field];
    if (typeof value !== 'number' || Number.isNaN(value) || !ok(value, merged)) {
      throw new ConfigError(field, allowed, value);
    }
  }
  if (typeof merged.overflowStrategy !== 'string' || !OVERFLOW_STRATEGIES.includes(merged.overflowStrategy)) {
    throw new ConfigError('overflowStrategy', OVERFLOW_STRATEGIES.map((x) => `'${x}'`).join(' | '), merged.overflowStrategy);
  }
  if (merged.batching !== 'adaptive' && merged.batching !== 'fixed') {
    throw new ConfigError('batching', "'adaptive' | 'fixed'", merged.batching);
  }
  if (merged.conflateKey !== undefined && typeof merged.conflateKey !== 'function') {
    throw new ConfigError('conflateKey', 'a function (message) => key', merged.conflateKey);
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * The spec's tuning preset for high-frequency data (~120 fps flushes, bigger batches).
 *
 * @example
 * ```ts
 * engine.createConnection('sensor', 'chart', 'out', 'in', HIGH_FREQUENCY_CONFIG);
 * ```
 */
export const HIGH_FREQUENCY_CONFIG: Readonly<Partial<StreamConfig>> = Object.freeze({
  bufferSize: 2000,
  batchTimeout: 8,
  maxBatchSize: 100,
  backpressureThreshold: 0.7,
});

/**
 * The spec's tuning preset for low latency (~250 fps flushes, small batches).
 *
 * @example
 * ```ts
 * const engine = new StreamEngine(LOW_LATENCY_CONFIG);
 * ```
 */
export const LOW_LATENCY_CONFIG: Readonly<Partial<StreamConfig>> = Object.freeze({
  bufferSize: 500,
  batchTimeout: 4,
  maxBatchSize: 20,
  backpressureThreshold: 0.9,
});

/**
 * The spec's tuning preset for memory-constrained environments.
 *
 * @example
 * ```ts
 * const engine = new StreamEngine(MEMORY_CONSTRAINED_CONFIG);
 * ```
 */
export const MEMORY_CONSTRAINED_CONFIG: Readonly<Partial<StreamConfig>> = Object.freeze({
  bufferSize: 200,
  batchTimeout: 50,
  maxBatchSize: 10,
  backpressureThreshold: 0.6,
});

/**
 * The three presets by the names the spec gives them.
 *
 * @example
 * ```ts
 * const engine = new StreamEngine(STREAM_PRESETS['low-latency']);
 * ```
 */
export const STREAM_PRESETS = Object.freeze({
  'high-frequency': HIGH_FREQUENCY_CONFIG,
  'low-latency': LOW_LATENCY_CONFIG,
  'memory-constrained': MEMORY_CONSTRAINED_CONFIG,
});
