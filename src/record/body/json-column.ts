// Reading a JSON column of a record body (body-codec.ts): the ids and keys (format 4), the data
// (format 3), and format 5's object keys and string columns. Shared by the decoders.

/** Fatal: a byte that is not UTF-8 throws rather than reading as U+FFFD. Keeps a leading U+FEFF (a string may start with one). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of `buf[start..end)`, which must be UTF-8: a RangeError naming `what` otherwise, so
 * a damaged byte is refused, not read as U+FFFD (the JetStream store's bodies carry no
 * checksum). As fast here as Buffer's toString, which does not check. @internal
 *
 * @example
 * ```ts
 * const text = utf8Text(buf, at + 8, at + 8 + length, 'id column');
 * ```
 */
export function utf8Text(buf: Buffer, start: number, end: number, what: string): string {
  try {
    return UTF8.decode(buf.subarray(start, end));
  } catch {
    throw new RangeError(`the ${what} is not UTF-8`);
  }
}

/**
 * A JSON column's values and where the next column starts. @internal
 *
 * @example
 * ```ts
 * const { values, next } = jsonColumn(buf, at, end, count, 'id', 0);
 * ```
 */
export interface JsonColumn {
  readonly values: unknown[];
  /** The u32 after the length (the data column's count of exact numbers). */
  readonly second: number;
  readonly next: number;
}

/**
 * The JSON column at `at`: u32 byte length, u32 (`second`, checked when given), the JSON array
 * of `count` values padded to 8 bytes. The ids and keys (format 4) and format 5's string
 * columns are this, with 0; format 5's object keys, with the number of keys; the data column
 * adds its pairs. A RangeError (or SyntaxError) for bytes that are not such a column. @internal
 *
 * @example
 * ```ts
 * const ids = jsonColumn(buf, idAt, end, count, 'id', 0);
 * ```
 */
export function jsonColumn(buf: Buffer, at: number, end: number, count: number, what: string, second?: number): JsonColumn {
  if (at + 8 > end) throw new RangeError('columns past the end of the body');
  if (second !== undefined && buf.readUInt32LE(at + 4) !== second) throw new RangeError(`the JSON ${what} column's second word is not ${second}`);
  const length = buf.readUInt32LE(at);
  const next = at + 8 + padded(length); // padded from the column's start, which the writer 8-aligned
  if (next > end) throw new RangeError('columns past the end of the body');
  const values: unknown = JSON.parse(utf8Text(buf, at + 8, at + 8 + length, `JSON ${what} column`));
  if (!Array.isArray(values) || values.length !== count) throw new RangeError(`the JSON ${what} column does not hold ${count} values`);
  return { values, second: buf.readUInt32LE(at + 4), next };
}

/** `x` rounded up to a multiple of 8, exact for any safe integer (pad8 is 32-bit). @internal @example `const next = at + 8 + padded(length);` */
export const padded = (x: number): number => x + ((8 - (x % 8)) % 8);
