import { jsonExactNumber } from './body-codec.js';
import { jsonColumn, padded } from './json-column.js';
import { readTextColumn } from './text-column.js';
import { MAX_OBJECT_KEYS, OBJ_F64, OBJ_I32, OBJ_STRING, keyTemplate } from './object-data.js';

// Reading format 5's object data section (body-codec.ts, object-data.ts). Like the rest of the
// decoder it refuses what no writer makes (a key twice, '__proto__', an unknown column kind, a
// boolean byte other than 0 or 1, a number JSON would not have kept, non-zero padding): the
// JetStream store's bodies carry no checksum, so a damaged body must fail, not read as data.

/**
 * The `count` objects of the object data section at `at`, and where the next column starts. A
 * RangeError (or SyntaxError) for bytes that are not such a section. @internal
 *
 * @example
 * ```ts
 * const { values, next } = readObjectData(buf, dataAt, end, count);
 * ```
 */
export function readObjectData(buf: Buffer, at: number, end: number, count: number): { values: Record<string, unknown>[]; next: number } {
  if (at + 8 > end) throw new RangeError('columns past the end of the body');
  const nk = buf.readUInt32LE(at + 4);
  if (nk > MAX_OBJECT_KEYS) throw new RangeError(`the object data has ${nk} keys, more than a writer puts (${MAX_OBJECT_KEYS})`);
  const head = jsonColumn(buf, at, end, nk, 'object key', nk);
  const keys = head.values;
  for (let c = 0; c < nk; c++) {
    const k = keys[c];
    if (typeof k !== 'string' || k === '__proto__' || keys.indexOf(k) !== c) throw new RangeError(`the object data's key ${JSON.stringify(k)} is not one a writer puts`);
  }
  // Each object is a copy of this one (spread defines own properties, as JSON.parse does), its
  // values then set by assignment to its own properties. A writer puts the keys in the order an
  // object lists them, integer-like keys first: keys in another order (two of them swapped)
  // would put each column under the other's name.
  const template = keyTemplate(keys as string[]);
  if (template === undefined) throw new RangeError(`the object data's keys are not in the order a writer puts them (${JSON.stringify(keys)})`);
  const kindsAt = head.next;
  let o = kindsAt + padded(nk);
  if (o > end) throw new RangeError('columns past the end of the body');
  zeroPadding(buf, kindsAt + nk, o, 'kinds');
  const values = new Array<Record<string, unknown>>(count);
  for (let i = 0; i < count; i++) values[i] = { ...template };
  for (let c = 0; c < nk; c++) {
    const key = keys[c] as string;
    const kind = buf[kindsAt + c]!;
    if (kind === OBJ_STRING) {
      const col = readTextColumn(buf, o, end, count, `${JSON.stringify(key)} string`);
      for (let i = 0; i < count; i++) values[i]![key] = col.values[i];
      o = col.next;
      continue;
    }
    const bytes = kind === OBJ_I32 ? padded(4 * count) : kind === OBJ_F64 ? 8 * count : padded(count);
    if (kind > OBJ_STRING) throw new RangeError(`unknown object column kind ${kind}`);
    if (o + bytes > end) throw new RangeError('columns past the end of the body');
    if (kind === OBJ_I32) {
      for (let i = 0; i < count; i++) values[i]![key] = buf.readInt32LE(o + 4 * i);
      zeroPadding(buf, o + 4 * count, o + bytes, 'i32 column');
    } else if (kind === OBJ_F64) {
      for (let i = 0; i < count; i++) {
        const v = buf.readDoubleLE(o + 8 * i);
        if (!jsonExactNumber(v)) throw new RangeError(`the number column of ${JSON.stringify(key)} holds ${Object.is(v, -0) ? '-0' : v}, which JSON would not keep`);
        values[i]![key] = v;
      }
    } else {
      for (let i = 0; i < count; i++) {
        const b = buf[o + i]!;
        if (b > 1) throw new RangeError(`the boolean column of ${JSON.stringify(key)} holds ${b}`);
        values[i]![key] = b === 1;
      }
      zeroPadding(buf, o + count, o + bytes, 'boolean column');
    }
    o += bytes;
  }
  return { values, next: o };
}

function zeroPadding(buf: Buffer, from: number, to: number, what: string): void {
  for (let i = from; i < to; i++) if (buf[i] !== 0) throw new RangeError(`the object data's ${what} is not padded with zeros`);
}
