import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER } from '../../src/index.js';
import { createBreakerState, failureRate, recordLateFailure, recordSuccess, resetBreaker } from '../../src/machines/recovery.logic.js';
import { propParams } from '../support/helpers.js';

describe('breaker window', () => {
  it('counts exactly the last windowSize outcomes, whenever the first failure comes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(fc.boolean(), { maxLength: 60 }), fc.nat(60), (windowSize, outcomes, resetAt) => {
        const o = { ...DEFAULT_BREAKER, windowSize, minimumThroughput: 1 };
        const s = createBreakerState(o);
        let seen: boolean[] = [];
        outcomes.forEach((failed, i) => {
          if (i === resetAt) {
            resetBreaker(s);
            seen = [];
          }
          if (failed) recordLateFailure(s);
          else recordSuccess(s);
          seen.push(failed);
          const last = seen.slice(-windowSize);
          expect(s.windowCount).toBe(last.length);
          expect(s.windowFailures).toBe(last.filter(Boolean).length);
          expect(failureRate(s, o)).toBe(last.filter(Boolean).length / last.length);
        });
      }),
      propParams,
    );
  });

  it('stores no window until the first failure: an all-success window is all zeros', () => {
    const s = createBreakerState(DEFAULT_BREAKER);
    for (let i = 0; i < 100; i++) recordSuccess(s);
    expect(s.window).toBeNull();
    recordLateFailure(s);
    expect(s.window).toBeInstanceOf(Uint8Array);
    expect(s.windowFailures).toBe(1);
    expect(s.windowCount).toBe(DEFAULT_BREAKER.windowSize);
  });
});
