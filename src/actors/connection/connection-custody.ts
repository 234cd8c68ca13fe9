import type { Batch, StreamMessage } from '../../message.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';
import type { ConnectionWatcher, SettleObserver } from './transport-hooks.js';
import { ConnectionCircuit } from './connection-circuit.js';

/**
 * Transport layer of a connection: the two hooks a connection across processes needs at its
 * ends (docs/semantics.md, "Connections across processes"). At the producer end the target (an
 * outlet) keeps custody of what it was delivered, so frames still in transit count in this
 * connection's occupancy (watermarks, `writer.ready`, full) and `inFlight` until the far end
 * settles them; at the consumer end the source feeding it (an inlet) watches settlement and
 * reads the room left. A connection that uses neither pays one test per batch.
 *
 * @example
 * ```ts
 * const c = engine.getConnection(id);
 * c.keepCustody(); // from now on a delivered batch stays in flight until released
 * c.releaseCustody(50, 2); // 48 delivered and 2 dead-lettered at the far end
 * ```
 */
export abstract class ConnectionCustody extends ConnectionCircuit {
  /** From now on a delivered batch stays in occupancy and `inFlight` until `releaseCustody`. @internal */
  keepCustody(): void {
    if (!this.mode.final) this.custody = true;
  }

  /** Messages delivered into custody and not yet released. @internal */
  get custodyHeld(): number {
    return this.custodied;
  }

  /**
   * `count` messages in custody settled at the far end, `deadLettered` of them dead-lettered
   * there: they leave occupancy, so watermarks, `ready` and waiting producers move now. After a
   * dispose (what was held was counted `dropped(shutdown)`) a release counts for nothing.
   * @internal
   */
  releaseCustody(count: number, deadLettered: number): void {
    if (!this.custody || count <= 0) return;
    this.custodied -= count;
    this.delivered += count - deadLettered;
    this.deadLettered += deadLettered;
    this.custodyReleased += count;
    if (deadLettered > 0) this.host.emit({ type: 'batch.deadLettered', connectionId: this.id, count: deadLettered, at: this.host.clock.now() });
    // A relay (inlet → outlet in one process) passes the delivered part on; the far end keeps
    // the dead-lettered messages themselves.
    if (this.watcher !== null && count > deadLettered) this.watcher.delivered(count - deadLettered);
    if (this.observers !== null) this.settledMore(false);
    this.mailbox.queue.reserve(this.heldCount());
    this.recomputeEdge();
    if (this.pressured && this.isLow(this.mailbox.size + this.heldCount())) this.relieve();
    this.madeStreams?.room();
    if (this.mode.state === 'closing') this.pump(); // the last release lets a close finish
    // A frame settled clean is a success; one with dead letters decides only a held probe (a
    // worker thread reported each failed attempt already; an outlet's far end has its own breaker).
    else if (deadLettered === 0) this.farOutcome(false);
    else if (this.heldProbes.length > 0 && this.heldProbes[0]!.mark <= this.custodyReleased) this.farOutcome(true);
  }

  /**
   * The breaker hears a far-end outcome as it hears an in-thread delivery's (docs/semantics.md,
   * "Breaker at a custody end"): a success settles the held probes whose frames are released, a
   * failure is the verdict of every held probe (the circuit re-opens) or counts as any failure.
   */
  private farOutcome(failed: boolean): void {
    if (this.mode.final || this.mode.state === 'closing') return;
    const held = this.heldProbes;
    let probe = false;
    while (held.length > 0 && (failed || held[0]!.mark <= this.custodyReleased)) {
      probe = this.breaker.isProbe(held.shift()!.round) || probe;
    }
    probe &&= this.mode.state === 'halfOpen';
    if (!failed) {
      if (this.breaker.succeeded(probe)) this.tell({ type: 'breaker.probeSucceeded' });
      return;
    }
    const openFor = this.breaker.failed(probe, this.mode.circuit);
    if (openFor !== null) this.tell({ type: 'breaker.open', openFor });
  }

  /**
   * A target that held a delivery back (an outlet at its frame cap) takes `batch` now: if it is
   * still this connection's batch out, `send` runs and the delivery succeeds at once (so a
   * deliveryTimeout due in the same turn cannot also fail it); if the connection gave up on it
   * meanwhile (timed out, then dead-lettered or dropped), nothing is sent. @internal
   */
  takeOver(batch: Batch, send: () => void): void {
    const d = this.delivery;
    if (d.kind === 'idle' || d.batch !== batch) return;
    send();
    if (d.kind === 'attempting') this.settle(d, true, undefined);
    else this.late(d, true);
  }

  /**
   * The circuit as a retry at the far end sees it (docs/semantics.md, "Breaker at a custody
   * end"): `open`, it waits; `halfOpen`, it runs only as a probe ({@link adoptProbe}); else it runs.
   * @internal
   */
  circuitPhase(): 'closed' | 'open' | 'halfOpen' {
    const s = this.mode.state;
    return s === 'circuitOpen' ? 'open' : s === 'halfOpen' ? 'halfOpen' : 'closed';
  }

  /**
   * In half-open, makes a waiting retry at the far end one of the round's probes, if the budget
   * has one left: decided as a probe handed over is, by its frame's settlement (`ahead`: the
   * messages in custody up to and including that frame) or its first failure there. Returns the
   * round (> 0), or 0 when it is not one. @internal
   */
  adoptProbe(ahead: number): number {
    if (this.mode.state !== 'halfOpen') return 0;
    const round = this.breaker.takeProbe();
    if (round === 0) return 0;
    const mark = this.custodyReleased + ahead;
    // Kept in mark order: farOutcome settles them from the front.
    const held = this.heldProbes;
    let i = held.length;
    while (i > 0 && held[i - 1]!.mark > mark) i--;
    held.splice(i, 0, { round, mark });
    return round;
  }

  /**
   * Is a retry adopted in half-open round `round` (from {@link adoptProbe}) a probe now? Only in
   * that same round: once the circuit re-opened, a later round's probes are its own. @internal
   */
  isRoundProbe(round: number): boolean {
    return this.mode.state === 'halfOpen' && this.breaker.isProbe(round);
  }

  /**
   * A retry at the far end starts (+1) or stops (-1) waiting for the circuit. When the last one
   * stops, deliveries that half-open held back for it may go. @internal
   */
  custodyRetryWaiting(delta: 1 | -1): void {
    this.farWaiting = Math.max(0, this.farWaiting + delta);
    if (this.farWaiting === 0 && !this.mode.final) this.pump();
  }

  /** The error recovery its deliveries use: a node on a worker thread retries its frames by it. @internal */
  recovery(): ErrorRecovery {
    return this.host.errorRecovery(this.config);
  }

  /**
   * Records messages in custody that failed for good at the far end on this process's dead
   * letters (a node on a worker thread); they are counted when `releaseCustody` says so.
   * @internal
   */
  recordDeadLetter(messages: readonly StreamMessage[], error: unknown, attempts: number): void {
    this.host.deadLetter({ connectionId: this.id, messages, error, attempts, at: this.host.clock.now() });
  }

  /**
   * An attempt at messages in custody failed at the far end (a node on a worker thread): counted
   * and reported like a failed delivery attempt (`failedAttempts`, `delivery.failed`, and a
   * failure for the breaker), and as a retry when `retryDelay` says one follows (`retries`,
   * `delivery.retry`). @internal
   */
  custodyAttemptFailed(attempt: number, error: unknown, retryDelay: number | undefined): void {
    const at = this.host.clock.now();
    this.failedAttempts++;
    this.host.emit({ type: 'delivery.failed', connectionId: this.id, attempt, error, at });
    if (retryDelay !== undefined) {
      this.retries++;
      this.host.emit({ type: 'delivery.retry', connectionId: this.id, attempt, delay: retryDelay, at });
    }
    this.farOutcome(true);
  }

  /** Hears this connection's settlement, in FIFO order (null: stop). @internal */
  watch(watcher: ConnectionWatcher | null): void {
    this.watcher = watcher;
  }

  /** Messages accepted so far (a relay's barrier marks it per frame). @internal */
  get acceptedCount(): number {
    return this.accepted;
  }

  /** `accepted - inFlight`: delivered (released, under custody), dead-lettered or dropped. @internal */
  get settledCount(): number {
    return this.delivered + this.deadLettered + this.droppedTotal();
  }

  /** A relay's inlet upstream hears this connection's settlement (docs/semantics.md, "Relay barrier"). @internal */
  observe(observer: SettleObserver): void {
    (this.observers ??= []).push(observer);
  }

  /** @internal */
  unobserve(observer: SettleObserver): void {
    const os = this.observers;
    const i = os === null ? -1 : os.indexOf(observer);
    if (i < 0) return;
    os!.splice(i, 1);
    if (os!.length === 0) this.observers = null;
  }

  /** Messages it can take now before it refuses, sheds or evicts any (0 while not accepting). @internal */
  room(): number {
    if (!this.mode.accepting) return 0;
    const limit = Math.min(this.config.bufferSize, this.mailbox.shedFrom);
    return Math.max(0, limit - this.mailbox.size - this.heldCount());
  }
}
