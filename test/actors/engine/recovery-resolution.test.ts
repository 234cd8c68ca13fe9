import { describe, expect, it } from 'vitest';
import { RecoveryResolution } from '../../../src/actors/engine/recovery-resolution.js';
import { GracefulErrorRecovery, validateStreamConfig, type ErrorRecovery } from '../../../src/index.js';

const config = (asked: Parameters<typeof validateStreamConfig>[0]) => Object.freeze(validateStreamConfig(asked));

describe('RecoveryResolution', () => {
  it('without an engine-wide recovery: one default per config, built from its retry fields', () => {
    const r = new RecoveryResolution();
    const c = config({ retryAttempts: 2, retryDelay: 50 });
    expect(r.for(c)).toBe(r.for(c));
    expect(r.for(c).retryAttempts).toBe(2);
    expect(r.for(config({}))).not.toBe(r.for(c));
  });

  it("the engine-wide recovery applies, except for the retry fields a connection set itself", () => {
    const r = new RecoveryResolution();
    const plain = config({ retryAttempts: 9 });
    const own = config({ retryAttempts: 1 });
    r.remember(own, { retryAttempts: 1 });
    const wide = new GracefulErrorRecovery({ retryAttempts: 5 });
    r.install(wide);
    expect(r.for(plain)).toBe(wide); // 9 came from the engine's defaults, not asked for here
    expect(r.for(own).retryAttempts).toBe(1);
    expect(r.for(own)).toBe(r.for(own)); // derived once
    const next = new GracefulErrorRecovery({ retryAttempts: 7, circuitBreaker: { consecutiveFailures: 9 } });
    r.install(next);
    expect(r.for(own)).not.toBe(wide);
    expect(r.for(own).breaker.consecutiveFailures).toBe(9); // re-derived from the new base
    expect(r.for(own).retryAttempts).toBe(1);
  });

  it('a hand-written ErrorRecovery keeps its own policy with the connection\'s retry fields in force', () => {
    const r = new RecoveryResolution();
    const base: ErrorRecovery = { ...new GracefulErrorRecovery({ retryAttempts: 4, retryDelay: 10 }), retryDelayFor: () => 10, isRetryable: (e) => e !== 'fatal', retryAttempts: 4, breaker: new GracefulErrorRecovery().breaker };
    r.install(base);
    const own = config({ retryDelay: 200 });
    r.remember(own, { retryDelay: 200 });
    const derived = r.for(own);
    expect(derived.retryAttempts).toBe(4);
    expect(derived.retryDelayFor(1)).toBe(200);
    expect(derived.isRetryable('fatal')).toBe(false);
    expect(derived.breaker).toBe(base.breaker);
  });
});
