import type { StreamMessage } from '../../message.js';
// A recorded batch's messages as bytes, shared by the stores (the file log's frames, the
// JetStream store's messages). Four kinds, chosen per batch by one pass over the messages:
//
// columns (kind 1), for the common stream of numbers: every message has a numeric `id`,
// `timestamp` and `data`, the batch shares one `sourceNodeId`, `targetNodeId` and `port` (each
// a string, or absent in every message: `emit` leaves `targetNodeId` out), and no message has
// `priority` or `key` (format 4 lifts the last two rules and the numeric id, below):
//   u32 n (bytes of the strings' JSON) | u32 shape | JSON ["src","tgt","port"] padded with spaces to 8
//   | id:   f64 id0 if shape & ID_SEQ (ids id0, id0 + 1, ...), else f64 x count
//   | time: f64 t0, then nothing if shape & TS_CONST, i32 x count (t - t0) if shape & TS_I32,
//           else f64 x count
//   | data: i32 x count if shape & DATA_I32, else f64 x count
//   (each i32 column padded to 8 bytes: zeros since format 5; older writers left other bytes
//   there, so the reader does not check this padding)
// columns with JSON data (kind 2), for the same batches with any JSON data (objects, strings,
// booleans, null, numbers mixed with these): the same head and id and time columns, then
//   | data: u32 byte length | u32 k | the UTF-8 JSON array of the data values, padded with spaces
//           | k x (f64 index, f64 value): the data numbers JSON cannot carry (NaN, +-Infinity, -0),
//             exact, where the JSON has null or 0
// Routing, ids and times are said once or as numbers, not as a JSON object per message: the
// JSON is of the data alone (measured, {v: n} data: 100-150 ns a message to stringify against
// 370-410 ns for the whole messages, 8 bytes a message against 90).
// columns with object data (kind 3, format 5), for the same batches whose data are flat objects
// with one set of keys in one order (`{ value: 42 }`; object-data.ts says which qualify):
//   | data: u32 byte length | u32 k | the UTF-8 JSON array of the k keys, padded with spaces
//           | u8 x k column kinds (0 i32, 1 f64, 2 boolean, 3 string), zero-padded to 8
//           | per key, in order: i32 x count padded to 8 | f64 x count | u8 x count (0 or 1)
//             padded to 8 | the strings as a text column (below)
// Format 4 lets the columns kinds carry what a message may add to that (shape bits below):
//   - ID_JSON: the ids are strings (or strings and numbers): in place of the id column,
//     u32 byte length | u32 0 | the UTF-8 JSON array of the ids, padded with spaces to 8;
//   - PRIORITY: after the data column, a u8 column (0 absent, 1 low, 2 normal, 3 high,
//     4 critical), padded to 8;
//   - KEY: after that, u32 byte length | u32 0 | the UTF-8 JSON array of the keys (null where a
//     message has none), padded to 8.
// Format 5 adds ID_TEXT: ids that are all strings go as one text column (text-column.ts: the
// lengths, then the UTF-8 of the ids joined) in place of the JSON id column, unless the joined
// text has a lone surrogate (UTF-8 cannot carry it); and a column kind of object data, above.
// Ids that are all numbers keep the numeric id column (any number, exactly). In the JSON id
// column, and in the key column, a value goes only when JSON gives it back as it is: a string,
// or a finite number that is not -0 (extras.ts); any other, a null key, or a priority that is
// not one of the four, sends the batch as JSON, as before.
// json (kind 0), for everything else: the UTF-8 JSON array of the messages, padded with spaces.
//
// The columns are written with one typed-array store per number (no per-message string, no
// JSON): 6-10 ns a message against about 230 ns for JSON.stringify. A column is narrowed only
// when every value comes back bit for bit (NaN, +-Infinity and -0 included), so narrowing is
// lossless; it matters because the disk, not the CPU, is what a fast recording runs into: a
// stream of sequential ids, one timestamp per batch and small integers is 4 bytes a message
// instead of 24. A columns batch keeps the StreamMessage fields only; fields outside that
// contract are not part of a message (as on the remote wire, docs/remote-protocol.md).

/**
 * The body kinds (JSON, and the three columns kinds below). @internal
 *
 * @example
 * ```ts
 * if (kind === BODY_JSON) return JSON.parse(text);
 * ```
 */
export const BODY_JSON = 0;
/**
 * @internal
 *
 * @example
 * ```ts
 * buf.writeUInt32LE(plan ? BODY_COLUMNS : BODY_JSON, at);
 * ```
 */
export const BODY_COLUMNS = 1;
/**
 * Columns whose data column is JSON (format 3 and later). @internal
 *
 * @example
 * ```ts
 * if (kind === BODY_JSON_DATA) data = JSON.parse(text);
 * ```
 */
export const BODY_JSON_DATA = 2;
/**
 * Columns whose data are flat objects, a column per key (format 5, object-data.ts). @internal
 *
 * @example
 * ```ts
 * if (kind === BODY_OBJECT_DATA) data = readObjectData(buf, at, end, count).values;
 * ```
 */
export const BODY_OBJECT_DATA = 3;
/**
 * Whether typed arrays store little-endian here (every platform Node and the browsers run on
 * today). The columns are written through typed-array views, so on a big-endian machine a batch
 * goes as JSON instead (endian-free), never as columns the reader would misread. @internal
 *
 * @example
 * ```ts
 * if (LITTLE_ENDIAN) i32[off >> 2] = length; else buf.writeUInt32LE(length, off);
 * ```
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The byte JSON bodies are padded with (a space: JSON.parse skips it). @internal @example `area.bytes.fill(SPACE, end, pad8(end));` */
export const SPACE = 0x20;
/**
 * A number JSON gives back as it is: finite and not -0 (JSON writes NaN and +-Infinity as
 * null, -0 as 0). The one rule for ids, keys and data numbers in the JSON columns. @internal
 *
 * @example
 * ```ts
 * if (typeof d === 'number' && !jsonExactNumber(d)) exact.push(i, d);
 * ```
 */
export const jsonExactNumber = (v: number): boolean => v - v === 0 && !(v === 0 && 1 / v < 0);
/** `n` rounded up to a multiple of 8. @internal @example `const col = pad8(4 * n);` */
export const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Fills `bytes` from `end` to the next multiple of 8 with `value`; returns that end. A loop, not
 * Buffer's `fill`, which checks its arguments on every call: 34-42 ns for three bytes here, the
 * loop 7, and a batch pads up to five columns. @internal
 *
 * @example
 * ```ts
 * o = padTo8(area.bytes, o + n, 0);
 * ```
 */
export function padTo8(bytes: Uint8Array, end: number, value: number): number {
  const to = pad8(end);
  for (let i = end; i < to; i++) bytes[i] = value;
  return to;
}

/**
 * A writable byte area the encoder fills: `bytes`, `f64` and `i32` view the same 8-aligned memory.
 *
 * @example
 * ```ts
 * const ab = new ArrayBuffer(1 << 16);
 * const area: BodyArea = { bytes: Buffer.from(ab), f64: new Float64Array(ab), i32: new Int32Array(ab) };
 * ```
 */
export interface BodyArea {
  readonly bytes: Buffer;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
}

/** A routing field a columns batch can carry: a string, or absent (`emit` leaves `targetNodeId` out). @internal @example `if (!routing(m0.port)) return undefined;` */
export const routing = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** Shape bits of a columns body (see the format above). @internal @example `if (shape & ID_SEQ) id = id0 + i;` */
export const ID_SEQ = 1;
/** @internal @example `if (shape & TS_CONST) timestamp = t0;` */
export const TS_CONST = 2;
/** @internal @example `if (shape & TS_I32) timestamp = t0 + offset;` */
export const TS_I32 = 4;
/** @internal @example `if (shape & DATA_I32) data = i32[k + i];` */
export const DATA_I32 = 8;
/** The ids go as a JSON array (format 4). @internal @example `const stringIds = (shape & ID_JSON) !== 0;` */
export const ID_JSON = 16;
/** A u8 priority column follows the data (format 4). @internal @example `if (shape & PRIORITY) priority = PRIORITY_NAMES[buf[at + i]];` */
export const PRIORITY = 32;
/** A JSON key column follows the priorities (format 4). @internal @example `const keyed = (shape & KEY) !== 0;` */
export const KEY = 64;
/** The ids are all strings, as one text (format 5, text-column.ts). @internal @example `const textIds = (shape & ID_TEXT) !== 0;` */
export const ID_TEXT = 128;
/** Every shape bit this code writes and reads: a body with another is not one it can read. @internal @example `if (shape & ~SHAPE_BITS) throw new RangeError('unknown shape');` */
export const SHAPE_BITS = ID_SEQ | TS_CONST | TS_I32 | DATA_I32 | ID_JSON | PRIORITY | KEY | ID_TEXT;
let wordsHead: Buffer | undefined;
let wordsOfHead = new Int32Array(0);
/**
 * The head as 32-bit words (a copy, made when the head changes: a stream repeats its head).
 * @internal
 *
 * @example
 * ```ts
 * const words = headWords(headFor('s', 'w', 'out'));
 * ```
 */
export function headWords(head: Buffer): Int32Array {
  if (head !== wordsHead) {
    wordsHead = head;
    wordsOfHead = new Int32Array(head.length >> 2);
    for (let w = 0; w < wordsOfHead.length; w++) wordsOfHead[w] = head.readInt32LE(w * 4);
  }
  return wordsOfHead;
}

/**
 * Writes `json` (a JSON array) at `off`, padded with spaces to 8 bytes; returns the end.
 * `area.bytes` must hold `off + json.length * 3 + 7` bytes.
 *
 * @example
 * ```ts
 * end = writeJson(area, off, JSON.stringify(ms));
 * ```
 * @internal
 */
export function writeJson(area: BodyArea, off: number, json: string): number {
  return padTo8(area.bytes, off + area.bytes.write(json, off, 'utf8'), SPACE);
}

/**
 * The JSON of a batch that goes whole as JSON (kind 0): each message's StreamMessage fields, read
 * as the columns read them (a field a class or prototype provides included; other properties
 * not), so which kind a batch goes as does not change which fields come back. @internal
 *
 * @example
 * ```ts
 * const json = plan ? undefined : messagesJson(messages);
 * ```
 */
export function messagesJson(messages: readonly StreamMessage[]): string {
  const out = new Array<Record<string, unknown>>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    // A number, a string, undefined or an array has no fields to read: it would go as an empty
    // message. Refused (the store names it: append-gate.ts); null throws on its first read.
    if (typeof m !== 'object' || Array.isArray(m)) throw new TypeError(`message ${i} is not an object`);
    const o: Record<string, unknown> = { id: m.id, timestamp: m.timestamp, sourceNodeId: m.sourceNodeId, targetNodeId: m.targetNodeId, port: m.port, data: m.data };
    const priority = m.priority;
    if (priority !== undefined) o.priority = priority;
    const key = m.key;
    if (key !== undefined) o.key = key;
    out[i] = o;
  }
  return JSON.stringify(out);
}
