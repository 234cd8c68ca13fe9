import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_ALERT_STATE, stepAlert, type AlertState } from '../../src/index.js';
import { propParams } from '../support/helpers.js';

const timing = { threshold: 100, clearBelow: 80, forMs: 0, cooldownMs: 1000 };

function run(values: (number | null)[], t = timing, stepMs = 100) {
  let s: AlertState = INITIAL_ALERT_STATE;
  const changes: { at: number; change: 'fire' | 'resolve' }[] = [];
  values.forEach((v, i) => {
    const r = stepAlert(s, v, i * stepMs, t);
    s = r.state;
    if (r.change) changes.push({ at: i * stepMs, change: r.change });
  });
  return { s, changes };
}

describe('stepAlert: hysteresis and cooldown', () => {
  it('a value wobbling around the threshold fires once and does not flap', () => {
    const { changes } = run([120, 99, 101, 95, 110, 90, 105]);
    expect(changes).toEqual([{ at: 0, change: 'fire' }]);
  });

  it('resolves only at or below clearBelow', () => {
    expect(run([120, 85, 81, 80]).changes).toEqual([
      { at: 0, change: 'fire' },
      { at: 300, change: 'resolve' },
    ]);
  });

  it('stays quiet for cooldownMs after resolving, then fires again', () => {
    const { changes } = run([120, 50, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120]);
    expect(changes).toEqual([
      { at: 0, change: 'fire' },
      { at: 100, change: 'resolve' },
      { at: 1100, change: 'fire' },
    ]);
  });

  it('forMs: fires only after the value stayed over for that long; a dip restarts the wait', () => {
    const t = { ...timing, forMs: 300 };
    expect(run([120, 120, 50, 120, 120, 120, 120], t).changes).toEqual([{ at: 600, change: 'fire' }]);
  });

  it('null (nothing measured) keeps a firing alert firing', () => {
    expect(run([120, null, null, 50]).changes).toEqual([
      { at: 0, change: 'fire' },
      { at: 300, change: 'resolve' },
    ]);
  });

  it('property: fire and resolve alternate, start with fire, and fires are cooldownMs apart', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: null }), { maxLength: 200 }), fc.integer({ min: 0, max: 2000 }), (values, cooldownMs) => {
        const { changes } = run(values, { ...timing, cooldownMs });
        changes.forEach((c, i) => expect(c.change).toBe(i % 2 === 0 ? 'fire' : 'resolve'));
        for (let i = 2; i < changes.length; i += 2) expect(changes[i]!.at - changes[i - 1]!.at).toBeGreaterThanOrEqual(cooldownMs);
        // Every fire saw a value above the threshold; every resolve one at or below clearBelow.
        for (const c of changes) {
          const v = values[c.at / 100]!;
          if (c.change === 'fire') expect(v).toBeGreaterThan(timing.threshold);
          else expect(v).toBeLessThanOrEqual(timing.clearBelow);
        }
      }),
      propParams,
    );
  });
});
