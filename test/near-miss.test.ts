import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nearMisses } from '../src/near-miss.js';

describe('nearMisses', () => {
  it('orders by edit distance, ties in the order given, duplicates once', () => {
    expect(nearMisses('a:output', ['b:in', 'a:out->b:in', 'a:out', 'a:out'])).toEqual(['a:out', 'a:out->b:in', 'b:in']);
    expect(nearMisses('ab', ['xb', 'ay'])).toEqual(['xb', 'ay']); // a tie keeps the given order
    expect(nearMisses('chart', ['chart2', 'cart', 'heart'], 2)).toEqual(['chart2', 'cart']);
    expect(nearMisses('x', [])).toEqual([]);
  });

  test.prop([fc.string(), fc.uniqueArray(fc.string(), { maxLength: 20 })])('an exact match always comes first', (wanted, others) => {
    expect(nearMisses(wanted, [...others, wanted])[0]).toBe(wanted);
  });
});
