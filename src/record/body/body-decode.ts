import type { StreamMessage } from '../../message.js';
import { BODY_COLUMNS, BODY_JSON, BODY_JSON_DATA, BODY_OBJECT_DATA, DATA_I32, ID_JSON, ID_SEQ, ID_TEXT, KEY, PRIORITY, SHAPE_BITS, TS_CONST, TS_I32 } from './body-codec.js';
import { PRIORITY_NAMES, jsonExact } from './extras.js';
import { jsonColumn, padded, utf8Text } from './json-column.js';
import { readObjectData } from './object-data-read.js';
import { readTextColumn } from './text-column.js';

// The largest count a body may claim beyond its size in bytes (see decodeBody): a bound on what
// a damaged count can make the decoder allocate, far above any batch a connection delivers.
const MAX_BODILESS = 1 << 20;

/**
 * The messages of a body of `kind` and `count` messages in `buf[start..end)` (body-codec.ts
 * describes the four kinds and format 4's extras). A RangeError (or a SyntaxError) for bytes that are not such a
 * body: an unknown kind, columns past the end, JSON data that is not an array of `count` values.
 *
 * @example
 * ```ts
 * const messages = decodeBody(buf, BODY_COLUMNS, 50, start, end);
 * ```
 * @internal
 */
export function decodeBody(buf: Buffer, kind: number, count: number, start: number, end: number): StreamMessage[] {
  if (kind === BODY_JSON) return JSON.parse(utf8Text(buf, start, end, 'JSON body')) as StreamMessage[];
  if (kind !== BODY_COLUMNS && kind !== BODY_JSON_DATA && kind !== BODY_OBJECT_DATA) throw new RangeError(`unknown body kind ${kind}`);
  // Lengths and counts come from the bytes: each is checked against the body before it is used,
  // and padded without 32-bit arithmetic (pad8 wraps past 2^31), so no value read from the
  // bytes can point outside them.
  // Most layouts take at least a byte a message, but one takes none: consecutive ids, one time,
  // and data that are all empty objects (object data with no key). So the count is held to the
  // body's size only above MAX_BODILESS; below it, each column checks its size against the body.
  if (end - start < 8 || count > Math.max(end - start, MAX_BODILESS)) throw new RangeError('columns past the end of the body');
  const n = buf.readUInt32LE(start);
  if (n > end - start - 8) throw new RangeError('columns past the end of the body');
  const shape = buf.readUInt32LE(start + 4);
  // Only shapes a writer makes: no unknown bit, and no two layouts of one column at once.
  if ((shape & ~SHAPE_BITS) !== 0 || (shape & ID_SEQ && shape & ID_JSON) || (shape & ID_TEXT && shape & (ID_SEQ | ID_JSON)) || (shape & TS_CONST && shape & TS_I32) || (kind !== BODY_COLUMNS && shape & DATA_I32)) {
    throw new RangeError(`unknown columns shape ${shape}`);
  }
  const [sourceNodeId, targetNodeId, port] = JSON.parse(utf8Text(buf, start + 8, start + 8 + n, 'routing head')) as [string | null, string | null, string | null];
  const whole = sourceNodeId !== null && targetNodeId !== null && port !== null;
  const i32Col = padded(4 * count);
  const idAt = start + 8 + padded(n);
  const ids = shape & ID_JSON ? jsonColumn(buf, idAt, end, count, 'id', 0) : shape & ID_TEXT ? readTextColumn(buf, idAt, end, count, 'id') : undefined;
  const tAt = ids !== undefined ? ids.next : idAt + (shape & ID_SEQ ? 8 : 8 * count);
  const tsAt = tAt + 8;
  const dataAt = tsAt + (shape & TS_CONST ? 0 : shape & TS_I32 ? i32Col : 8 * count);
  const json = kind === BODY_JSON_DATA ? jsonData(buf, dataAt, end, count) : kind === BODY_OBJECT_DATA ? readObjectData(buf, dataAt, end, count) : undefined;
  const values = json?.values;
  const dataEnd = json !== undefined ? json.next : dataAt + (shape & DATA_I32 ? i32Col : 8 * count);
  const prioAt = dataEnd;
  const keyAt = prioAt + (shape & PRIORITY ? padded(count) : 0);
  if (dataEnd > end || keyAt > end) throw new RangeError('columns past the end of the body');
  for (let i = prioAt + count; shape & PRIORITY && i < keyAt; i++) if (buf[i] !== 0) throw new RangeError('the priority column is not padded with zeros');
  const keys = shape & KEY ? jsonColumn(buf, keyAt, end, count, 'key', 0) : undefined;
  // Every writer ends the body with its last column: bytes after it mean the shape is not the
  // one written (a bit cleared would shift or drop columns), so nothing here is data.
  if ((keys !== undefined ? keys.next : keyAt) !== end) throw new RangeError('the columns end before the body does');
  const id0 = ids !== undefined ? 0 : buf.readDoubleLE(idAt);
  const t0 = buf.readDoubleLE(tAt);
  const out = new Array<StreamMessage>(count);
  for (let i = 0; i < count; i++) {
    const id = ids !== undefined ? idOrKey(ids.values[i], 'id') : shape & ID_SEQ ? (i === 0 ? id0 : id0 + i) : buf.readDoubleLE(idAt + 8 * i);
    const timestamp = shape & TS_CONST ? t0 : shape & TS_I32 ? t0 + buf.readInt32LE(tsAt + 4 * i) : buf.readDoubleLE(tsAt + 8 * i);
    const data = values !== undefined ? values[i] : shape & DATA_I32 ? buf.readInt32LE(dataAt + 4 * i) : buf.readDoubleLE(dataAt + 8 * i);
    const m = whole ? { id, timestamp, sourceNodeId, targetNodeId, port, data } : withAbsent(id, timestamp, sourceNodeId, targetNodeId, port, data);
    if (shape & PRIORITY) {
      const code = buf[prioAt + i]!;
      if (code >= PRIORITY_NAMES.length) throw new RangeError(`unknown priority code ${code}`);
      if (code > 0) (m as { priority?: string }).priority = PRIORITY_NAMES[code];
    }
    const key = keys?.values[i];
    if (key !== undefined && key !== null) (m as { key?: unknown }).key = idOrKey(key, 'key');
    out[i] = m as StreamMessage;
  }
  return out;
}

/** An id or a key read from a JSON column: a string, or a finite number other than -0, as the writer puts there. */
function idOrKey(v: unknown, what: string): string | number {
  if (jsonExact(v)) return v;
  throw new RangeError(`the JSON ${what} column holds ${Object.is(v, -0) ? '-0' : typeof v === 'number' ? String(v) : JSON.stringify(v)}, not a string or a finite number`);
}

/**
 * The JSON data column at `at`: a JSON column whose second word is k, then k pairs of f64
 * (index, value): the numbers JSON cannot carry, put back.
 */
function jsonData(buf: Buffer, at: number, end: number, count: number): { values: unknown[]; next: number } {
  const { values, second: exact, next: pairs } = jsonColumn(buf, at, end, count, 'data');
  if (pairs + 16 * exact > end) throw new RangeError('columns past the end of the body');
  for (let k = 0; k < exact; k++) {
    const i = buf.readDoubleLE(pairs + 16 * k);
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`the JSON data column puts back a number at ${i}, outside its ${count} values`);
    values[i] = buf.readDoubleLE(pairs + 16 * k + 8);
  }
  return { values, next: pairs + 16 * exact };
}

/** A message whose batch left some routing field out: the field is absent again, not null. */
function withAbsent(id: string | number, timestamp: number, src: string | null, tgt: string | null, port: string | null, data: unknown): StreamMessage {
  const m: Record<string, unknown> = { id, timestamp };
  if (src !== null) m.sourceNodeId = src;
  if (tgt !== null) m.targetNodeId = tgt;
  if (port !== null) m.port = port;
  m.data = data;
  return m as unknown as StreamMessage;
}
