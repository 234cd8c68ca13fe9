import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, NodeflowError } from '../../../src/index.js';
import { askRetryDelay, askRetryable } from '../../../src/actors/connection/retry-questions.js';

describe('retry questions (what the connection asks its recovery policy)', () => {
  const base = new GracefulErrorRecovery({ retryDelay: 100, jitter: 0 });
  const withDelay = (retryDelayFor: (k: number) => number) => ({ ...base, retryAttempts: base.retryAttempts, deliveryTimeout: undefined, breaker: base.breaker, isRetryable: () => true, retryDelayFor });

  it('passes the policy answers through, bounded to what a timer honours', () => {
    expect(askRetryable(base, new Error('x'), 'c')).toBe(true);
    expect(askRetryDelay(base, 2, new Error('x'), 'c')).toBe(200);
    expect(askRetryDelay(withDelay(() => 2 ** 40), 1, null, 'c')).toBe(2 ** 31 - 1);
    expect(askRetryDelay(withDelay(() => NaN), 1, null, 'c')).toBe(0);
    expect(askRetryDelay(withDelay(() => -5), 1, null, 'c')).toBe(0);
  });

  it('turns a throwing policy into RETRY_CHECK_FAILED carrying both errors', () => {
    const bug = new Error('bug');
    const boom = new Error('boom');
    const throwing = { ...withDelay(() => { throw bug; }), isRetryable: () => { throw bug; } };
    for (const verdict of [askRetryable(throwing, boom, 'c1'), askRetryDelay(throwing, 1, boom, 'c1')]) {
      expect(verdict).toBeInstanceOf(NodeflowError);
      expect((verdict as NodeflowError).code).toBe('RETRY_CHECK_FAILED');
      expect((verdict as NodeflowError).details).toMatchObject({ connectionId: 'c1', error: boom, thrown: bug });
    }
  });
});
