import type { StreamMessage } from '../../message.js';
import { BODY_COLUMNS, BODY_JSON_DATA, BODY_OBJECT_DATA, DATA_I32, ID_JSON, ID_SEQ, ID_TEXT, KEY, LITTLE_ENDIAN, PRIORITY, TS_CONST, TS_I32, headWords, jsonExactNumber, pad8, routing, type BodyArea } from './body-codec.js';
import { headFor } from './body-head.js';
import { planExtras, writeJsonColumn, writeU8Column, type ExtrasPlan } from './extras.js';
import { planObjectData, writeObjectData, type ObjectDataPlan } from './object-data.js';
import { writeTextColumn } from './text-column.js';

// The columns kinds of the record body (body-codec.ts describes the format): how a batch is
// planned as columns, in one pass over its messages, and written from the plan.

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
  /** BODY_COLUMNS; BODY_OBJECT_DATA when the data are flat objects (`objects`); BODY_JSON_DATA when the data goes as JSON (`data`). */
  readonly kind: number;
  readonly head: Buffer;
  readonly shape: number;
  /** The most bytes the body takes (JSON data: three bytes a UTF-16 unit, the most UTF-8 needs). */
  readonly bytes: number;
  /** The data values as one JSON array (kind BODY_JSON_DATA). */
  readonly data: string | undefined;
  /** The data values as a column per key (kind BODY_OBJECT_DATA, format 5). */
  readonly objects: ObjectDataPlan | undefined;
  /** Index and value of each data number JSON cannot carry (kind BODY_JSON_DATA), in pairs. */
  readonly exact: Float64Array | undefined;
  /**
   * The numbers of a plan made while another was being made (a getter or `toJSON` of a message
   * recorded another batch): its own columns, so the shared scratch columns stay the outer
   * plan's. `undefined`: the scratch columns.
   */
  readonly numbers: Columns | undefined;
  /** String ids, priorities and keys (format 4), when the batch has any. */
  readonly extras: ExtrasPlan | undefined;
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
 * write JSON). One pass, reading each message's fields once (a batch with string ids, a
 * priority or a key reads those three again, in extras.ts); data that is not all numbers is
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
  if (typeof t0 !== 'number' || !routing(s) || !routing(t) || !routing(p)) return undefined;
  // Ids that are not all numbers, and priorities or keys, go as the extras columns (extras.ts).
  let idJson = false;
  let more = false;
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
    if (typeof ts !== 'number' || m.sourceNodeId !== s || m.targetNodeId !== t || m.port !== p) return undefined;
    if (m.priority !== undefined || m.key !== undefined) more = true;
    if (typeof id === 'number') cIds[i] = id;
    else idJson = true;
    cTimes[i] = ts;
    if (typeof d === 'number' && values === undefined) {
      cDatas[i] = d;
      if (dataI32 && ((d | 0) !== d || (d === 0 && 1 / d < 0))) dataI32 = false;
    } else {
      if (!inArray(d)) return undefined;
      if (values === undefined) {
        // Not Array.from(subarray): a typed array and an iteration per batch cost 20 ns a message.
        values = new Array<unknown>(n);
        for (let j = 0; j < i; j++) values[j] = cDatas[j];
      }
      values[i] = d;
    }
    // id0 + i is +0 when it is 0 at i > 0, so an id of -0 there breaks the run.
    if (idSeq && (typeof id0 !== 'number' || (i > 0 && (id !== id0 + i || (id === 0 && 1 / id < 0))))) idSeq = false;
    if (tsConst && (ts !== t0 || (ts === 0 && 1 / ts !== 1 / t0))) tsConst = false;
    if (tsI32 && !tsConst) {
      const dt = ts - t0;
      // t0 + dt is never -0 here (t0 is not -0): a time of -0 cannot be an offset.
      if ((dt | 0) !== dt || t0 + dt !== ts || (ts === 0 && 1 / ts < 0)) tsI32 = false;
    }
  }
  const extras = idJson || more ? planExtras(messages, idJson, more) : undefined;
  if ((idJson || more) && extras === undefined) return undefined;
  // Flat objects with one set of keys go a column per key (object-data.ts); other data as JSON.
  const objects = values === undefined ? undefined : planObjectData(values, nested);
  const data = values === undefined || objects !== undefined ? undefined : JSON.stringify(values);
  if (values !== undefined) dataI32 = false;
  const shape =
    (idSeq ? ID_SEQ : 0) | (tsConst ? TS_CONST : tsI32 ? TS_I32 : 0) | (dataI32 ? DATA_I32 : 0) | (extras?.ids !== undefined ? ID_JSON : 0) | (extras?.idText !== undefined ? ID_TEXT : 0) | (extras?.priorities ? PRIORITY : 0) | (extras?.keys !== undefined ? KEY : 0);
  const head = headFor(s, t, p);
  const i32Col = pad8(4 * n);
  const exact = data === undefined ? undefined : unsafeNumbers(values!);
  const dataBytes = objects !== undefined ? objects.bytes : data !== undefined ? 8 + pad8(3 * data.length) + 8 * exact!.length : dataI32 ? i32Col : 8 * n;
  // The id JSON or text column, when there is one, is counted in the extras' bytes in place of this.
  const idBytes = extras?.ids !== undefined || extras?.idText !== undefined ? 0 : idSeq ? 8 : 8 * n;
  const bytes = head.length + idBytes + 8 + (tsConst ? 0 : tsI32 ? i32Col : 8 * n) + dataBytes + (extras?.bytes ?? 0);
  const kind = objects !== undefined ? BODY_OBJECT_DATA : data !== undefined ? BODY_JSON_DATA : BODY_COLUMNS;
  return { kind, head, shape, bytes, data, objects, exact, numbers: own, extras };
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

const unsafe = (v: unknown): boolean => typeof v === 'number' && !jsonExactNumber(v);

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
  const extras = plan.extras;
  if (extras?.idText !== undefined) {
    o = writeTextColumn(area, o, extras.idStrings!, extras.idText);
  } else if (extras?.ids !== undefined) {
    o = writeJsonColumn(area, o, extras.ids, 0);
  } else if (shape & ID_SEQ) {
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
    // The padding word is zeroed: the file log's buffer is reused, and a frame must not carry
    // bytes of an earlier one.
    if (n & 1) i32[(o >> 2) + n] = 0;
    o += pad8(4 * n);
  } else if (!(shape & TS_CONST)) {
    f64.set(timeCol.subarray(0, n), o >> 3);
    o += 8 * n;
  }
  if (plan.objects !== undefined) {
    o = writeObjectData(area, o, plan.objects, n);
  } else if (plan.data !== undefined) {
    const exact = plan.exact!;
    o = writeJsonColumn(area, o, plan.data, exact.length / 2);
    f64.set(exact, o >> 3);
    o += 8 * exact.length;
  } else if (shape & DATA_I32) {
    for (let i = 0, k = o >> 2; i < n; i++) i32[k + i] = dataCol[i]!;
    if (n & 1) i32[(o >> 2) + n] = 0;
    o += pad8(4 * n);
  } else {
    f64.set(dataCol.subarray(0, n), o >> 3);
    o += 8 * n;
  }
  if (extras?.priorities) o = writeU8Column(area, o, extras.priorities);
  if (extras?.keys !== undefined) o = writeJsonColumn(area, o, extras.keys, 0);
  return o;
}

