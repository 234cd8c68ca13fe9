import { decodePayload, type Decoded } from '../payload.js';
import { csvRecord, splitCsv } from './csv.js';
import type { Line } from './lines.js';

/**
 * Turns the lines of an NDJSON or CSV file into values. CSV's first line is its header; a
 * record whose quotes do not balance or whose field count differs is malformed. Blank lines
 * are skipped (`undefined`).
 *
 * @example
 * ```ts
 * const d = new LineDecoder('csv', 1 << 20, true);
 * d.decode(line1); // undefined (the header)
 * d.decode(line2); // { ok: true, data: { t: 1, v: 'x' } }
 * ```
 * @internal
 */
export class LineDecoder {
  private header: string[] | undefined;

  constructor(
    private readonly format: 'ndjson' | 'csv',
    private readonly maxLineBytes: number,
    private readonly numbers: boolean,
  ) {}

  /** True once a CSV header was read (always for NDJSON). */
  get hasHeader(): boolean {
    return this.format === 'ndjson' || this.header !== undefined;
  }

  decode(l: Line): Decoded | undefined {
    if (l.oversized) return { ok: false, code: 'OVERSIZED_PAYLOAD', message: `line longer than maxLineBytes (${this.maxLineBytes})` };
    if (this.format === 'ndjson') {
      if (isBlank(l.bytes)) return undefined;
      return decodePayload(l.bytes, 'json', this.maxLineBytes);
    }
    const t = decodePayload(l.bytes, 'text', this.maxLineBytes);
    if (!t.ok) return t;
    const text = t.data as string;
    if (text.trim() === '') return undefined;
    const fields = splitCsv(text);
    if (!fields) return { ok: false, code: 'MALFORMED_PAYLOAD', message: 'CSV quotes do not balance' };
    if (!this.header) {
      this.header = fields;
      return undefined;
    }
    const record = csvRecord(this.header, fields, this.numbers);
    if (!record) return { ok: false, code: 'MALFORMED_PAYLOAD', message: `CSV record has ${fields.length} fields, the header ${this.header.length}` };
    return { ok: true, data: record };
  }
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 32 && b[i] !== 9) return false;
  return true;
}
