import { atLeastOne, checkConfig, delay, oneOf, text, type ConfigRule } from '../../actors/workflow/config-rules.js';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../payload.js';
import type { InvalidPolicy } from '../faults.js';

type Config = Readonly<Record<string, unknown>>;

const servers: ConfigRule = (v) => {
  const list = typeof v === 'string' ? [v] : v;
  return Array.isArray(list) && list.length > 0 && list.every((s) => typeof s === 'string' && s.length > 0) ? null : 'must be a server url or a non-empty list of them';
};

// NATS subjects: dot-separated non-empty tokens without spaces; `*` is one token, `>` the rest.
function subjectProblem(v: unknown, wildcards: boolean): string | null {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  const tokens = v.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.length === 0 || /\s/.test(t)) return `'${v}' is not a NATS subject (empty token or whitespace)`;
    if ((t.includes('*') || t.includes('>')) && !wildcards) return `'${v}' has a wildcard; a publish subject must be literal`;
    if ((t.includes('*') && t !== '*') || (t.includes('>') && t !== '>')) return `'${v}': a wildcard must be a whole token`;
    if (t === '>' && i !== tokens.length - 1) return `'${v}': '>' must be the last token`;
  }
  return null;
}

const MODES = ['core', 'jetstream'] as const;
const COMMON = { servers, mode: oneOf(MODES), format: oneOf(PAYLOAD_FORMATS) };

/** The `nats in` config with its defaults applied. @internal */
export interface NatsInConfig {
  readonly servers: readonly string[];
  readonly subject: string;
  readonly mode: 'core' | 'jetstream';
  readonly stream: string | undefined;
  readonly durable: string | undefined;
  readonly queue: string | undefined;
  readonly format: PayloadFormat;
  readonly maxPayloadBytes: number;
  readonly onInvalid: InvalidPolicy;
  readonly batch: number;
  readonly maxAckPending: number;
  readonly ackWaitMs: number;
  readonly holdLimit: number;
}

/** The config problems of a `nats in` node (none: valid). @internal */
export function checkNatsIn(c: Config): string[] {
  const problems = checkConfig(c, {
    ...COMMON,
    subject: (v) => subjectProblem(v, true),
    stream: text,
    durable: (v) => (typeof v === 'string' && /^[^.*>\s]+$/.test(v) ? null : 'must be a name without dots, wildcards or whitespace'),
    queue: text,
    maxPayloadBytes: atLeastOne,
    onInvalid: oneOf(['drop', 'error']),
    batch: atLeastOne,
    maxAckPending: atLeastOne,
    ackWaitMs: delay,
    holdLimit: atLeastOne,
  });
  if (c.servers === undefined) problems.push('servers is required');
  if (c.subject === undefined) problems.push('subject is required');
  if (c.mode === 'jetstream') {
    if (c.stream === undefined) problems.push("stream is required with mode 'jetstream'");
    if (c.durable === undefined) problems.push("durable (the consumer's name) is required with mode 'jetstream'");
    if (c.queue !== undefined) problems.push("queue is for mode 'core' (JetStream consumers share a durable instead)");
  } else {
    for (const k of ['stream', 'durable', 'batch', 'maxAckPending', 'ackWaitMs']) if (c[k] !== undefined) problems.push(`${k} is for mode 'jetstream'`);
  }
  return problems;
}

/** Reads a checked `nats in` config with its defaults. @internal */
export function natsInConfig(c: Config): NatsInConfig {
  const maxAckPending = (c.maxAckPending as number | undefined) ?? 1024;
  return {
    servers: typeof c.servers === 'string' ? [c.servers] : (c.servers as string[]),
    subject: c.subject as string,
    mode: (c.mode as 'core' | 'jetstream' | undefined) ?? 'core',
    stream: c.stream as string | undefined,
    durable: c.durable as string | undefined,
    queue: c.queue as string | undefined,
    format: (c.format as PayloadFormat | undefined) ?? 'json',
    maxPayloadBytes: (c.maxPayloadBytes as number | undefined) ?? 1 << 20,
    onInvalid: (c.onInvalid as InvalidPolicy | undefined) ?? 'drop',
    batch: Math.min((c.batch as number | undefined) ?? 256, maxAckPending),
    maxAckPending,
    ackWaitMs: (c.ackWaitMs as number | undefined) ?? 60_000,
    // JetStream: never more unacked (hence held) than maxAckPending, so the hold cannot overflow.
    holdLimit: (c.holdLimit as number | undefined) ?? (c.mode === 'jetstream' ? maxAckPending : 1000),
  };
}

/** The `nats out` config with its defaults applied. @internal */
export interface NatsOutConfig {
  readonly servers: readonly string[];
  readonly subject: string | undefined;
  readonly subjectField: string | undefined;
  readonly mode: 'core' | 'jetstream';
  readonly format: PayloadFormat;
  readonly msgIdField: string | undefined;
  readonly maxInFlight: number;
}

/** The config problems of a `nats out` node (none: valid). @internal */
export function checkNatsOut(c: Config): string[] {
  const problems = checkConfig(c, { ...COMMON, subject: (v) => subjectProblem(v, false), subjectField: text, msgIdField: text, maxInFlight: atLeastOne });
  if (c.servers === undefined) problems.push('servers is required');
  if ((c.subject === undefined) === (c.subjectField === undefined)) problems.push('exactly one of subject and subjectField is required');
  if (c.mode !== 'jetstream') for (const k of ['msgIdField', 'maxInFlight']) if (c[k] !== undefined) problems.push(`${k} is for mode 'jetstream'`);
  return problems;
}

/** Reads a checked `nats out` config with its defaults. @internal */
export function natsOutConfig(c: Config): NatsOutConfig {
  return {
    servers: typeof c.servers === 'string' ? [c.servers] : (c.servers as string[]),
    subject: c.subject as string | undefined,
    subjectField: c.subjectField as string | undefined,
    mode: (c.mode as 'core' | 'jetstream' | undefined) ?? 'core',
    format: (c.format as PayloadFormat | undefined) ?? 'json',
    msgIdField: c.msgIdField as string | undefined,
    maxInFlight: (c.maxInFlight as number | undefined) ?? 256,
  };
}

/** Whether `s` is a literal NATS subject (for `subjectField` values at publish time). @internal */
export const isPublishSubject = (s: unknown): s is string => subjectProblem(s, false) === null;
