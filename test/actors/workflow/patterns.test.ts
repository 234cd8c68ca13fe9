import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PATTERNS, patternGenerator, seededRandom } from '../../../src/index.js';
import { propParams } from '../../support/helpers.js';

describe('data patterns', () => {
  it('sequential counts from offset by step', () => {
    const f = patternGenerator('sequential', { offset: 10, step: 2.5 });
    expect([0, 1, 2, 3].map(f)).toEqual([10, 12.5, 15, 17.5]);
  });

  it('sine-wave: period messages per cycle, amplitude around offset', () => {
    const f = patternGenerator('sine-wave', { amplitude: 3, period: 4, offset: 1 });
    expect([0, 1, 2, 3, 4].map((i) => Number(f(i).toFixed(9)))).toEqual([1, 4, 1, -2, 1]);
  });

  it('step: alternates -amplitude / +amplitude every period messages', () => {
    const f = patternGenerator('step', { amplitude: 5, period: 2 });
    expect([0, 1, 2, 3, 4].map(f)).toEqual([-5, -5, 5, 5, -5]);
  });

  it('property: random and noisy patterns stay within offset ± amplitude (+ noise) and repeat with the seed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DATA_PATTERNS), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (pattern, seed, amplitude, noise) => {
        const a = patternGenerator(pattern, { seed, amplitude, noise, period: 7 });
        const b = patternGenerator(pattern, { seed, amplitude, noise, period: 7 });
        for (let i = 0; i < 50; i++) {
          const v = a(i);
          expect(b(i)).toBe(v); // same seed, same values
          if (pattern !== 'sequential') expect(Math.abs(v)).toBeLessThanOrEqual(amplitude * (1 + noise) + 1e-9);
        }
      }),
      propParams,
    );
  });

  it('seededRandom: in [0, 1), different seeds differ', () => {
    const r = seededRandom(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(2)()).not.toBe(seededRandom(1)());
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
