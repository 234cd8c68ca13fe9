import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADAPTIVE_LAW as LAW, decide, type Knobs, type Signals } from '../../src/index.js';
import { NUM_RUNS } from '../support/helpers.js';

const knobsArb: fc.Arbitrary<Knobs> = fc.record({
  maxBatchSize: fc.integer({ min: LAW.maxBatchSize.min, max: LAW.maxBatchSize.max }),
  batchTimeout: fc.integer({ min: LAW.batchTimeout.min, max: LAW.batchTimeout.max }),
  dropThreshold: fc.double({ min: LAW.dropThreshold.min, max: LAW.dropThreshold.max, noNaN: true }),
});
const signalsArb: fc.Arbitrary<Signals> = fc.record({
  utilization: fc.double({ min: 0, max: 1, noNaN: true }),
  dropped: fc.nat(1000),
  busyRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  loopDelayMs: fc.double({ min: 0, max: 200, noNaN: true }),
});
const inBounds = (k: Knobs) =>
  k.maxBatchSize >= LAW.maxBatchSize.min && k.maxBatchSize <= LAW.maxBatchSize.max &&
  k.batchTimeout >= LAW.batchTimeout.min && k.batchTimeout <= LAW.batchTimeout.max &&
  k.dropThreshold >= LAW.dropThreshold.min && k.dropThreshold <= LAW.dropThreshold.max;

describe('adaptive control law (pure)', () => {
  it('keeps every knob inside its bounds and changes at most one knob per interval', () => {
    fc.assert(
      fc.property(knobsArb, knobsArb, fc.array(signalsArb, { maxLength: 50 }), (start, base, trace) => {
        let k = start;
        let calm = 0;
        for (const s of trace) {
          const r = decide(k, base, s, LAW, calm);
          expect(inBounds(r.knobs)).toBe(true);
          const changed = (Object.keys(k) as (keyof Knobs)[]).filter((key) => k[key] !== r.knobs[key]);
          expect(changed.length).toBeLessThanOrEqual(1);
          if (r.change) expect(changed).toEqual([r.change.knob]);
          k = r.knobs;
          calm = r.calm;
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('settles: under constant signals it stops changing within a bounded number of intervals', () => {
    fc.assert(
      fc.property(knobsArb, signalsArb, (start, s) => {
        let k = start;
        let calm = 0;
        let lastChange = -1;
        for (let i = 0; i < 200; i++) {
          const r = decide(k, start, s, LAW, calm);
          if (r.change) lastChange = i;
          k = r.knobs;
          calm = r.calm;
        }
        expect(lastChange).toBeLessThan(100);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('dead band: moderate load (between the bands) never moves a knob', () => {
    const k: Knobs = { maxBatchSize: 50, batchTimeout: 16, dropThreshold: 0.9 };
    for (let i = 0; i < 20; i++) expect(decide(k, k, { utilization: 0.4, dropped: 0, busyRatio: 0.5, loopDelayMs: 20 }, LAW, i).change).toBeNull();
  });

  it('under pressure grows batches first, then sheds later; calm eases back to base', () => {
    const base: Knobs = { maxBatchSize: 50, batchTimeout: 16, dropThreshold: 0.9 };
    const hot: Signals = { utilization: 0.95, dropped: 10, busyRatio: 1, loopDelayMs: 0 };
    const quiet: Signals = { utilization: 0, dropped: 0, busyRatio: 0.01, loopDelayMs: 0 };
    const seen: string[] = [];
    let k = base;
    let calm = 0;
    for (let i = 0; i < 8; i++) {
      const r = decide(k, base, hot, LAW, calm);
      if (r.change) seen.push(`${r.change.knob}:${r.change.to}`);
      (k = r.knobs), (calm = r.calm);
    }
    expect(seen.slice(0, 4)).toEqual(['maxBatchSize:100', 'maxBatchSize:200', 'maxBatchSize:400', 'maxBatchSize:500']);
    expect(seen[4]).toMatch(/^dropThreshold:/);
    for (let i = 0; i < 100; i++) {
      const r = decide(k, base, quiet, LAW, calm);
      (k = r.knobs), (calm = r.calm);
    }
    expect(k).toEqual(base);
  });
});
