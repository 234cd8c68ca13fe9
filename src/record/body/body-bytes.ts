import type { StreamMessage } from '../../message.js';
import { BODY_JSON, messagesJson, writeJson } from './body-codec.js';
import { planColumns, writeColumns } from './columns.js';
import { decodeBody } from './body-decode.js';

const PREFIX = 8;

/**
 * One batch's messages as a standalone byte array (a JetStream message's payload): u32 kind, u32
 * count, then the body (body-codec.ts: columns, with the data as numbers or as JSON, else JSON). A fresh buffer per batch,
 * 8-aligned, so the columns are written with typed-array stores.
 *
 * @example
 * ```ts
 * const bytes = encodeBatchBytes(batch.messages);
 * decodeBatchBytes(bytes); // the same messages
 * ```
 */
export function encodeBatchBytes(messages: readonly StreamMessage[]): Uint8Array {
  const plan = planColumns(messages);
  const json = plan ? undefined : messagesJson(messages);
  const cap = PREFIX + (plan ? plan.bytes : json!.length * 3 + 7);
  const ab = new ArrayBuffer((cap + 7) & ~7);
  const area = { bytes: Buffer.from(ab), f64: new Float64Array(ab), i32: new Int32Array(ab) };
  area.bytes.writeUInt32LE(plan ? plan.kind : BODY_JSON, 0);
  area.bytes.writeUInt32LE(messages.length, 4);
  const end = plan ? writeColumns(area, PREFIX, plan, messages) : writeJson(area, PREFIX, json!);
  return area.bytes.subarray(0, end);
}

/**
 * The messages of bytes made by `encodeBatchBytes`; a RangeError (or SyntaxError) for bytes
 * that are not such a batch.
 *
 * @example
 * ```ts
 * const messages = decodeBatchBytes(msg.data);
 * ```
 */
export function decodeBatchBytes(bytes: Uint8Array): StreamMessage[] {
  if (bytes.length < PREFIX) throw new RangeError('a batch body is at least 8 bytes');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeBody(buf, buf.readUInt32LE(0), buf.readUInt32LE(4), PREFIX, buf.length);
}
