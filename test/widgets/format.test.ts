import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatNumber, spanDigits } from '../../src/widgets/format.js';
import { NUM_RUNS } from '../support/helpers.js';

describe('formatNumber', () => {
  it('uses compact notation when the plain number does not fit', () => {
    expect(formatNumber(140287.004, { maxChars: 5 })).toBe('140k');
    expect(formatNumber(1_402_870, { maxChars: 5 })).toBe('1.4M');
    expect(formatNumber(-2_100_000_000, { maxChars: 5 })).toBe('-2.1G');
    expect(formatNumber(12_345, { maxChars: 4 })).toBe('12k');
    expect(formatNumber(3e12, { maxChars: 4 })).toBe('3T');
  });

  it('carries a value that rounds up into the next suffix', () => {
    expect(formatNumber(999_960, { maxChars: 5 })).toBe('1M');
    expect(formatNumber(999_400, { maxChars: 5 })).toBe('999k');
  });

  it('picks about three significant digits by magnitude', () => {
    expect(formatNumber(71.914)).toBe('71.9');
    expect(formatNumber(-77.564)).toBe('-77.6');
    expect(formatNumber(4.2666)).toBe('4.27');
    expect(formatNumber(140.4)).toBe('140');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0, { digits: 1 })).toBe('0.0');
  });

  it('drops decimals before switching to compact', () => {
    expect(formatNumber(181245, { maxChars: 8, digits: 1, grouping: true })).toBe('181,245');
    expect(formatNumber(181245, { maxChars: 9, digits: 1, grouping: true })).toBe('181,245.0');
    expect(formatNumber(-100, { maxChars: 5, digits: 2 })).toBe('-100');
    // The value tile's big number.
    expect(formatNumber(181245.345, { maxChars: 9, digits: 2, grouping: true })).toBe('181,245.3');
    expect(formatNumber(2.5e10, { maxChars: 9, digits: 2, grouping: true })).toBe('25G');
  });

  it('never shows a sign on a value that rounds to zero, and keeps tiny values visible', () => {
    expect(formatNumber(-0.0004, { digits: 2 })).toBe('0.00');
    expect(formatNumber(0.0004)).toBe('4.0e-4');
    expect(formatNumber(5e-324, { maxChars: 5 })).toBe('0');
    expect(formatNumber(-0.0004, { maxChars: 5 })).toBe('-4e-4');
  });

  it('shows a dash for NaN and infinities', () => {
    for (const v of [Number.NaN, Infinity, -Infinity]) expect(formatNumber(v)).toBe('–');
  });

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e14, max: 1e14 }), fc.integer({ min: 5, max: 10 })], { numRuns: NUM_RUNS })(
    'fits maxChars (up to 100T) and keeps the value within its shown precision',
    (v, maxChars) => {
      const s = formatNumber(v, { maxChars });
      expect(s.length).toBeLessThanOrEqual(maxChars);
      const m = /^(-?[\d.]+)(e[+-]\d+)?([kMGT]?)$/.exec(s);
      expect(m, s).not.toBeNull();
      const scale = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m![3]!]!;
      const shown = Number(m![1]! + (m![2] ?? '')) * scale;
      // Compact keeps two significant digits at least: within 5 % (or the rounding step near 0).
      expect(Math.abs(shown - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 0.05, 0.005 + 1e-12));
    },
  );
});

describe('spanDigits', () => {
  it('gives one axis one number of decimals, so a middle near zero reads 0', () => {
    const [min, max] = [-99.97, 99.95];
    const digits = spanDigits(max - min);
    expect([min, (min + max) / 2, max].map((v) => formatNumber(v, { digits }))).toEqual(['-100', '0', '100']);
    expect(spanDigits(42)).toBe(1);
    expect(spanDigits(0.5)).toBe(2);
    expect(spanDigits(Number.NaN)).toBe(0);
  });
});
