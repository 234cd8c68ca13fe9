import type { NatsConnection } from '@nats-io/transport-node';
import { ConfigError, readOptions, type NodeflowError } from '../../errors.js';

/**
 * Retention of a JetStream log, enforced by the server (Limits retention, discard old): the
 * oldest batches go once the stream holds more than `maxBatches` messages (one per batch) or
 * `maxBytes`, or once they are older than `maxAgeMs` by the server's clock (when the server
 * stored them, not the batches' `at`).
 *
 * @example
 * ```ts
 * const retention: JetStreamRetention = { maxAgeMs: 3_600_000, maxBytes: 1 << 30 };
 * ```
 */
export interface JetStreamRetention {
  readonly maxAgeMs?: number;
  readonly maxBatches?: number;
  readonly maxBytes?: number;
}

/**
 * Options of `openJetStreamLog`: a connection to share (left open at `close()`) or `servers` to
 * open one, the stream's name, and how it keeps and sends batches. Defaults: subject
 * `nodeflow.record.<stream>`, no retention limit, 1 replica, 256 publishes in flight, 64 MiB
 * waiting, a failed publish retried for 30 s, errors to `console.warn`.
 *
 * @example
 * ```ts
 * const o: JetStreamLogOptions = { servers: 'nats://127.0.0.1:4222', stream: 'sensor', retention: { maxBatches: 100_000 } };
 * ```
 */
export interface JetStreamLogOptions {
  readonly connection?: NatsConnection;
  readonly servers?: string | readonly string[];
  /** The stream's name (letters, digits, `-`, `_`); created if missing. */
  readonly stream: string;
  /** The one subject the stream holds (no wildcards). */
  readonly subject?: string;
  readonly retention?: JetStreamRetention;
  /** Copies the server keeps (a cluster: 1, 3 or 5); only when the stream is created. */
  readonly replicas?: number;
  /** Publishes awaiting their PubAck at most; later appends wait in memory, in order. */
  readonly maxInFlight?: number;
  /** Appends waiting to be published beyond this are dropped and counted (bounded memory). */
  readonly maxPendingBytes?: number;
  /** How long a batch whose publish failed is retried before it is dropped (counted). */
  readonly retryMs?: number;
  /** How long one publish waits for its PubAck. */
  readonly publishTimeoutMs?: number;
  /** Batches one read asks the server for at a time. */
  readonly readBatches?: number;
  /** Every typed error the log reports instead of throwing: dropped batches. */
  readonly onError?: (error: NodeflowError) => void;
}

/**
 * The checked options with their defaults. @internal
 *
 * @example
 * ```ts
 * const o: ResolvedJetStreamOptions = resolveJetStreamOptions({ servers: url, stream: 'rec' });
 * ```
 */
export interface ResolvedJetStreamOptions {
  readonly source: { readonly connection: NatsConnection } | { readonly servers: readonly string[] };
  readonly stream: string;
  readonly subject: string;
  readonly retention: JetStreamRetention;
  readonly replicas: number;
  readonly maxInFlight: number;
  readonly maxPendingBytes: number;
  readonly retryMs: number;
  readonly publishTimeoutMs: number;
  readonly readBatches: number;
  readonly onError: (error: NodeflowError) => void;
}

const KEYS = ['connection', 'servers', 'stream', 'subject', 'retention', 'replicas', 'maxInFlight', 'maxPendingBytes', 'retryMs', 'publishTimeoutMs', 'readBatches', 'onError'];
const int = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

function intOption(field: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!int(v, min, max)) throw new ConfigError(field, `an integer in [${min}, ${max}]`, v);
  return v;
}

/**
 * Checks `openJetStreamLog` options (a `ConfigError` naming the first bad field, unknown keys
 * included) and fills in the defaults. @internal
 *
 * @example
 * ```ts
 * resolveJetStreamOptions({ servers: url, stream: 'a.b' }); // throws ConfigError (stream)
 * ```
 */
export function resolveJetStreamOptions(options: JetStreamLogOptions | undefined): ResolvedJetStreamOptions {
  if (options === undefined) throw new ConfigError('options', 'an object with stream and servers or connection', options);
  const o = readOptions(options, KEYS);
  if (typeof o.stream !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(o.stream)) throw new ConfigError('stream', 'a name of 1-64 letters, digits, - or _', o.stream);
  const subject = o.subject ?? `nodeflow.record.${o.stream}`;
  if (typeof subject !== 'string' || !/^[^\s*>.]+(\.[^\s*>.]+)*$/.test(subject)) throw new ConfigError('subject', 'a subject without wildcards or spaces', subject);
  let source: ResolvedJetStreamOptions['source'];
  if (o.connection !== undefined) {
    if (o.servers !== undefined) throw new ConfigError('servers', 'absent when a connection is given', o.servers);
    const c = o.connection as unknown as { request?: unknown; isClosed?: unknown } | null;
    if (typeof c !== 'object' || c === null || typeof c.request !== 'function' || typeof c.isClosed !== 'function') throw new ConfigError('connection', 'a NatsConnection', o.connection);
    source = { connection: o.connection };
  } else {
    const list = typeof o.servers === 'string' ? [o.servers] : o.servers;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) throw new ConfigError('servers', 'a server URL or a non-empty list of them (or give connection)', o.servers);
    source = { servers: [...(list as string[])] };
  }
  const r = readOptions(o.retention, ['maxAgeMs', 'maxBatches', 'maxBytes'], 'retention.');
  // The server holds max_age in ns as an int64: 2^53 ms is far past it, 1e12 ms (31 years) is not.
  intOption('retention.maxAgeMs', r.maxAgeMs, 1, 1e12, 0);
  intOption('retention.maxBatches', r.maxBatches, 1, Number.MAX_SAFE_INTEGER, 0);
  intOption('retention.maxBytes', r.maxBytes, 1024, Number.MAX_SAFE_INTEGER, 0);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new ConfigError('onError', 'a function', o.onError);
  return {
    source,
    stream: o.stream,
    subject,
    retention: r,
    replicas: intOption('replicas', o.replicas, 1, 5, 1),
    maxInFlight: intOption('maxInFlight', o.maxInFlight, 1, 65_536, 256),
    maxPendingBytes: intOption('maxPendingBytes', o.maxPendingBytes, 65_536, 2 ** 31, 64 * 1024 * 1024),
    retryMs: intOption('retryMs', o.retryMs, 0, 3_600_000, 30_000),
    publishTimeoutMs: intOption('publishTimeoutMs', o.publishTimeoutMs, 10, 600_000, 5000),
    readBatches: intOption('readBatches', o.readBatches, 1, 10_000, 512),
    onError: o.onError ?? ((e) => console.warn(`[nodeflow] ${e.message}`)),
  };
}
