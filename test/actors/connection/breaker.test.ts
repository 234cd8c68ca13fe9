import { describe, expect, it } from 'vitest';
import { Breaker } from '../../../src/actors/connection/breaker.js';
import { DEFAULT_BREAKER } from '../../../src/actors/policies/error-recovery.js';

const options = { ...DEFAULT_BREAKER, consecutiveFailures: 2, halfOpenProbes: 2, resetTimeout: 100, maxResetTimeout: 1000 };

describe('Breaker: window maths and probe budget (open and half-open are the machine state)', () => {
  it('opens after the failure run, with the open time backing off per open', () => {
    const b = new Breaker(() => options);
    expect(b.failed(false, false)).toBeNull();
    expect(b.failed(false, false)).toBe(100);
    expect(b.open()).toBe(200); // a manual open or a failed probe: next backoff
    expect(b.failed(false, true)).toBeNull(); // from before the open: counted, nothing more
    expect(b.state.windowFailures).toBe(3);
  });

  it('hands out exactly halfOpenProbes per round; closing needs them all; an older round decides nothing', () => {
    const b = new Breaker(() => options);
    b.allowProbes();
    const p1 = b.takeProbe();
    const p2 = b.takeProbe();
    expect([p1 > 0, p2 > 0, b.takeProbe()]).toEqual([true, true, 0]);
    b.allowProbes(); // a new round (the circuit re-opened and half-opened again)
    expect(b.isProbe(p1)).toBe(false);
    const p3 = b.takeProbe();
    expect(b.succeeded(b.isProbe(p3))).toBe(false);
    expect(b.succeeded(b.isProbe(b.takeProbe()))).toBe(true);
    expect(b.state.reopens).toBe(0); // closing starts the backoff over
  });

  it('a failed probe re-opens at once and spends the rest of the budget', () => {
    const b = new Breaker(() => options);
    b.allowProbes();
    const p = b.takeProbe();
    expect(b.failed(b.isProbe(p), true)).toBe(100);
    expect(b.takeProbe()).toBe(0);
  });
});
