import { jsonExactNumber, pad8, padTo8, type BodyArea } from './body-codec.js';
import { writeJsonColumn, writeU8Column } from './extras.js';
import { joinText, textColumnBytes, writeTextColumn } from './text-column.js';

// Format 5: data that is a flat object in every message of a batch, with the same keys in the
// same order (a stream's readings: `{ value: 42 }`, `{ temp, unit, ok }`), goes as one column
// per key (body-codec.ts, kind 3), not as a JSON array. On this machine's Node 20, JSON.stringify
// took 110-125 ns a message for `{ value: n }` data and 360-420 for `{ temp, unit, ok }` with a
// fractional temp (its shortest decimal is the dear part); a column per key, 19 and 44: a number
// goes as its eight bytes, never as text. What comes back is exactly what JSON gives back: only
// values JSON keeps as they are qualify (a finite number that is not -0, a boolean, a string),
// so a batch's kind never changes what a reader sees.

/** Column kinds, one byte per key. @internal @example `if (kinds[c] === OBJ_F64) f64.set(col, o >> 3);` */
export const OBJ_I32 = 0;
/** @internal @example `kinds[c] = OBJ_F64;` */
export const OBJ_F64 = 1;
/** @internal @example `kinds[c] = OBJ_BOOL;` */
export const OBJ_BOOL = 2;
/** @internal @example `kinds[c] = OBJ_STRING;` */
export const OBJ_STRING = 3;
/** A key whose kind its first value has not set yet (planning only; never written). */
const UNSET = 255;
/** More keys than this send the data as JSON: a column per key pays a loop per key per batch. @internal @example `if (keys.length > MAX_OBJECT_KEYS) return undefined;` */
export const MAX_OBJECT_KEYS = 32;

/**
 * The object data of one batch as columns, planned. @internal
 *
 * @example
 * ```ts
 * const objects = planObjectData(values, false); // undefined: the data goes as JSON
 * ```
 */
export interface ObjectDataPlan {
  /** The keys as one JSON array. */
  readonly keys: string;
  /** One column kind per key (OBJ_I32 ...). */
  readonly kinds: Uint8Array;
  /** The numbers and booleans (0 or 1), key c's at `c * n` (n: the batch's messages). */
  readonly values: Float64Array;
  /** Per key of kind OBJ_STRING, its strings and their joined text (text-column.ts). */
  readonly strings: readonly (readonly string[] | undefined)[];
  readonly texts: readonly (string | undefined)[];
  /** The most bytes the data section takes (JSON: three bytes a UTF-16 unit). */
  readonly bytes: number;
}

/**
 * Scratch values for the plan being made when no other is (as the columns' scratch, columns.ts):
 * a typed array made per batch cost 15 ns a message here, more than reading the objects.
 */
let scratch = new Float64Array(MAX_OBJECT_KEYS * 64);
/** The `strings` and `texts` of a plan with no string column (never written to). */
const NONE: never[] = [];
/** Scratch column kinds, by key count (a plan's `kinds` is exactly one per key). */
const scratchKinds: (Uint8Array | undefined)[] = [];
/** The last batch's keys and their JSON: a stream's batches repeat their keys. */
let lastKeys: string[] = [];
let lastKeyText = '[]';

/**
 * An object JSON writes as the properties `for...in` lists: an object whose prototype is
 * Object.prototype (checked once per batch to have no enumerable property, so `for...in` lists
 * own properties only), not an array (a Proxy of one can claim that prototype; JSON sees
 * through it) and with no `toJSON`. `toJSON` is read first: that load checks the object's map,
 * and with the map known the JIT folds Object.getPrototypeOf and Array.isArray to constants
 * (measured: 5-6 ns a message for the three checks, against 13-14 with getPrototypeOf first, a
 * call it does not inline). The `__proto__` accessor would be cheaper still, but an own property
 * of that name fools it and `node --disable-proto=throw` makes it throw; `constructor === Object`
 * holds for an object made with Object.create from a plain one, whose inherited keys `for...in`
 * lists and JSON does not.
 */
function plain(d: unknown): d is Record<string, unknown> {
  return typeof d === 'object' && d !== null && (d as { toJSON?: unknown }).toJSON === undefined && Object.getPrototypeOf(d) === Object.prototype && !Array.isArray(d);
}

/** True when Object.prototype has an enumerable property (then every `for...in` lists it). */
function prototypeEnumerates(): boolean {
  for (const _ in Object.prototype) return true;
  return false;
}

/**
 * The keys `for...in` lists of `d0` (one `for...in`: a Proxy's traps run once), as the last
 * batch's array when they are the same; undefined when one cannot be a column.
 */
function keysOf(d0: Record<string, unknown>): string[] | undefined {
  const last = lastKeys;
  // Compared with the last batch's keys as they come; an array is made only when they differ.
  let keys: string[] | undefined;
  let j = 0;
  for (const k in d0) {
    // '__proto__' is refused by the reader (a key no writer puts), so never written.
    if (j === MAX_OBJECT_KEYS || k === '__proto__') return undefined;
    if (keys === undefined && k !== last[j]) keys = last.slice(0, j);
    keys?.push(k);
    j++;
  }
  if (keys === undefined) {
    if (j === last.length) {
      // A Proxy's trap run by the for...in may have recorded a batch with other keys, which
      // moved the cache on: it is this batch's again (its caller reads lastKeyText).
      if (lastKeys !== last) {
        lastKeys = last;
        lastKeyText = JSON.stringify(last);
      }
      return last;
    }
    keys = last.slice(0, j);
  }
  // A Proxy may list its keys in any order; an object gives integer-like keys first. The reader
  // makes objects, so keys in another order would be written and never read: JSON data then.
  if (keyTemplate(keys) === undefined) return undefined;
  lastKeys = keys;
  lastKeyText = JSON.stringify(keys);
  return keys;
}

/**
 * Plans `values` (one data value per message) as one column per key, or `undefined` when they
 * are not all plain objects with the same keys in the same order, each key's values all numbers
 * JSON keeps (finite, not -0), all booleans or all strings. Reads each value's properties once;
 * a getter that throws throws here, as JSON.stringify would. When it gives up after reading
 * some values, the caller's JSON.stringify reads them again: a getter (or a Proxy's trap) may
 * run twice, and what is recorded is its second answer. `nested`: another plan is being
 * made (user code run by it records a batch), so this one gets its own values. @internal
 *
 * @example
 * ```ts
 * const objects = planObjectData(ms.map((m) => m.data), false);
 * ```
 */
export function planObjectData(values: readonly unknown[], nested: boolean): ObjectDataPlan | undefined {
  const n = values.length;
  const d0 = values[0];
  if (!plain(d0) || prototypeEnumerates()) return undefined;
  const keys = keysOf(d0);
  if (keys === undefined) return undefined;
  const keyText = lastKeyText;
  const nk = keys.length;
  if (!nested && scratch.length < nk * n) scratch = new Float64Array(nk * n);
  const out = nested ? new Float64Array(nk * n) : scratch;
  // Each key's kind is set by its first value, read in the loop (a getter is read once). A
  // scratch array per key count, as the values: the plan is written before the next is made.
  const kinds = nested ? new Uint8Array(nk) : (scratchKinds[nk] ??= new Uint8Array(nk));
  for (let c = 0; c < nk; c++) kinds[c] = UNSET;
  let strings: (string[] | undefined)[] | undefined;
  for (let i = 0; i < n; i++) {
    const d = values[i];
    if (i > 0) {
      if (!plain(d)) return undefined;
      let j = 0;
      for (const k in d) if (k !== keys[j++]) return undefined;
      if (j !== nk) return undefined;
    }
    const o = d as Record<string, unknown>;
    for (let c = 0; c < nk; c++) {
      const v = o[keys[c]!];
      let kind = kinds[c]!;
      if (kind === UNSET) {
        kind = typeof v === 'number' ? OBJ_I32 : typeof v === 'boolean' ? OBJ_BOOL : typeof v === 'string' ? OBJ_STRING : UNSET;
        if (kind === UNSET) return undefined;
        kinds[c] = kind;
      }
      if (kind === OBJ_BOOL) {
        if (typeof v !== 'boolean') return undefined;
        out[c * n + i] = v ? 1 : 0;
      } else if (kind === OBJ_STRING) {
        if (typeof v !== 'string') return undefined;
        strings ??= new Array<string[] | undefined>(nk);
        (strings[c] ??= new Array<string>(n))[i] = v;
      } else {
        if (typeof v !== 'number' || !jsonExactNumber(v)) return undefined;
        out[c * n + i] = v;
        if (kind === OBJ_I32 && (v | 0) !== v) kinds[c] = OBJ_F64;
      }
    }
  }
  let bytes = 8 + pad8(3 * keyText.length) + pad8(nk);
  // Made only for a batch with a string column; `strings` likewise.
  const texts: (string | undefined)[] = strings === undefined ? NONE : new Array<string | undefined>(nk);
  for (let c = 0; c < nk; c++) {
    const kind = kinds[c]!;
    if (kind === OBJ_STRING) {
      // A lone surrogate (which UTF-8 cannot carry) sends the data as JSON, which escapes it.
      const text = joinText(strings![c]!);
      if (text === undefined) return undefined;
      texts[c] = text;
      bytes += textColumnBytes(n, text);
    } else {
      bytes += kind === OBJ_I32 ? pad8(4 * n) : kind === OBJ_F64 ? 8 * n : pad8(n);
    }
  }
  return { keys: keyText, kinds, values: out, strings: strings ?? NONE, texts, bytes };
}

/**
 * Writes the object data section at `off` (8-aligned): the keys as a JSON column (its second
 * word the number of keys), the kinds (u8 each, zero-padded to 8), then each key's column;
 * returns the end (8-aligned). `area` must hold `off + plan.bytes` bytes. @internal
 *
 * @example
 * ```ts
 * if (plan.objects) o = writeObjectData(area, o, plan.objects, messages.length);
 * ```
 */
export function writeObjectData(area: BodyArea, off: number, plan: ObjectDataPlan, n: number): number {
  const { kinds, values } = plan;
  const { bytes, f64, i32 } = area;
  let o = writeJsonColumn(area, off, plan.keys, kinds.length);
  o = writeU8Column(area, o, kinds);
  for (let c = 0, from = 0; c < kinds.length; c++, from += n) {
    const kind = kinds[c]!;
    if (kind === OBJ_STRING) {
      o = writeTextColumn(area, o, plan.strings[c]!, plan.texts[c]!);
    } else if (kind === OBJ_F64) {
      for (let i = 0, k = o >> 3; i < n; i++) f64[k + i] = values[from + i]!;
      o += 8 * n;
    } else {
      // Booleans a byte each, numbers an i32 each; the padding is zeros (the reader checks it:
      // the area is reused, not cleared).
      const end = kind === OBJ_BOOL ? o + n : o + 4 * n;
      if (kind === OBJ_BOOL) for (let i = 0; i < n; i++) bytes[o + i] = values[from + i]!;
      else for (let i = 0, k = o >> 2; i < n; i++) i32[k + i] = values[from + i]!;
      o = padTo8(bytes, end, 0);
    }
  }
  return o;
}

/**
 * An object with `keys` as its own properties (defined, as JSON.parse defines them: a setter or
 * a read-only property of that name on Object.prototype does not get in the way), each
 * `undefined`, to copy with spread; `undefined` when an object lists them in another order
 * (integer-like keys come first, ascending), which no writer puts. @internal
 *
 * @example
 * ```ts
 * const template = keyTemplate(['value']); // { value: undefined }
 * ```
 */
export function keyTemplate(keys: readonly string[]): Record<string, unknown> | undefined {
  const template: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(template, k, { value: undefined, writable: true, enumerable: true, configurable: true });
  const order = Object.keys(template);
  if (order.length !== keys.length) return undefined;
  for (let c = 0; c < keys.length; c++) if (order[c] !== keys[c]) return undefined;
  return template;
}
