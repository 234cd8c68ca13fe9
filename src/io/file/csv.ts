/**
 * Splits one CSV record (RFC 4180 quoting on one line: `"a, b"`, `"say ""hi"""`) into its
 * fields, or `null` when its quotes do not balance.
 *
 * @example
 * ```ts
 * splitCsv('1,"a, b","say ""hi"""'); // ['1', 'a, b', 'say "hi"']
 * splitCsv('"open'); // null
 * ```
 * @internal
 */
export function splitCsv(line: string, delimiter = ','): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== delimiter) return null;
      i++;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) return fields.push(line.slice(i)), fields;
      fields.push(line.slice(i, d));
      i = d + 1;
    }
  }
}

/**
 * A CSV record as an object keyed by the header row, or `null` when its field count differs.
 * With `numbers`, a field that reads as a finite number becomes one (`'21.5'` -> 21.5).
 *
 * @example
 * ```ts
 * csvRecord(['t', 'v'], ['1', 'x'], true); // { t: 1, v: 'x' }
 * ```
 * @internal
 */
export function csvRecord(header: readonly string[], fields: readonly string[], numbers: boolean): Record<string, unknown> | null {
  if (fields.length !== header.length) return null;
  const o: Record<string, unknown> = {};
  for (let i = 0; i < header.length; i++) {
    const f = fields[i]!;
    const n = numbers && f.trim() !== '' ? Number(f) : NaN;
    o[header[i]!] = Number.isFinite(n) ? n : f;
  }
  return o;
}
