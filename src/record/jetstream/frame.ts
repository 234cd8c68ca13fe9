import { NodeflowError } from '../../errors.js';
import type { RecordedBatch } from '../record-log.js';
import { decodeBody, encodeBody } from './body.js';

/**
 * Bytes of the fixed prefix: seq, at, the running maximum of at (float64 LE each), count (uint32 LE). @internal
 *
 * @example
 * ```ts
 * const body = data.subarray(PREFIX);
 * ```
 */
export const PREFIX = 28;

/**
 * What the prefix of one record message says, readable without decoding the body (a binary
 * search reads only these). `maxAt` is the largest `at` of this batch and every earlier one:
 * it never decreases, so `read({ at })` can binary-search it even if the clock stepped back.
 *
 * @example
 * ```ts
 * const p: FramePrefix = readPrefix(stored.data, 'rec');
 * ```
 */
export interface FramePrefix {
  readonly seq: number;
  readonly at: number;
  readonly maxAt: number;
  readonly count: number;
}

/**
 * One JetStream message per batch: a fixed 28-byte prefix, then the body (body.ts). A fixed
 * binary prefix rather than headers: nats.js parses headers into a map per message, the prefix
 * is four reads of a DataView, and a get of any one stored message (`STREAM.MSG.GET`) gives seq and time. @internal
 *
 * @example
 * ```ts
 * const data = encodeFrame(batch, maxAt);
 * ```
 */
export function encodeFrame(batch: RecordedBatch, maxAt: number): Uint8Array {
  const body = encodeBody(batch.messages);
  const out = new Uint8Array(PREFIX + body.length);
  const v = new DataView(out.buffer);
  v.setFloat64(0, batch.seq, true);
  v.setFloat64(8, batch.at, true);
  v.setFloat64(16, maxAt, true);
  v.setUint32(24, batch.messages.length, true);
  out.set(body, PREFIX);
  return out;
}

/**
 * The prefix of a stored record message; `NOT_A_LOG` for bytes that cannot be one. @internal
 *
 * @example
 * ```ts
 * readPrefix(m.data, 'rec').seq;
 * ```
 */
export function readPrefix(data: Uint8Array, stream: string): FramePrefix {
  if (data.length < PREFIX) throw notARecord(stream, `a message of ${data.length} bytes`);
  const v = new DataView(data.buffer, data.byteOffset, PREFIX);
  const seq = v.getFloat64(0, true);
  const count = v.getUint32(24, true);
  if (!Number.isSafeInteger(seq) || seq < 1 || count < 1) throw notARecord(stream, `a prefix with seq ${seq} and count ${count}`);
  return { seq, at: v.getFloat64(8, true), maxAt: v.getFloat64(16, true), count };
}

/**
 * The batch a stored record message holds. @internal
 *
 * @example
 * ```ts
 * const batch = decodeFrame(m.data, 'rec');
 * ```
 */
export function decodeFrame(data: Uint8Array, stream: string): RecordedBatch {
  const p = readPrefix(data, stream);
  let messages;
  try {
    messages = decodeBody(data.subarray(PREFIX));
  } catch (e) {
    throw notARecord(stream, `a body that does not decode (${(e as Error).message})`);
  }
  if (messages.length !== p.count) throw notARecord(stream, `a body of ${messages.length} messages where the prefix says ${p.count}`);
  return { seq: p.seq, at: p.at, messages };
}

function notARecord(stream: string, what: string): NodeflowError {
  return new NodeflowError('NOT_A_LOG', `JetStream stream ${stream} holds ${what}: not a nodeflow record message`, { stream });
}
