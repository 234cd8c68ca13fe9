import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord, splitCsv } from '../../../src/io/file/csv.js';
import { LineSplitter } from '../../../src/io/file/lines.js';

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are chunked, numbered from 1, CRLF or LF', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r\n', 'é') }), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const bytes = Buffer.from(parts.join(''));
        const s = new LineSplitter(1 << 20);
        const got: string[] = [];
        let at = 0;
        for (const c of [...cuts.map((k) => k % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          for (const l of s.push(bytes.subarray(at, Math.max(at, c)))) got.push(l.bytes.toString());
          at = Math.max(at, c);
        }
        for (const l of s.end()) got.push(l.bytes.toString());
        const text = bytes.toString();
        const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (text.endsWith('\n') || text === '') expected.pop();
        expect(got).toEqual(expected);
      }),
    );
  });

  it('skips an over-long line without keeping it, and counts it once at its line number', () => {
    const s = new LineSplitter(4);
    const out = [...s.push(Buffer.from('ok\n0123456')), ...s.push(Buffer.from('789\nfine\n'))];
    expect(out.map((l) => [l.line, l.oversized, l.bytes.toString()])).toEqual([
      [1, false, 'ok'],
      [2, true, ''],
      [3, false, 'fine'],
    ]);
  });
});

describe('splitCsv / csvRecord', () => {
  it('splits quoted fields, refuses unbalanced quotes, keys records by the header', () => {
    expect(splitCsv('1,"a, b","say ""hi""",')).toEqual(['1', 'a, b', 'say "hi"', '']);
    expect(splitCsv('"open')).toBeNull();
    expect(splitCsv('"a"b')).toBeNull();
    expect(csvRecord(['t', 'v', 'z'], ['1', 'x', ''], true)).toEqual({ t: 1, v: 'x', z: '' });
    expect(csvRecord(['t'], ['1', '2'], true)).toBeNull();
  });
});
