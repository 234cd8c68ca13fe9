import type { StreamMessage } from '../../message.js';
import { headFor } from './body-head.js';

// A recorded batch's messages as bytes, shared by the stores (the file log's frames, the
// JetStream store's messages). Three kinds, chosen per batch by one pass over the messages:
//
// columns (kind 1), for the common stream of numbers: every message has a numeric `id`,
// `timestamp` and `data`, the batch shares one `sourceNodeId`, `targetNodeId` and `port` (each
// a string, or absent in every message: `emit` leaves `targetNodeId` out), and no message has
// `priority` or `key`:
//   u32 n (bytes of the strings' JSON) | u32 shape | JSON ["src","tgt","port"] padded with spaces to 8
//   | id:   f64 id0 if shape & ID_SEQ (ids id0, id0 + 1, ...), else f64 x count
//   | time: f64 t0, then nothing if shape & TS_CONST, i32 x count (t - t0) if shape & TS_I32,
//           else f64 x count
//   | data: i32 x count if shape & DATA_I32, else f64 x count
//   (each i32 column padded to 8 bytes)
// columns with JSON data (kind 2), for the same batches with any JSON data (objects, strings,
// booleans, null, numbers mixed with these): the same head and id and time columns, then
//   | data: u32 byte length | u32 k | the UTF-8 JSON array of the data values, padded with spaces
//           | k x (f64 index, f64 value): the data numbers JSON cannot carry (NaN, +-Infinity, -0),
//             exact, where the JSON has null or 0
// Routing, ids and times are said once or as numbers, not as a JSON object per message: the
// JSON is of the data alone (measured, {v: n} data: 100-150 ns a message to stringify against
// 370-410 ns for the whole messages, 8 bytes a message against 90).
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
 * The two body kinds. @internal
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
const SPACE = 0x20;
/** `n` rounded up to a multiple of 8. @internal @example `const col = pad8(4 * n);` */
export const pad8 = (n: number): number => (n + 7) & ~7;

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
/**
 * The last planned batch's numbers, read from the messages once by `planColumns` and written
 * from here by `writeColumns`: reading an object's fields is the dear part, a typed array cheap.
 * Only a plan made while no other is being made uses them (see `planning`).
 */
let ids = new Float64Array(256);
let times = new Float64Array(256);
let datas = new Float64Array(256);

/**
 * How a batch goes as columns: its head (the routing strings, encoded), its shape (which
 * columns are narrowed) and the bytes it takes after the body's fixed fields. @internal
 *
 * @example
 * ```ts
 * const plan = planColumns(messages); // undefined: write JSON
 * ```
 */
export interface ColumnsPlan {
  /** BODY_COLUMNS, or BODY_JSON_DATA when the data goes as JSON (`data`). */
  readonly kind: number;
  readonly head: Buffer;
  readonly shape: number;
  /** The most bytes the body takes (JSON data: three bytes a UTF-16 unit, the most UTF-8 needs). */
  readonly bytes: number;
  /** The data values as one JSON array (kind BODY_JSON_DATA). */
  readonly data: string | undefined;
  /** Index and value of each data number JSON cannot carry (kind BODY_JSON_DATA), in pairs. */
  readonly exact: Float64Array | undefined;
  /**
   * The numbers of a plan made while another was being made (a getter or `toJSON` of a message
   * recorded another batch): its own columns, so the shared scratch columns stay the outer
   * plan's. `undefined`: the scratch columns.
   */
  readonly numbers: Columns | undefined;
}

/**
 * A data value the JSON data column carries as `JSON.stringify` of the whole message would: not
 * `undefined`, a function or a symbol, which that leaves out of the message (a JSON array would
 * make them `null`), and no `toJSON` of its own but a Date's (one may return any of those, and
 * it is called with the key "data" in a message, an index in an array). Those batches go as JSON.
 */
function inArray(d: unknown): boolean {
  if (d === undefined || typeof d === 'function' || typeof d === 'symbol') return false;
  if (typeof d !== 'object' || d === null) return true;
  const toJSON = (d as { toJSON?: unknown }).toJSON;
  return toJSON === undefined || toJSON === Date.prototype.toJSON;
}

/**
 * The columns plan when `messages` fit a columns kind, or `undefined` when they do not (then
 * write JSON). One pass, reading each message's fields once; data that is not all numbers is
 * stringified here (so a value JSON refuses, a BigInt or a cycle, throws here).
 *
 * @example
 * ```ts
 * const plan = planColumns(messages);
 * const need = plan ? plan.bytes : json.length * 3 + 7;
 * ```
 * @internal
 */
export function planColumns(messages: readonly StreamMessage[]): ColumnsPlan | undefined {
  planning++;
  try {
    return plan(messages, planning > 1);
  } finally {
    planning--;
  }
}

/**
 * Columns of numbers, one per message of each kind: the shared scratch ones, or a nested plan's
 * own. @internal
 *
 * @example
 * ```ts
 * const own: Columns = { ids: new Float64Array(n), times: new Float64Array(n), datas: new Float64Array(n) };
 * ```
 */
export interface Columns {
  readonly ids: Float64Array;
  readonly times: Float64Array;
  readonly datas: Float64Array;
}

/** Plans being made: more than one when user code run by a plan (a getter, a `toJSON`) records a batch. */
let planning = 0;

function plan(messages: readonly StreamMessage[], nested: boolean): ColumnsPlan | undefined {
  const m0 = messages[0];
  if (m0 === undefined || !LITTLE_ENDIAN) return undefined;
  const s = m0.sourceNodeId;
  const t = m0.targetNodeId;
  const p = m0.port;
  const id0 = m0.id;
  const t0 = m0.timestamp;
  if (typeof id0 !== 'number' || typeof t0 !== 'number' || !routing(s) || !routing(t) || !routing(p)) return undefined;
  let idSeq = true;
  let tsConst = true;
  // Offsets from a -0 base come back as +0: no i32 times then.
  let tsI32 = !(t0 === 0 && 1 / t0 < 0);
  let dataI32 = true;
  // Set at the first data value that is not a number: from there every value goes to JSON.
  let values: unknown[] | undefined;
  const n = messages.length;
  if (!nested && ids.length < n) {
    ids = new Float64Array(n);
    times = new Float64Array(n);
    datas = new Float64Array(n);
  }
  const own: Columns | undefined = nested ? { ids: new Float64Array(n), times: new Float64Array(n), datas: new Float64Array(n) } : undefined;
  const cIds = own?.ids ?? ids;
  const cTimes = own?.times ?? times;
  const cDatas = own?.datas ?? datas;
  // Plain comparisons only (no helper calls): this loop is most of what recording costs a
  // message. A -0 is told from 0 by 1 / x < 0, and only where a value is 0.
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const id = m.id;
    const ts = m.timestamp;
    const d = m.data;
    if (typeof id !== 'number' || typeof ts !== 'number') return undefined;
    if (m.sourceNodeId !== s || m.targetNodeId !== t || m.port !== p || m.priority !== undefined || m.key !== undefined) return undefined;
    cIds[i] = id;
    cTimes[i] = ts;
    if (typeof d === 'number' && values === undefined) {
      cDatas[i] = d;
      if (dataI32 && ((d | 0) !== d || (d === 0 && 1 / d < 0))) dataI32 = false;
    } else {
      if (!inArray(d)) return undefined;
      if (values === undefined) values = Array.from(cDatas.subarray(0, i));
      values.push(d);
    }
    // id0 + i is +0 when it is 0 at i > 0, so an id of -0 there breaks the run.
    if (idSeq && i > 0 && (id !== id0 + i || (id === 0 && 1 / id < 0))) idSeq = false;
    if (tsConst && (ts !== t0 || (ts === 0 && 1 / ts !== 1 / t0))) tsConst = false;
    if (tsI32 && !tsConst) {
      const dt = ts - t0;
      // t0 + dt is never -0 here (t0 is not -0): a time of -0 cannot be an offset.
      if ((dt | 0) !== dt || t0 + dt !== ts || (ts === 0 && 1 / ts < 0)) tsI32 = false;
    }
  }
  const data = values === undefined ? undefined : JSON.stringify(values);
  if (data !== undefined) dataI32 = false;
  const shape = (idSeq ? ID_SEQ : 0) | (tsConst ? TS_CONST : tsI32 ? TS_I32 : 0) | (dataI32 ? DATA_I32 : 0);
  const head = headFor(s, t, p);
  const i32Col = pad8(4 * n);
  const exact = values === undefined ? undefined : unsafeNumbers(values);
  const dataBytes = data !== undefined ? 8 + pad8(3 * data.length) + 8 * exact!.length : dataI32 ? i32Col : 8 * n;
  const bytes = head.length + (idSeq ? 8 : 8 * n) + 8 + (tsConst ? 0 : tsI32 ? i32Col : 8 * n) + dataBytes;
  return { kind: data === undefined ? BODY_COLUMNS : BODY_JSON_DATA, head, shape, bytes, data, exact, numbers: own };
}

/**
 * Index and value of each number in `values` that JSON turns into something else (NaN and
 * +-Infinity into null, -0 into 0), in pairs: a number as data comes back exactly from either
 * columns kind, whatever else its batch holds.
 */
function unsafeNumbers(values: readonly unknown[]): Float64Array {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (unsafe(values[i])) k++;
  const out = new Float64Array(2 * k);
  for (let i = 0, j = 0; j < out.length; i++) {
    if (!unsafe(values[i])) continue;
    out[j++] = i;
    out[j++] = values[i] as number;
  }
  return out;
}

const unsafe = (v: unknown): boolean => typeof v === 'number' && (v - v !== 0 || (v === 0 && 1 / v < 0));

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
 * Writes the columns of `messages` (planned by `planColumns`, which must be the last plan made:
 * the numbers come from its scratch columns) at byte `off` (8-aligned) of `area`; returns the
 * end (8-aligned).
 *
 * @example
 * ```ts
 * const plan = planColumns(ms);
 * if (plan) end = writeColumns(area, off, plan, ms);
 * ```
 * @internal
 */
export function writeColumns(area: BodyArea, off: number, plan: ColumnsPlan, messages: readonly StreamMessage[]): number {
  const { head, shape } = plan;
  const n = messages.length;
  const idCol = plan.numbers?.ids ?? ids;
  const timeCol = plan.numbers?.times ?? times;
  const dataCol = plan.numbers?.datas ?? datas;
  const f64 = area.f64;
  const i32 = area.i32;
  // The head word by word (integers: no float canonicalizes a byte pattern), then the shape.
  const words = headWords(head);
  for (let w = 0, k = off >> 2; w < words.length; w++) i32[k + w] = words[w]!;
  i32[(off + 4) >> 2] = shape;
  let o = off + head.length;
  if (shape & ID_SEQ) {
    f64[o >> 3] = idCol[0]!;
    o += 8;
  } else {
    f64.set(idCol.subarray(0, n), o >> 3);
    o += 8 * n;
  }
  const t0 = timeCol[0]!;
  f64[o >> 3] = t0;
  o += 8;
  if (shape & TS_I32) {
    for (let i = 0, k = o >> 2; i < n; i++) i32[k + i] = timeCol[i]! - t0;
    o += pad8(4 * n);
  } else if (!(shape & TS_CONST)) {
    f64.set(timeCol.subarray(0, n), o >> 3);
    o += 8 * n;
  }
  if (plan.data !== undefined) {
    const exact = plan.exact!;
    const length = area.bytes.write(plan.data, o + 8, 'utf8');
    i32[o >> 2] = length;
    i32[(o + 4) >> 2] = exact.length / 2;
    const end = o + 8 + length;
    o = pad8(end);
    area.bytes.fill(SPACE, end, o);
    f64.set(exact, o >> 3);
    o += 8 * exact.length;
  } else if (shape & DATA_I32) {
    for (let i = 0, k = o >> 2; i < n; i++) i32[k + i] = dataCol[i]!;
    o += pad8(4 * n);
  } else {
    f64.set(dataCol.subarray(0, n), o >> 3);
    o += 8 * n;
  }
  return o;
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
  const end = off + area.bytes.write(json, off, 'utf8');
  const padded = pad8(end);
  area.bytes.fill(SPACE, end, padded);
  return padded;
}
