import { createBreakerState, openDuration, recordFailure, recordLateFailure, recordSuccess, resetBreaker, type BreakerOptions, type BreakerState } from '../../machines/recovery.logic.js';

/**
 * A connection's circuit breaker, runtime side: the outcome window (pure maths in
 * recovery.logic), whether deliveries are blocked, the half-open probe budget, and an epoch
 * that makes a result from before an open (or from a timed-out probe) count for nothing.
 * The connection machine owns the timers (open → halfOpen, half-open timeout).
 * @internal
 */
export class Breaker {
  readonly state: BreakerState;
  /** No delivery may start (open, or half-open with its probes spent). */
  blocked = false;
  private probes = 0;
  private probesOk = 0;
  private epoch = 0;
  /** Epoch of the attempt in flight when it is a half-open probe, else -1. */
  private probeEpoch = -1;

  constructor(private readonly options: () => BreakerOptions) {
    this.state = createBreakerState(options());
  }

  /** May a new delivery start now? Consumes one probe in half-open. */
  tryStart(): boolean {
    if (!this.blocked) return true;
    if (this.probes <= 0) return false;
    this.probes--;
    this.probeEpoch = this.epoch;
    return true;
  }

  /** A delivery succeeded. Returns true when that closes the breaker (all probes passed). */
  succeeded(): boolean {
    recordSuccess(this.state);
    if (!this.blocked || this.probeEpoch !== this.epoch) return false; // a late result: no effect
    this.probeEpoch = -1;
    if (++this.probesOk < this.options().halfOpenProbes) return false;
    this.close();
    return true;
  }

  /** A delivery failed. Returns the open duration when the breaker must (re)open, else null. */
  failed(): number | null {
    const probe = this.blocked && this.probeEpoch === this.epoch;
    if (this.blocked && !probe) {
      recordLateFailure(this.state); // counted, but it is already open: no re-open, no backoff
      return null;
    }
    const openFor = probe ? openDuration(this.state, this.options()) : recordFailure(this.state, this.options());
    if (openFor !== null) this.open();
    return openFor;
  }

  /** Opens now (manual open, or a half-open that timed out); returns the open duration. */
  forceOpen(): number {
    this.open();
    return openDuration(this.state, this.options());
  }

  /** The machine entered half-open: the probe budget comes from the options in force now. */
  allowProbes(): void {
    this.probes = this.options().halfOpenProbes;
    this.probesOk = 0;
  }

  /** Closes and starts over (probes passed, manual close or reset). */
  close(): void {
    this.blocked = false;
    this.probes = 0;
    this.probeEpoch = -1;
    this.epoch++;
    resetBreaker(this.state);
  }

  private open(): void {
    this.blocked = true;
    this.probes = 0;
    this.probesOk = 0;
    this.probeEpoch = -1;
    this.epoch++;
  }
}
