import { describe, expect, it } from 'vitest';
import { SeenSequences } from '../../../src/io/nats/seen-sequences.js';

describe('SeenSequences', () => {
  it('knows a sequence only with the stored time it was added with (a stream created again starts its sequences over)', () => {
    const seen = new SeenSequences(8);
    seen.add(1, 100);
    expect(seen.has(1, 100)).toBe(true);
    expect(seen.has(1, 200)).toBe(false);
    expect(seen.has(2, 100)).toBe(false);
    seen.add(1, 200);
    expect(seen.has(1, 200)).toBe(true);
    expect(seen.has(1, 100)).toBe(false);
  });

  it('forgets the oldest beyond its capacity and keeps the last ones', () => {
    const seen = new SeenSequences(3);
    for (let s = 1; s <= 5; s++) seen.add(s, s * 10);
    expect([1, 2, 3, 4, 5].map((s) => seen.has(s, s * 10))).toEqual([false, false, true, true, true]);
  });
});
