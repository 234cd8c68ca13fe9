import { MAX_DELAY_MS } from '../../clock.js';
import { NodeflowError, errorMessage } from '../../errors.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';

/**
 * Asks the policy whether a failed batch may be retried. A predicate that throws is reported,
 * not swallowed: the answer is a `RETRY_CHECK_FAILED` error carrying both errors, and the batch
 * is dead-lettered with it (a predicate that fails cannot say "retry").
 *
 * @example
 * ```ts
 * const verdict = askRetryable(recovery, error, connection.id); // true, false, or the error to dead-letter with
 * ```
 */
export function askRetryable(rec: ErrorRecovery, error: unknown, connectionId: string): boolean | NodeflowError {
  try {
    return rec.isRetryable(error) === true;
  } catch (thrown) {
    return checkFailed('isRetryable', thrown, error, connectionId);
  }
}

/**
 * Asks the policy for the delay before retry `attempt`, bounded to what a timer honours
 * ([0, 2^31 − 1] ms; NaN is 0), since Node turns a longer timeout into 1 ms. A policy that
 * throws is reported like a throwing `isRetryable`.
 *
 * @example
 * ```ts
 * const delay = askRetryDelay(recovery, 1, error, connection.id); // 100, or a RETRY_CHECK_FAILED error
 * ```
 */
export function askRetryDelay(rec: ErrorRecovery, attempt: number, error: unknown, connectionId: string): number | NodeflowError {
  try {
    const d = Number(rec.retryDelayFor(attempt));
    return d > 0 ? Math.min(d, MAX_DELAY_MS) : 0;
  } catch (thrown) {
    return checkFailed('retryDelayFor', thrown, error, connectionId);
  }
}

function checkFailed(what: string, thrown: unknown, error: unknown, connectionId: string): NodeflowError {
  return new NodeflowError('RETRY_CHECK_FAILED', `${what} threw on connection ${connectionId} (${errorMessage(thrown)}); the batch was dead-lettered. Delivery error: ${errorMessage(error)}`, { connectionId, error, thrown });
}
