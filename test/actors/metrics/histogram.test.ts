import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/index.js';
import { NUM_RUNS } from '../../support/helpers.js';

describe('LatencyHistogram', () => {
  it('percentiles match the exact ones within the bucket resolution (1/64 relative, 1 µs absolute)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 2000 }), fc.constantFrom(50, 90, 95, 99, 99.9, 100), (xs, p) => {
        const h = new LatencyHistogram();
        for (const x of xs) h.record(x);
        const sorted = [...xs].sort((a, b) => a - b);
        const exact = sorted[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
        const got = h.percentile(p);
        expect(got).toBeGreaterThanOrEqual(exact - 0.001);
        expect(got).toBeLessThanOrEqual(exact * (1 + 1 / 64) + 0.001);
        expect(h.count).toBe(xs.length);
        expect(h.max).toBe(Math.max(...xs));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an empty histogram shares one read-only bucket array; the first record gives it its own', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.reset();
    expect([a.count, a.percentile(99), LatencyHistogram.percentileOf([a, b], 99)]).toEqual([0, 0, 0]);
    a.record(5);
    expect(a.percentile(50)).toBeCloseTo(5, 0);
    // b was untouched by a's record: still empty, and still correct once it records.
    expect(b.count).toBe(0);
    expect(LatencyHistogram.percentileOf([a, b], 50)).toBeCloseTo(5, 0);
    b.record(100);
    expect(b.percentile(50)).toBeCloseTo(100, 0);
    expect(a.percentile(100)).toBeCloseTo(5, 0);
  });

  it('buckets exactly as floor(log2) would, at powers of two, around them, and across 9 decades, and for epoch-sized values', () => {
    const SUB = 64;
    const reference = (ms: number) => {
      const us = ms * 1000;
      if (!(us >= 1)) return 0;
      if (us === Number.POSITIVE_INFINITY) return 64 * SUB - 1;
      let e = Math.floor(Math.log2(us));
      while (2 ** e > us) e--; // Math.log2 may round up just below a power of two
      while (2 ** (e + 1) <= us) e++;
      return Math.min(64 * SUB - 1, 1 + e * SUB + Math.floor((us / 2 ** e - 1) * SUB));
    };
    const index = (ms: number) => (LatencyHistogram as unknown as { index(ms: number): number }).index(ms);
    const values: number[] = [0, 0.0005, 0.001, 1e9, 1.8e12, Number.NaN, Number.POSITIVE_INFINITY];
    for (let e = 0; e < 60; e++) for (const d of [-1e-9, 0, 1e-9]) values.push(2 ** e / 1000 + d, 2 ** e / 1000 * (1 + d));
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // deterministic spread over 1 ns .. 1e6 ms
      values.push(10 ** ((x / 2147483648) * 9 - 3));
    }
    for (const v of values) expect(index(v), String(v)).toBe(reference(v));
  });
});
