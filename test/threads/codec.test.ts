import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValues, encodeData, encodeValues, transferList } from '../../src/threads/codec.js';
import { NUM_RUNS } from '../support/helpers.js';

describe('thread codec', () => {
  it('picks the compact form when every value allows it, structured clone otherwise', () => {
    expect(encodeValues([1, 2.5, -0]).kind).toBe('f64');
    expect(encodeValues(['a', 'héllo', '😀']).kind).toBe('str');
    expect(encodeValues([{ x: 1, y: 2 }, { x: 3, y: 4 }]).kind).toBe('rec');
    expect(encodeValues([1, 'a']).kind).toBe('clone');
    expect(encodeValues([{ x: 1 }, { y: 1 }]).kind).toBe('clone'); // other keys
    expect(encodeValues([{ x: 1, y: 2 }, { y: 2, x: 1 }]).kind).toBe('clone'); // other key order
    expect(encodeValues([{ x: 'a' }]).kind).toBe('clone');
    expect(encodeValues(['\ud800']).kind).toBe('clone'); // a lone surrogate does not survive UTF-8
    expect(encodeValues([]).kind).toBe('clone');
    expect(encodeData([{ data: 1 }, { data: 2 }]).kind).toBe('f64');
  });

  it('keeps an own "__proto__" key of a record (such a batch goes by structured clone)', () => {
    const vs = [JSON.parse('{"__proto__": 1, "x": 2}'), JSON.parse('{"__proto__": 3, "x": 4}')] as Record<string, unknown>[];
    const back = decodeValues(encodeValues(vs)) as Record<string, unknown>[];
    expect(back.map((r) => Object.getOwnPropertyDescriptor(r, '__proto__')?.value)).toEqual([1, 3]);
    expect(back.map((r) => r.x)).toEqual([2, 4]);
  });

  it('decodes to what was encoded, in every form (property)', () => {
    const flat = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.double(), { minKeys: 1 });
    const values = fc.oneof(
      fc.array(fc.double()),
      fc.array(fc.string({ unit: 'grapheme' })),
      flat.chain((shape) => {
        const keys = Object.keys(shape);
        return fc.array(fc.array(fc.double(), { minLength: keys.length, maxLength: keys.length }).map((xs) => Object.fromEntries(keys.map((k, i) => [k, xs[i]]))));
      }),
      fc.array(fc.jsonValue()),
    );
    fc.assert(
      fc.property(values, (vs) => {
        const enc = encodeValues(vs);
        expect(decodeValues(enc)).toEqual(vs);
        // Every buffer it hands over for transfer is its own (none of the caller's arrays).
        for (const b of transferList(enc)) expect(b).toBeInstanceOf(ArrayBuffer);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
