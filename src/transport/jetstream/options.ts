import type { NatsConnection } from '@nats-io/transport-node';
import { NodeflowError, readOptions } from '../../errors.js';
import { checkInt, checkToken, runNames, type RunNames } from './names.js';

/**
 * Options of `jetStreamCarriers`: where the server is (a connection to share, or `servers` to
 * open one per carrier end), which run and edge, and the edge's `maxFrames` bound.
 *
 * @example
 * ```ts
 * const o: JetStreamCarrierOptions = { servers: ['nats://127.0.0.1:4222'], run: 'r1', edge: 'a-b', maxFrames: 20 };
 * ```
 */
export interface JetStreamCarrierOptions {
  readonly connection?: NatsConnection;
  readonly servers?: readonly string[];
  readonly run: string;
  readonly edge: string;
  /** Frames the edge may hold outstanding (producer) or in hand (consumer); the stream's per-subject bound. */
  readonly maxFrames: number;
  /** How long one publish waits for its PubAck before it is retried (same msg id); default 5000. */
  readonly publishTimeoutMs?: number;
  /** With frames outstanding and no hint for this long, the producer end reads the consumer's ack floor; default 1000. */
  readonly settlePollMs?: number;
  /** How long one pull request waits at the server for frames; default 2000. */
  readonly fetchExpiresMs?: number;
  /** Overrides the core NATS subject of settlement hints (default `nodeflow.hint.<run>.<edge>`). */
  readonly hintSubject?: string;
  /** Told about problems that lose nothing (a malformed frame terminated, a failed poll); default: ignored. */
  readonly onError?: (error: Error) => void;
}

/**
 * The options once checked, with defaults and the run's names. @internal
 *
 * @example
 * ```ts
 * const s = carrierSetup({ servers: ['nats://127.0.0.1:4222'], run: 'r', edge: 'e', maxFrames: 4 });
 * s.subject; // 'nodeflow.r.e'
 * ```
 */
export interface CarrierSetup {
  readonly source: { connection?: NatsConnection; servers?: readonly string[] };
  readonly names: RunNames;
  readonly edge: string;
  readonly subject: string;
  readonly deadLetterSubject: string;
  readonly hintSubject: string;
  readonly durable: string;
  readonly maxFrames: number;
  readonly publishTimeoutMs: number;
  readonly settlePollMs: number;
  readonly fetchExpiresMs: number;
  readonly onError: (error: Error) => void;
}

const KEYS = ['connection', 'servers', 'run', 'edge', 'maxFrames', 'publishTimeoutMs', 'settlePollMs', 'fetchExpiresMs', 'hintSubject', 'onError'];

/**
 * Validates `jetStreamCarriers` options (typed NodeflowErrors) and derives every name. @internal
 *
 * @example
 * ```ts
 * carrierSetup({ servers: [url], run: 'r', edge: 'a.b', maxFrames: 4 }); // throws INVALID_ARGUMENT
 * ```
 */
export function carrierSetup(options: JetStreamCarrierOptions): CarrierSetup {
  const o = readOptions(options, KEYS);
  const names = runNames(o.run as string);
  const edge = checkToken('edge', o.edge);
  if (!o.connection && (!Array.isArray(o.servers) || o.servers.length === 0 || !o.servers.every((s) => typeof s === 'string'))) {
    throw new NodeflowError('INVALID_ARGUMENT', 'jetStreamCarriers needs a connection or a non-empty servers list', { field: 'servers', value: o.servers });
  }
  if (o.hintSubject !== undefined && (typeof o.hintSubject !== 'string' || !/^[^\s*>]+$/.test(o.hintSubject))) {
    throw new NodeflowError('INVALID_ARGUMENT', 'hintSubject must be a subject without wildcards', { field: 'hintSubject', value: o.hintSubject });
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new NodeflowError('INVALID_ARGUMENT', 'onError must be a function', { field: 'onError' });
  return {
    source: o.connection ? { connection: o.connection } : { servers: o.servers as readonly string[] },
    names,
    edge,
    subject: names.subject(edge),
    deadLetterSubject: names.deadLetterSubject(edge),
    hintSubject: o.hintSubject ?? names.hintSubject(edge),
    durable: names.durable(edge),
    maxFrames: checkInt('maxFrames', o.maxFrames, 1, 1_000_000),
    publishTimeoutMs: checkInt('publishTimeoutMs', o.publishTimeoutMs ?? 5000, 10, 600_000),
    settlePollMs: checkInt('settlePollMs', o.settlePollMs ?? 1000, 10, 600_000),
    fetchExpiresMs: checkInt('fetchExpiresMs', o.fetchExpiresMs ?? 2000, 1000, 600_000),
    onError: o.onError ?? (() => undefined),
  };
}
