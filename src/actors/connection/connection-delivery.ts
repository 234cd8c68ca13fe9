import type { StreamConfig } from '../../config.js';
import { NodeflowError } from '../../errors.js';
import type { Batch, DropReason, Inbox } from '../../message.js';
import { Breaker } from './breaker.js';
import { ConnectionDeadline } from './connection-deadline.js';
import type { ConnectionServices } from './connection-host.js';
import { IDLE, type Attempting, type Delivery } from './delivery-state.js';
import { MAX_NESTED_DELIVERIES } from './delivery-trampoline.js';
import { askRetryDelay, askRetryable } from './retry-questions.js';

/**
 * Delivery layer of a connection: takes batches from the mailbox and hands them to the inbox,
 * one at a time, then settles, retries or dead-letters them. The batch held is one
 * {@link Delivery} value; what may be attempted depends on the machine's mode (read from the
 * mirror) and, in half-open, on the breaker's probe budget.
 *
 * @example
 * ```ts
 * const c = engine.getConnection(id);
 * c.flush(); // delivers what is buffered now instead of waiting for the deadline
 * ```
 */
export abstract class ConnectionDelivery extends ConnectionDeadline {
  protected delivery: Delivery = IDLE;
  /** @internal */
  protected readonly breaker: Breaker;
  /**
   * Told of each batch the target took, once, in order (a recording, see src/record/): one null
   * check per batch while nothing records. @internal
   */
  tap: ((batch: Batch) => void) | null = null;
  /** A pump is queued on the trampoline (once per connection, however often it is asked for). */
  private queued: 'no' | 'yes' | 'due' = 'no';

  constructor(
    id: string,
    config: Readonly<StreamConfig>,
    host: ConnectionServices,
    readonly inputPort: string,
    protected inbox: Inbox,
  ) {
    super(id, config, host);
    this.breaker = new Breaker(() => host.errorRecovery(config).breaker);
  }

  /** Delivers buffered messages now instead of waiting for batchTimeout (end of a burst). */
  flush(): void {
    this.pump(true);
  }

  protected heldCount(): number {
    const d = this.delivery;
    return (d.kind === 'idle' ? 0 : d.batch.messages.length) + this.custodied;
  }

  /**
   * Delivers every batch that is ready and allowed; at most one batch is out at a time. Nested
   * too deep inside other deliveries, it is queued on the engine's trampoline instead, so the
   * stack never grows with the topology.
   */
  protected pump(due = false): void {
    const t = this.host.trampoline;
    if (t.depth >= MAX_NESTED_DELIVERIES) {
      if (this.queued === 'no') t.defer(this.queuedPump);
      if (due || this.queued === 'no') this.queued = due ? 'due' : 'yes';
      return;
    }
    this.pumpNow(due);
    if (t.depth === 0) t.drain();
  }

  private readonly queuedPump = (): void => {
    const due = this.queued === 'due';
    this.queued = 'no';
    this.pump(due);
  };

  private pumpNow(due: boolean): void {
    if (this.mode.final) return;
    for (;;) {
      const d = this.delivery;
      // Out, or waiting out a retry delay: nothing behind it moves (retries never reorder).
      // A re-entrant pump (a target that writes to its own input) stops here too.
      if (d.kind === 'attempting' || d.kind === 'backingOff') break;
      if (d.kind === 'waiting') {
        if (this.mode.state === 'retrying') break; // a queued machine event is on its way
        const probe = this.mayStart();
        if (probe < 0 || !this.run(this.begin(d.batch, d.failures, probe))) break;
        continue;
      }
      const size = this.mailbox.size;
      if (size === 0) break;
      // A probe goes at once; otherwise a partial batch waits for its deadline.
      if (!this.mode.circuit && size < this.maxBatch && this.mode.state !== 'closing' && !due && !this.isDue()) {
        this.armForHead();
        break;
      }
      const probe = this.mayStart();
      if (probe < 0) break;
      const a = this.begin({ connectionId: this.id, port: this.inputPort, messages: this.mailbox.take() }, 0, probe);
      this.madeStreams?.room();
      if (!this.run(a)) break;
    }
    // A target in custody of delivered messages (an outlet) must release them first.
    if (this.mode.state === 'closing' && this.mailbox.size === 0 && this.delivery === IDLE && this.custodied <= 0) this.finish('closed');
    // After the bookkeeping: a settled batch freed its reserved room, and a producer held on a
    // buffer that was all in flight has no other wake-up (with no waiter: one length check).
    else this.madeStreams?.room();
  }

  /** May an attempt start in this mode? -1 no; 0 yes; > 0 yes, as a probe of that round. */
  private mayStart(): number {
    const state = this.mode.state;
    if (state === 'circuitOpen') return -1;
    // A retry waiting at the far end (a node on worker threads) is the next probe, as a failed
    // in-thread batch is: nothing new is handed over before it.
    if (state === 'halfOpen') return this.farWaiting > 0 ? -1 : this.breaker.takeProbe() || -1;
    return 0;
  }

  // The batch is held before anything else happens, so inFlight counts it throughout and its
  // room stays reserved: buffered plus in flight never exceeds bufferSize.
  private begin(batch: Batch, failures: number, probe: number): Attempting {
    const a: Attempting = { kind: 'attempting', batch, failures, probe, startedAt: this.metered ? this.host.clock.now() : -1, timer: undefined };
    this.delivery = a;
    this.mailbox.queue.reserve(batch.messages.length + this.custodied);
    this.recomputeEdge();
    return a;
  }

  /** Runs one attempt. True when the pump may go on (it succeeded, or failed and is done with). */
  private run(a: Attempting): boolean {
    let result: void | PromiseLike<void>;
    const t = this.host.trampoline;
    t.depth++;
    try {
      result = this.inbox.deliver(a.batch);
    } catch (error) {
      t.depth--;
      this.timed(a, false);
      return this.failed(a, error);
    }
    t.depth--;
    if (result != null && typeof result.then === 'function') {
      const timeout = this.host.errorRecovery(this.config).deliveryTimeout;
      if (timeout !== undefined) {
        a.timer = this.host.clock.setTimeout(() => this.settle(a, false, new NodeflowError('DELIVERY_TIMEOUT', `Delivery on ${this.id} exceeded deliveryTimeout (${timeout} ms)`, { connectionId: this.id, timeout })), timeout);
      }
      result.then(
        () => this.settle(a, true, undefined),
        (error: unknown) => this.settle(a, false, error),
      );
      return false;
    }
    this.timed(a, true);
    this.succeeded(a);
    return true;
  }

  private timed(a: Attempting, ok: boolean): void {
    if (a.startedAt < 0) return;
    const end = this.host.clock.now();
    this.meter.busyMs += end - a.startedAt;
    if (ok) this.meter.batch(end, a.batch.messages);
  }

  /** An asynchronous attempt ended (or timed out: then `ok` is false and the error says so). */
  protected settle(a: Attempting, ok: boolean, error: unknown): void {
    if (this.delivery !== a) return this.late(a, ok);
    if (a.timer !== undefined) this.host.clock.clearTimeout(a.timer);
    this.timed(a, ok);
    if (ok) this.succeeded(a);
    else this.failed(a, error);
    // Adaptive: what arrived while the batch was out leaves now, as one batch.
    if (!this.mode.final) this.pump(this.config.batching === 'adaptive');
    else if ((this.delivery as Delivery).kind === 'idle') this.endedAfterFailure();
  }

  /**
   * A result for an attempt that is no longer out: it timed out (deliveryTimeout, or a probe
   * that outlived halfOpenTimeout) or the connection discarded it. A late success of a batch
   * that still waits for its retry did reach the target: it counts as delivered and is not sent
   * again. Anything else is ignored (at-least-once: the retry may deliver it a second time).
   */
  protected late(a: Pick<Attempting, 'batch'>, ok: boolean): void {
    const d = this.delivery;
    if (!ok || (d.kind !== 'backingOff' && d.kind !== 'waiting') || d.batch !== a.batch) return;
    if (d.kind === 'backingOff' && d.timer !== undefined) this.host.clock.clearTimeout(d.timer);
    this.handedOver(a.batch.messages.length);
    this.batches++;
    if (this.tap !== null) this.tap(a.batch);
    this.release();
    if (this.mode.state === 'retrying') this.tell({ type: 'delivery.recovered' });
    this.pump();
  }

  private succeeded(a: Attempting): void {
    this.handedOver(a.batch.messages.length);
    this.batches++;
    // Taken when the target has it: a failed attempt is not recorded, its retry is, once.
    if (this.tap !== null) this.tap(a.batch);
    this.release();
    const probe = this.mode.state === 'halfOpen' && this.breaker.isProbe(a.probe);
    // A target in custody (a worker thread, an outlet) reports the outcome from the far end
    // (releaseCustody, custodyAttemptFailed): the hand-over is none, a probe's verdict waits.
    if (this.custody) {
      if (probe) this.heldProbes.push({ round: a.probe, mark: this.custodyReleased + this.custodied });
    } else if (this.breaker.succeeded(probe)) {
      this.tell({ type: 'breaker.probeSucceeded' });
      return;
    }
    if (a.failures > 0 && this.mode.state === 'retrying') this.tell({ type: 'delivery.recovered' });
  }

  /** True when the pump may go on: the batch is done with and the circuit did not open. */
  protected failed(a: Attempting, error: unknown): boolean {
    const attempt = a.failures + 1;
    const batch = a.batch;
    this.failedAttempts++;
    const now = this.host.clock.now();
    this.host.emit({ type: 'delivery.failed', connectionId: this.id, attempt, error, at: now });
    const rec = this.host.errorRecovery(this.config);
    let verdict = askRetryable(rec, error, this.id);
    // The delay is asked for only when a retry will happen; a policy that throws there is
    // reported like a throwing isRetryable, and its answer is bounded to what a timer honours.
    let delay = 0;
    if (verdict === true && !this.mode.final && attempt <= rec.retryAttempts) {
      const asked = askRetryDelay(rec, attempt, error, this.id);
      if (typeof asked === 'number') delay = asked;
      else verdict = asked;
    }
    // A graceful close still honours retries (the stop timeout bounds it); a failed or disposed
    // connection does not, and neither consults the breaker.
    const ending = this.mode.final || this.mode.state === 'closing';
    const exhausted = this.mode.final || attempt > rec.retryAttempts || verdict !== true;
    const openFor = ending ? null : this.breaker.failed(this.mode.state === 'halfOpen' && this.breaker.isProbe(a.probe), this.mode.circuit);
    if (exhausted) {
      this.release();
      this.deadLettered += batch.messages.length;
      const reason = verdict === true || verdict === false ? error : verdict;
      this.host.deadLetter({ connectionId: this.id, messages: batch.messages, error: reason, attempts: attempt, at: now });
      this.host.emit({ type: 'batch.deadLettered', connectionId: this.id, count: batch.messages.length, at: now });
      if (this.watcher !== null) this.watcher.deadLettered(batch.messages, reason);
      if (this.observers !== null) this.settledMore(false);
    } else if (this.watcher !== null) this.watcher.retrying();
    if (openFor !== null || this.mode.circuit) {
      // The circuit opens now, or the result is from before it opened: the batch (if kept)
      // waits to be the half-open probe, with no retry delay of its own.
      if (!exhausted) this.delivery = { kind: 'waiting', batch, failures: attempt };
      if (openFor !== null) this.tell({ type: 'breaker.open', openFor });
      return false;
    }
    if (exhausted) {
      if (this.mode.state === 'retrying') this.tell({ type: 'delivery.deadLettered' });
      return true;
    }
    this.retries++;
    this.host.emit({ type: 'delivery.retry', connectionId: this.id, attempt, delay, at: now });
    if (this.mode.state === 'closing') {
      // The machine runs no retry timers while closing: this one is the runtime's.
      const timer = this.host.clock.setTimeout(() => this.redeliver(), delay);
      this.delivery = { kind: 'backingOff', batch, failures: attempt, timer };
    } else {
      this.delivery = { kind: 'backingOff', batch, failures: attempt, timer: undefined };
      this.tell({ type: 'delivery.retry', attempt, delay });
    }
    return false;
  }

  /** The retry delay is over (the machine's `retrying` timer, or the runtime's while closing). */
  protected redeliver(): void {
    const d = this.delivery;
    if (d.kind !== 'backingOff' || this.mode.final) return;
    this.run(this.begin(d.batch, d.failures, 0));
    this.pump();
  }

  /** Settled: no batch out, its room is free again; that is where occupancy falls below the low watermark. */
  protected release(): void {
    this.delivery = IDLE;
    this.mailbox.queue.reserve(this.custodied);
    this.recomputeEdge();
    if (this.pressured && this.isLow(this.mailbox.size + this.custodied)) this.relieve();
  }

  /**
   * Drops what is buffered and the batch held, as `reason`; with `keepAttempt` a batch out keeps
   * its outcome (delivered or dead-lettered) when it settles.
   */
  protected discardAll(reason: DropReason, keepAttempt = false): void {
    const d = this.delivery;
    const keep = keepAttempt && d.kind === 'attempting';
    let left = this.mailbox.clear();
    if (!keepAttempt && this.custodied > 0) {
      // Held at the far end and never settled: like a delivery that never settled, dropped
      // (a late release counts for nothing).
      left += this.custodied;
      this.custodied = 0;
      this.custody = false;
    }
    if (!keep && d.kind !== 'idle') {
      left += d.batch.messages.length;
      if (d.kind !== 'waiting' && d.timer !== undefined) this.host.clock.clearTimeout(d.timer);
      this.delivery = IDLE; // a late result of the batch that was out now counts for nothing
    }
    this.mailbox.queue.reserve(this.heldCount());
    this.recomputeEdge();
    this.drop(reason, left);
    // An empty buffer is not pressured. The machine is leaving for closed/failed anyway, so it
    // hears no relief edge; the meter does, or a failed connection (which stays listed) would
    // report itself backpressured for ever.
    if (this.pressured) {
      this.pressured = false;
      this.meter.relief(this.host.clock.now());
      this.madeStreams?.relief();
    }
  }

  /** Ends the connection (the machine reaches `closed` or `failed`). */
  protected abstract finish(end: 'closed' | 'failed'): void;
  /** A failed connection's last batch settled: a pending close() may complete. */
  protected abstract endedAfterFailure(): void;
}
