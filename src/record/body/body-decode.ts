import type { StreamMessage } from '../../message.js';
import { BODY_COLUMNS, BODY_JSON, BODY_JSON_DATA, DATA_I32, ID_SEQ, TS_CONST, TS_I32 } from './body-codec.js';

/**
 * The messages of a body of `kind` and `count` messages in `buf[start..end)` (body-codec.ts
 * describes the three kinds). A RangeError (or a SyntaxError) for bytes that are not such a
 * body: an unknown kind, columns past the end, JSON data that is not an array of `count` values.
 *
 * @example
 * ```ts
 * const messages = decodeBody(buf, BODY_COLUMNS, 50, start, end);
 * ```
 * @internal
 */
export function decodeBody(buf: Buffer, kind: number, count: number, start: number, end: number): StreamMessage[] {
  if (kind === BODY_JSON) return JSON.parse(buf.toString('utf8', start, end)) as StreamMessage[];
  if (kind !== BODY_COLUMNS && kind !== BODY_JSON_DATA) throw new RangeError(`unknown body kind ${kind}`);
  // Lengths and counts come from the bytes: each is checked against the body before it is used,
  // and padded without 32-bit arithmetic (pad8 wraps past 2^31), so no value read from the
  // bytes can point outside them.
  if (end - start < 8 || count > end - start) throw new RangeError('columns past the end of the body');
  const n = buf.readUInt32LE(start);
  if (n > end - start - 8) throw new RangeError('columns past the end of the body');
  const shape = buf.readUInt32LE(start + 4);
  const [sourceNodeId, targetNodeId, port] = JSON.parse(buf.toString('utf8', start + 8, start + 8 + n)) as [string | null, string | null, string | null];
  const whole = sourceNodeId !== null && targetNodeId !== null && port !== null;
  const i32Col = padded(4 * count);
  const idAt = start + 8 + padded(n);
  const tAt = idAt + (shape & ID_SEQ ? 8 : 8 * count);
  const tsAt = tAt + 8;
  const dataAt = tsAt + (shape & TS_CONST ? 0 : shape & TS_I32 ? i32Col : 8 * count);
  const values = kind === BODY_JSON_DATA ? jsonData(buf, dataAt, end, count) : undefined;
  if (values === undefined && dataAt + (shape & DATA_I32 ? i32Col : 8 * count) > end) throw new RangeError('columns past the end of the body');
  const id0 = buf.readDoubleLE(idAt);
  const t0 = buf.readDoubleLE(tAt);
  const out = new Array<StreamMessage>(count);
  for (let i = 0; i < count; i++) {
    const id = shape & ID_SEQ ? (i === 0 ? id0 : id0 + i) : buf.readDoubleLE(idAt + 8 * i);
    const timestamp = shape & TS_CONST ? t0 : shape & TS_I32 ? t0 + buf.readInt32LE(tsAt + 4 * i) : buf.readDoubleLE(tsAt + 8 * i);
    const data = values !== undefined ? values[i] : shape & DATA_I32 ? buf.readInt32LE(dataAt + 4 * i) : buf.readDoubleLE(dataAt + 8 * i);
    out[i] = whole ? { id, timestamp, sourceNodeId, targetNodeId, port, data } : withAbsent(id, timestamp, sourceNodeId, targetNodeId, port, data);
  }
  return out;
}

/**
 * The JSON data column at `at`: u32 byte length, u32 k, the JSON array of `count` values padded
 * to 8 bytes, then k pairs of f64 (index, value): the numbers JSON cannot carry, put back.
 */
function jsonData(buf: Buffer, at: number, end: number, count: number): unknown[] {
  if (at + 8 > end) throw new RangeError('columns past the end of the body');
  const length = buf.readUInt32LE(at);
  const exact = buf.readUInt32LE(at + 4);
  const pairs = at + 8 + padded(length); // padded from the column's start, which the writer 8-aligned
  if (pairs + 16 * exact > end) throw new RangeError('columns past the end of the body');
  const values: unknown = JSON.parse(buf.toString('utf8', at + 8, at + 8 + length));
  if (!Array.isArray(values) || values.length !== count) throw new RangeError(`the JSON data column does not hold ${count} values`);
  for (let k = 0; k < exact; k++) {
    const i = buf.readDoubleLE(pairs + 16 * k);
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`the JSON data column puts back a number at ${i}, outside its ${count} values`);
    values[i] = buf.readDoubleLE(pairs + 16 * k + 8);
  }
  return values;
}

/** A message whose batch left some routing field out: the field is absent again, not null. */
function withAbsent(id: number, timestamp: number, src: string | null, tgt: string | null, port: string | null, data: unknown): StreamMessage {
  const m: Record<string, unknown> = { id, timestamp };
  if (src !== null) m.sourceNodeId = src;
  if (tgt !== null) m.targetNodeId = tgt;
  if (port !== null) m.port = port;
  m.data = data;
  return m as unknown as StreamMessage;
}

/** `x` rounded up to a multiple of 8, exact for any safe integer (pad8 is 32-bit). */
const padded = (x: number): number => x + ((8 - (x % 8)) % 8);
