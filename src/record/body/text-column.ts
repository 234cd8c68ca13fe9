import { pad8, padTo8, type BodyArea } from './body-codec.js';
import { padded, utf8Text } from './json-column.js';

// A column of strings as one text (format 5): the ids of a batch whose ids are all strings
// (ID_TEXT), and the string columns of object data. Laid out as
//   u32 byte length | u32 0 | i32 x count, each string's length in UTF-16 units, zero-padded to 8
//   | the UTF-8 of the strings joined, zero-padded to 8
// Measured here for `msg-N` ids, 50 a batch: 19-23 ns a string to write against 52-64 as a JSON
// array, 21 to read against 58 (no quotes to add or escape, nothing to parse: the reader slices).
// UTF-8 cannot carry a lone surrogate (it would come back U+FFFD), so strings whose joined text
// is not well-formed go as JSON instead, which escapes them.

/** Is `s` well-formed UTF-16 (no lone surrogate)? String.prototype.isWellFormed where there is one (ES2024), else: no surrogate at all. */
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function' ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed() : (s) => !/[\ud800-\udfff]/.test(s);

/**
 * The strings joined, or `undefined` when the joined text is not well-formed (then they go as a
 * JSON column). @internal
 *
 * @example
 * ```ts
 * const text = joinText(ids); // undefined: a lone surrogate
 * ```
 */
export function joinText(strings: readonly string[]): string | undefined {
  let text = '';
  for (let i = 0; i < strings.length; i++) text += strings[i]!;
  return wellFormed(text) ? text : undefined;
}

/** The most bytes a text column of `count` strings joined as `text` takes. @internal @example `bytes += textColumnBytes(ids.length, text);` */
export const textColumnBytes = (count: number, text: string): number => 8 + pad8(4 * count) + pad8(3 * text.length);

/**
 * Writes `strings` (joined as `text` by joinText) as a text column at `off` (8-aligned); returns
 * the end. `area` must hold `off + textColumnBytes(...)` bytes. @internal
 *
 * @example
 * ```ts
 * o = writeTextColumn(area, o, ids, text);
 * ```
 */
export function writeTextColumn(area: BodyArea, off: number, strings: readonly string[], text: string): number {
  const { bytes, i32 } = area;
  const n = strings.length;
  const k = (off + 8) >> 2;
  for (let i = 0; i < n; i++) i32[k + i] = strings[i]!.length;
  // Zeros where the writer pads (the reader checks them: the area is reused, not cleared).
  if (n & 1) i32[k + n] = 0;
  const at = off + 8 + pad8(4 * n);
  const length = bytes.write(text, at, 'utf8');
  i32[off >> 2] = length;
  i32[(off + 4) >> 2] = 0;
  return padTo8(bytes, at + length, 0);
}

/**
 * The `count` strings of the text column at `at`, and where the next column starts. A
 * RangeError for bytes that are not such a column (a length past the text, lengths that do not
 * add up to it, bytes that are not UTF-8, non-zero padding). @internal
 *
 * @example
 * ```ts
 * const { values, next } = readTextColumn(buf, idAt, end, count, 'id');
 * ```
 */
export function readTextColumn(buf: Buffer, at: number, end: number, count: number, what: string): { values: string[]; next: number } {
  if (at + 8 > end) throw new RangeError('columns past the end of the body');
  if (buf.readUInt32LE(at + 4) !== 0) throw new RangeError(`the ${what} text column's second word is not 0`);
  const length = buf.readUInt32LE(at);
  const textAt = at + 8 + padded(4 * count);
  const next = textAt + padded(length);
  if (next > end) throw new RangeError('columns past the end of the body');
  for (let i = at + 8 + 4 * count; i < textAt; i++) if (buf[i] !== 0) throw new RangeError(`the ${what} text column is not padded with zeros`);
  for (let i = textAt + length; i < next; i++) if (buf[i] !== 0) throw new RangeError(`the ${what} text column is not padded with zeros`);
  const text = utf8Text(buf, textAt, textAt + length, `${what} text column`);
  const values = new Array<string>(count);
  let o = 0;
  for (let i = 0; i < count; i++) {
    const l = buf.readInt32LE(at + 8 + 4 * i);
    if (l < 0 || o + l > text.length) throw new RangeError(`the ${what} text column's lengths run past its text`);
    values[i] = text.slice(o, o + l);
    o += l;
  }
  if (o !== text.length) throw new RangeError(`the ${what} text column's lengths do not add up to its text`);
  return { values, next };
}
