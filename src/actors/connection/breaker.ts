import { createBreakerState, openDuration, recordFailure, recordLateFailure, recordSuccess, resetBreaker, type BreakerOptions, type BreakerState } from '../../machines/recovery.logic.js';

/**
 * A connection's circuit breaker, runtime side: the outcome window (pure maths in
 * recovery.logic) and the half-open probe budget, nothing else. Whether the circuit is open or
 * half-open is the connection machine's state (`circuitOpen`, `halfOpen`), and the machine owns
 * the timers; the caller says which mode a verdict arrives in.
 *
 * @example
 * ```ts
 * const breaker = new Breaker(() => recovery.breaker);
 * const openFor = breaker.failed(false, false); // null, or how long to stay open
 * ```
 * @internal
 */
export class Breaker {
  readonly state: BreakerState;
  private probes = 0;
  private probesOk = 0;
  /**
   * Counts half-open rounds, so a probe is recognised as one of the current round: a probe from
   * an earlier round (the circuit re-opened by hand meanwhile) decides nothing.
   */
  private round = 0;

  constructor(private readonly options: () => BreakerOptions) {
    this.state = createBreakerState(options());
  }

  /** Half-open began: the probe budget comes from the options in force now. */
  allowProbes(): void {
    this.round++;
    this.probes = this.options().halfOpenProbes;
    this.probesOk = 0;
  }

  /** In half-open, may one more probe start? Returns its round (> 0), or 0 when spent. */
  takeProbe(): number {
    if (this.probes <= 0) return 0;
    this.probes--;
    return this.round;
  }

  /** Is `probe` (from {@link takeProbe}, 0 for none) a probe of the current round? */
  isProbe(probe: number): boolean {
    return probe !== 0 && probe === this.round;
  }

  /** A delivery succeeded. Returns true when it was the last probe the round needed. */
  succeeded(probe: boolean): boolean {
    recordSuccess(this.state);
    if (!probe || ++this.probesOk < this.options().halfOpenProbes) return false;
    this.reset(); // the circuit closes: counters and the open-time backoff start over
    return true;
  }

  /**
   * A delivery failed. `circuit` says the circuit is already open or half-open. Returns the open
   * duration when the circuit must (re)open, else null.
   */
  failed(probe: boolean, circuit: boolean): number | null {
    if (probe) return this.open();
    if (circuit) {
      recordLateFailure(this.state); // from before the open: counted, no re-open, no backoff
      return null;
    }
    const openFor = recordFailure(this.state, this.options());
    if (openFor !== null) this.probes = 0;
    return openFor;
  }

  /** Opens now (by hand, a failed probe, or a half-open that timed out); returns the open duration. */
  open(): number {
    this.probes = 0;
    return openDuration(this.state, this.options());
  }

  /** Forgets the history (window, failure run, open-time backoff) and any probe budget. */
  reset(): void {
    this.probes = 0;
    this.probesOk = 0;
    resetBreaker(this.state);
  }
}
