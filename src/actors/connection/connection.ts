import { createActor, type Subscription } from 'xstate';
import type { EngineClock } from '../../clock.js';
import type { StreamConfig } from '../../config.js';
import { NodeflowError, rejectUnknownKeys } from '../../errors.js';
import { check } from '../policies/error-recovery.js';
import { assertMessage, type StreamMessage } from '../../message.js';
import { connectionMachine, type ConnectionActorRef, type ConnectionPort, type ConnectionState } from '../../machines/connection.machine.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import { Breaker } from './breaker.js';
import { ConnectionMeter, type ConnectionMetrics } from './connection-meter.js';
import { ConnectionStreams } from './connection-streams.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';
import { Admit, Mailbox } from './mailbox.js';
import type { ActorHost, ConnectionKnobs, ConnectionStats, DeadLetter, EngineEvent } from '../types.js';
import type { Batch, DropReason, Inbox, OfferResult } from '../../message.js';

/** What the engine lends each connection. @internal */
export interface ConnectionHost extends ActorHost {
  /** Does anyone listen for events of this type? */
  observed(type: EngineEvent['type']): boolean;
  /** Are delivery timing and latency wanted now (metrics on, metrics$ watched, an adjusting handler)? */
  metering(): boolean;
  backpressureHandler(): BackpressureHandler | undefined;
  errorRecovery(config: StreamConfig): ErrorRecovery;
  emit(event: EngineEvent): void;
  deadLetter(letter: DeadLetter): void;
  closed(connection: Connection): void;
}

const TIMER_SLACK_MS = 1; // real timers may fire a hair early against performance.now()

/**
 * One connection: a bounded mailbox written synchronously on the hot path, a deadline timer
 * that flushes partial batches, and an XState connection actor that hears only edges (watermark
 * crossed, delivery outcome, breaker, close). At most one batch is out at a time, so retries
 * never reorder. Get it with `engine.getConnection(id)`.
 *
 * @example
 * ```ts
 * const id = engine.createConnection('source', 'target', 'out', 'in');
 * const connection = engine.getConnection(id);
 * connection.offer({ id: 1, timestamp: Date.now(), sourceNodeId: 'source', targetNodeId: 'target', port: 'out', data: 1 });
 * ```
 */
export class Connection {
  readonly actor: ConnectionActorRef;
  private readonly mailbox: Mailbox;
  private readonly highWater: number;
  private readonly lowWater: number;
  // Live knobs: start from the config, tunable at run time (tune(), the adaptive handler).
  private maxBatch: number;
  private batchTimeout: number;
  /** batchTimeout within timer slack: a message is due on arrival, no deadline timer. */
  private immediate: boolean;
  /** The smallest buffer size at which accept() has anything to do besides counting. */
  private edgeAt: number;
  /** Drop threshold for this connection, overriding the handler's (tune). */
  private dropThreshold: number | undefined;
  private attemptStart = 0;
  /** Latency, rates, time ratios, recoveries: O(1) per batch or edge. */
  private readonly meter: ConnectionMeter;
  /** Delivery timing and latency (two clock reads per batch) only while someone needs them. */
  private metered = false;
  private readonly streams: ConnectionStreams;
  private readonly breaker: Breaker;
  private state: ConnectionState = 'flowing';
  private accepting = true;
  private closing = false;
  private finished = false;
  private pressured = false;
  private pumping = false;
  private held: Batch | null = null;
  /** Messages in the batch out: they count towards occupancy until it settles. */
  private heldCount = 0;
  private awaiting = false;
  private attempt = 0;
  private token = 0;
  private headSince = 0;
  private timerArmed = false;
  private timer: unknown = undefined;
  private attemptTimer: unknown = undefined;
  /** While closing the machine no longer runs retry timers: the runtime keeps this one. */
  private closingRetry: unknown = undefined;
  private readonly sub: Subscription;
  private closeResolve: (() => void) | undefined;
  private closePromise: Promise<void> | undefined;
  // Counters (the conservation law is over these).
  private accepted = 0;
  private delivered = 0;
  private deadLettered = 0;
  private refused = 0;
  private batches = 0;
  private failedAttempts = 0;
  private retries = 0;
  private backpressureEvents = 0;
  private readonly dropped: Record<DropReason, number> = { overflow: 0, priority: 0, timeout: 0, expired: 0, shutdown: 0, circuitOpen: 0 };

  constructor(
    readonly id: string,
    readonly sourceNodeId: string,
    readonly targetNodeId: string,
    readonly outputPort: string,
    readonly inputPort: string,
    readonly config: Readonly<StreamConfig>,
    private inbox: Inbox,
    private readonly host: ConnectionHost,
  ) {
    this.mailbox = new Mailbox(config, (reason, count) => this.drop(reason, count));
    this.meter = new ConnectionMeter(host.clock.now());
    this.maxBatch = config.maxBatchSize;
    this.batchTimeout = config.batchTimeout;
    this.immediate = config.batchTimeout <= TIMER_SLACK_MS;
    this.highWater = Math.max(1, Math.ceil(config.backpressureThreshold * config.bufferSize));
    this.lowWater = config.lowWatermark * config.bufferSize;
    this.edgeAt = this.immediate ? 1 : Math.min(this.maxBatch, this.highWater);
    this.streams = new ConnectionStreams(this);
    this.breaker = new Breaker(() => host.errorRecovery(config).breaker);
    this.refreshHandler();
    const port: ConnectionPort = {
      isPressured: () => this.pressured,
      redeliver: () => this.redeliver(),
      // The probes start from onSnapshot once the machine is in halfOpen, so no attempt is
      // ever made while the machine still reads circuitOpen.
      allowProbes: () => this.breaker.allowProbes(),
      halfOpenTimeout: () => host.errorRecovery(config).breaker.halfOpenTimeout,
      probeTimedOut: () => this.reopen(this.breaker.forceOpen()),
    };
    this.actor = createActor(connectionMachine, {
      input: { connectionId: id, port },
      clock: host.clock,
      inspect: host.inspect,
    });
    this.sub = this.actor.subscribe((snap) => this.onSnapshot(snap.value as ConnectionState));
    this.actor.start();
  }

  /** A real `WritableStreamDefaultWriter`: `desiredSize <= 0` and `ready` pending while backpressured. */
  get writer(): WritableStreamDefaultWriter<StreamMessage> {
    return this.streams.writer();
  }

  /** The delivered messages as a `ReadableStream`; taking it makes it this connection's consumer. */
  get readable(): ReadableStream<StreamMessage> {
    return this.streams.readable();
  }

  /** The connection machine's current state. */
  get currentState(): ConnectionState {
    return this.state;
  }

  /** True between a high-watermark crossing and the next low-watermark crossing. */
  get isBackpressured(): boolean {
    return this.pressured;
  }

  /** Open for writes (not closing, closed or failed). */
  get isOpen(): boolean {
    return this.accepting;
  }

  /** The engine's clock. @internal */
  get clock(): EngineClock {
    return this.host.clock;
  }

  /**
   * The fast synchronous path: validates, buffers, and may deliver a full batch before it
   * returns. Never returns a promise. Throws `INVALID_MESSAGE`, `CONNECTION_CLOSED`, or
   * `CONNECTION_FAILED` (overflow with the `fail` strategy).
   */
  offer(message: StreamMessage): OfferResult {
    if (!this.accepting) throw this.closedError();
    assertMessage(message, true);
    return this.accept(message);
  }

  /** Like `offer`, but a full buffer throws `BUFFER_FULL` instead of returning `'full'`. */
  send(message: StreamMessage): OfferResult {
    const r = this.offer(message);
    if (r === 'full') {
      throw new NodeflowError('BUFFER_FULL', `Connection ${this.id} is full (${this.config.bufferSize} messages) and cannot wait; use offer() or the writer`, { connectionId: this.id });
    }
    return r;
  }

  /** Hot path after validation (fan-out validates once for every edge). @internal */
  accept(message: StreamMessage, countRefusal = true): OfferResult {
    if (!this.accepting) throw this.closedError();
    const size = this.mailbox.admit(message);
    if (size < 0) return this.notAdmitted(size as Admit, countRefusal);
    this.accepted++;
    // One comparison on most messages: edgeAt is the smallest size at which anything happens.
    if (size === 1 || size >= this.edgeAt) this.onEdge(size);
    return this.pressured ? 'backpressured' : 'accepted';
  }

  /** Would this (valid) message be refused as full right now? Counts the refusal if so. @internal */
  refuses(message: StreamMessage): boolean {
    if (!this.accepting) return false; // accept() will throw the real error
    if (!this.mailbox.refuses(message)) return false;
    this.refused++;
    return true;
  }

  /** Delivers buffered messages now instead of waiting for batchTimeout (end of a burst). */
  flush(): void {
    this.pump(true);
  }

  /**
   * Changes the live flow knobs of this connection (what AdaptiveBackpressureHandler does):
   * `maxBatchSize` in [1, bufferSize], `batchTimeout` >= 0 ms, `dropThreshold` in (0, 1].
   * Takes effect for the next batch; returns the knobs now in force.
   */
  tune(knobs: Partial<ConnectionKnobs>): ConnectionKnobs {
    rejectUnknownKeys(knobs, ['maxBatchSize', 'batchTimeout', 'dropThreshold']);
    const { maxBatchSize, batchTimeout, dropThreshold } = knobs;
    if (maxBatchSize !== undefined) check('maxBatchSize', maxBatchSize, `an integer in [1, ${this.config.bufferSize}]`, (v) => Number.isInteger(v) && v >= 1 && v <= this.config.bufferSize);
    if (batchTimeout !== undefined) check('batchTimeout', batchTimeout, 'a finite number >= 0 (ms)', (v) => Number.isFinite(v) && v >= 0);
    if (dropThreshold !== undefined) check('dropThreshold', dropThreshold, 'a number in (0, 1]', (v) => v > 0 && v <= 1);
    if (maxBatchSize !== undefined) {
      this.maxBatch = maxBatchSize;
      this.mailbox.queue.setBatchSize(maxBatchSize);
    }
    if (batchTimeout !== undefined) {
      this.batchTimeout = batchTimeout;
      this.immediate = batchTimeout <= TIMER_SLACK_MS;
      // The armed deadline was computed with the old timeout: it could now fire too late.
      if (this.timerArmed) {
        this.host.clock.clearTimeout(this.timer);
        this.timerArmed = false;
        if (this.mailbox.size > 0 && !this.immediate) this.arm(Math.max(0, this.headSince + batchTimeout - this.host.clock.now()));
      }
    }
    this.edgeAt = this.immediate ? 1 : Math.max(1, Math.min(this.maxBatch, this.highWater - this.heldCount));
    if (dropThreshold !== undefined) {
      this.dropThreshold = dropThreshold;
      this.refreshHandler();
    }
    this.pump(); // a smaller batch size or timeout may make a batch due now
    return this.knobs();
  }

  /** The flow knobs in force now. */
  knobs(): ConnectionKnobs {
    return { maxBatchSize: this.maxBatch, batchTimeout: this.batchTimeout, dropThreshold: this.dropThreshold ?? this.host.backpressureHandler()?.dropThreshold ?? 1 };
  }

  /** Opens the circuit by hand: no delivery until it half-opens after the (backed-off) reset time. */
  openCircuit(): void {
    if (this.finished || this.closing) return;
    this.reopen(this.breaker.forceOpen());
  }

  /** Closes the circuit by hand (from circuitOpen or halfOpen); deliveries resume at once. */
  closeCircuit(): void {
    if (this.finished || this.closing || !this.breaker.blocked) return;
    this.breaker.close();
    this.actor.send({ type: 'breaker.close' });
    this.pump();
  }

  /** Forgets the breaker's history (window, failure run, open-time backoff); closes it if open. */
  resetCircuit(): void {
    if (this.breaker.blocked) this.closeCircuit();
    else this.breaker.close();
  }

  /** Counters and state; see {@link ConnectionStats} for the conservation law. */
  stats(): ConnectionStats {
    const d = this.dropped;
    const droppedTotal = d.overflow + d.priority + d.timeout + d.expired + d.shutdown + d.circuitOpen;
    const b = this.breaker.state;
    return {
      state: this.state,
      accepted: this.accepted,
      delivered: this.delivered,
      deadLettered: this.deadLettered,
      dropped: { ...d },
      droppedTotal,
      inFlight: this.mailbox.size + (this.held ? this.held.messages.length : 0),
      buffered: this.mailbox.size,
      refused: this.refused,
      batches: this.batches,
      failedAttempts: this.failedAttempts,
      retries: this.retries,
      backpressureEvents: this.backpressureEvents,
      bufferUtilization: (this.mailbox.size + this.heldCount) / this.config.bufferSize,
      busyMs: this.meter.busyMs,
      breaker: { consecutiveFailures: b.consecutiveFailures, windowAttempts: b.windowCount, windowFailures: b.windowFailures, reopens: b.reopens },
    };
  }

  /**
   * Latency, rates and time ratios (see {@link ConnectionMetrics}); O(1). Latency and busy time
   * are recorded while the engine meters (`{ metrics: true }`, a `metrics$` subscriber, or an
   * adjusting handler); counters, rates and backpressured time always.
   */
  metrics(): ConnectionMetrics {
    return this.meter.snapshot(this.host.clock.now(), this.accepted, this.delivered);
  }

  /** Takes a rate sample (the engine's metrics sampler calls this). @internal */
  sampleMetrics(now: number): void {
    this.meter.sample(now, this.accepted, this.delivered);
  }

  /** Stops accepting, delivers what is buffered, then resolves (state `closed`). */
  close(): Promise<void> {
    if (this.closePromise) return this.closePromise;
    if (this.finished) {
      // A failed connection: wait for the batch still out (its outcome is counted), then
      // unregister it.
      if (this.held === null) {
        this.host.closed(this);
        return (this.closePromise = Promise.resolve());
      }
      return (this.closePromise = new Promise<void>((resolve) => (this.closeResolve = resolve)));
    }
    this.accepting = false;
    this.closing = true;
    this.closePromise = new Promise<void>((resolve) => (this.closeResolve = resolve));
    this.streams.closing();
    // Open circuit: no attempt may reach the target, so what is left is dropped(circuitOpen);
    // a batch already out (from before the open) keeps its outcome when it settles.
    if (this.breaker.blocked) this.discardAll('circuitOpen', true);
    this.actor.send({ type: 'connection.close' });
    this.pump();
    return this.closePromise;
  }

  /** Hard stop: whatever is still buffered or out is counted `dropped(shutdown)`. */
  dispose(): void {
    if (this.finished) {
      this.discardAll('shutdown'); // a failed connection's batch still out, if any
      this.host.closed(this);
      this.closeResolve?.();
      return;
    }
    this.accepting = false;
    this.discardAll('shutdown');
    this.finish('closed');
  }

  /** Re-reads the engine's backpressure handler (after setBackpressureHandler). @internal */
  refreshHandler(): void {
    const h = this.host.backpressureHandler();
    this.mailbox.setHandler(h, this.config.bufferSize, this.dropThreshold);
    this.metered = this.host.metering();
  }

  /** How long a held producer may wait, from the handler (undefined: as long as it takes). @internal */
  maxWaitTime(): number | undefined {
    return this.host.backpressureHandler()?.maxWaitTime;
  }

  /** Replaces the delivery target, returning the old one (the readable takes over). @internal */
  swapInbox(inbox: Inbox): Inbox {
    const old = this.inbox;
    this.inbox = inbox;
    return old;
  }

  /**
   * Calls `callback` once, when a batch leaves the buffer (room appeared) or the connection
   * stops accepting: the signal a producer holding refused messages waits on instead of polling.
   * @internal
   */
  onRoom(callback: () => void): void {
    if (!this.accepting) callback();
    else this.streams.onRoom(callback);
  }

  /** Counts one message that waited past maxWaitTime: it was accepted, then dropped. @internal */
  acceptAsTimedOut(): void {
    this.accepted++;
    this.drop('timeout', 1);
  }

  private notAdmitted(admitted: Admit, countRefusal: boolean): OfferResult {
    if (admitted === Admit.DroppedOverflow || admitted === Admit.DroppedPriority) {
      this.accepted++; // accepted, then dropped by policy: counted in this order for conservation
      this.drop(admitted === Admit.DroppedPriority ? 'priority' : 'overflow', 1);
      return 'dropped';
    }
    if (admitted === Admit.Full) {
      // A writer keeps its message and tries again: that is a wait, not a refusal.
      if (countRefusal) this.refused++;
      return 'full';
    }
    // overflowStrategy 'fail': the connection fails, loudly. What is buffered is dropped; a batch
    // already out keeps its outcome (delivered or dead-lettered) when it settles.
    this.accepting = false;
    this.drop('overflow', this.mailbox.clear());
    if (this.pressured) {
      this.pressured = false;
      this.streams.relief();
    }
    this.finish('failed');
    throw new NodeflowError('CONNECTION_FAILED', `Connection ${this.id} failed: its buffer (${this.config.bufferSize}) overflowed and overflowStrategy is 'fail'`, {
      connectionId: this.id,
      reason: 'overflow',
    });
  }

  private onEdge(size: number): void {
    // Occupancy is what the connection holds: buffered plus the batch out (as for "full").
    const occupancy = size + this.heldCount;
    // dropBuffer can empty a pressured buffer without a batch being taken.
    if (this.pressured && this.isLow(occupancy)) this.relieve();
    if (size === 1) {
      this.headSince = this.host.clock.now();
      if (!this.timerArmed && !this.immediate) this.arm(this.batchTimeout);
    }
    if (occupancy >= this.highWater && !this.pressured) this.raisePressure();
    if ((size >= this.maxBatch || this.immediate) && !this.pumping && this.held === null) this.pump();
  }

  private drop(reason: DropReason, count: number): void {
    if (count === 0) return;
    this.dropped[reason] += count;
    // Drops can be per message under overload: build the event only for a listener.
    if (this.host.observed('message.dropped')) this.host.emit({ type: 'message.dropped', connectionId: this.id, reason, count, at: this.host.clock.now() });
  }

  private discardAll(reason: DropReason, keepAwaiting = false): void {
    const keepHeld = keepAwaiting && this.awaiting;
    const left = this.mailbox.clear() + (this.held && !keepHeld ? this.held.messages.length : 0);
    if (!keepHeld) {
      this.setHeld(null);
      this.awaiting = false;
      this.token++; // a late result of the batch that was out now counts for nothing
    }
    this.drop(reason, left);
    // An empty buffer is not pressured; the machine is leaving for closed/failed anyway.
    if (this.pressured) {
      this.pressured = false;
      this.streams.relief();
    }
  }

  private raisePressure(): void {
    this.pressured = true;
    this.meter.pressure(this.host.clock.now());
    this.backpressureEvents++;
    this.actor.send({ type: 'mailbox.pressure' });
    this.streams.pressure();
  }

  private relieve(): void {
    this.pressured = false;
    this.meter.relief(this.host.clock.now());
    this.actor.send({ type: 'mailbox.relief' });
    this.streams.relief();
  }

  private arm(ms: number): void {
    this.timerArmed = true;
    const lead = Math.min(this.host.clock.timerLead ?? 0, TIMER_SLACK_MS);
    this.timer = this.host.clock.setTimeout(this.onTimer, Math.max(0, ms - lead));
  }

  // One deadline timer per connection: when it fires early for the current head, it re-arms
  // for the rest of the wait instead of being cleared and set on every batch.
  private readonly onTimer = (): void => {
    this.timerArmed = false;
    if (this.mailbox.size === 0 || this.finished) return;
    const wait = this.headSince + this.batchTimeout - this.host.clock.now();
    if (wait > TIMER_SLACK_MS && !this.closing) this.arm(wait);
    else this.pump(true);
  };

  /** Delivers every batch that is ready and allowed; at most one batch is out at a time. */
  private pump(due = false): void {
    if (this.pumping || this.finished) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.held !== null) {
          // A batch kept for retry goes first: at once when closing (one last attempt), as the
          // probe in half-open, otherwise when its retry timer fires (redeliver).
          if (this.awaiting || this.closingRetry !== undefined) break;
          if (!this.closing && (!this.breaker.blocked || !this.breaker.tryStart())) break;
          this.attemptHeld();
          continue;
        }
        const size = this.mailbox.size;
        if (size === 0) break;
        // The breaker closed but the machine has not left circuitOpen/halfOpen yet (its event
        // is queued): wait for it, onSnapshot pumps again, so no attempt runs in those states.
        if (!this.breaker.blocked && (this.state === 'halfOpen' || this.state === 'circuitOpen')) break;
        if (!this.breaker.blocked && size < this.maxBatch && !this.closing && !due && !this.isDue()) {
          if (!this.timerArmed) this.arm(this.headSince + this.batchTimeout - this.host.clock.now());
          break;
        }
        if (!this.breaker.tryStart()) break;
        this.takeBatch();
        this.attemptHeld();
      }
    } finally {
      this.pumping = false;
    }
    if (this.closing && !this.finished && this.mailbox.size === 0 && this.held === null) this.finish('closed');
    // After the bookkeeping: a settled batch freed its reserved room, and a producer held on a buffer that was all in flight has no other wake-up.
    else this.streams.room();
  }

  private isDue(): boolean {
    return this.host.clock.now() - this.headSince >= this.batchTimeout - TIMER_SLACK_MS;
  }

  // The batch becomes `held` before any edge event fires, so inFlight counts it throughout.
  private takeBatch(): void {
    const messages = this.mailbox.take();
    this.setHeld({ connectionId: this.id, port: this.inputPort, messages });
    this.streams.room();
  }

  // The batch out still belongs to the connection, so its room stays reserved: buffered plus
  // in flight never exceeds bufferSize.
  private setHeld(batch: Batch | null): void {
    this.held = batch;
    this.heldCount = batch === null ? 0 : batch.messages.length;
    this.mailbox.queue.reserve(this.heldCount);
    this.edgeAt = this.immediate ? 1 : Math.max(1, Math.min(this.maxBatch, this.highWater - this.heldCount));
    // A settled batch frees room: that is where occupancy falls below the low watermark.
    if (batch === null && this.pressured && this.isLow(this.mailbox.size)) this.relieve();
  }

  /** Below the low watermark (or empty, so a watermark of 0 still relieves). */
  private isLow(size: number): boolean {
    return size < this.lowWater || size === 0;
  }

  private attemptHeld(): void {
    const batch = this.held!;
    const token = ++this.token;
    let result: void | PromiseLike<void>;
    const clock = this.host.clock;
    const timing = this.metered;
    const start = timing ? clock.now() : -1;
    this.attemptStart = start;
    try {
      result = this.inbox.deliver(batch);
    } catch (error) {
      if (timing) this.meter.busyMs += clock.now() - start;
      this.onFailure(error);
      return;
    }
    if (result != null && typeof result.then === 'function') {
      this.awaiting = true;
      const timeout = this.host.errorRecovery(this.config).deliveryTimeout;
      if (timeout !== undefined) {
        this.attemptTimer = this.host.clock.setTimeout(() => this.settle(token, false, new NodeflowError('CONNECTION_FAILED', `Delivery on ${this.id} exceeded deliveryTimeout (${timeout} ms)`)), timeout);
      }
      result.then(
        () => this.settle(token, true, undefined),
        (error: unknown) => this.settle(token, false, error),
      );
      return;
    }
    if (timing) {
      const end = clock.now();
      this.meter.busyMs += end - start;
      this.meter.batch(end, batch.messages);
    }
    this.onSuccess();
  }

  // Late results (an older attempt, or one from before a dispose) are ignored by token.
  private settle(token: number, ok: boolean, error: unknown): void {
    if (token !== this.token || !this.awaiting) return;
    this.awaiting = false;
    if (this.attemptStart >= 0) {
      const end = this.host.clock.now();
      this.meter.busyMs += end - this.attemptStart;
      if (ok) this.meter.batch(end, this.held!.messages);
    }
    if (this.attemptTimer !== undefined) this.host.clock.clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    if (ok) this.onSuccess();
    else this.onFailure(error);
    if (!this.finished) this.pump();
    else if (this.held === null && this.closeResolve) {
      // The failed connection's last batch settled: a pending close() can complete.
      this.host.closed(this);
      this.closeResolve();
    }
  }

  // Control events after the machine reached a final state would only raise XState warnings.
  private tell(event: Parameters<ConnectionActorRef['send']>[0]): void {
    if (this.actor.getSnapshot().status === 'active') this.actor.send(event);
  }

  private onSuccess(): void {
    this.delivered += this.held!.messages.length;
    this.batches++;
    this.setHeld(null);
    const wasRetry = this.attempt > 0;
    this.attempt = 0;
    if (this.breaker.succeeded()) this.tell({ type: 'breaker.probeSucceeded' });
    else if (wasRetry && this.state === 'retrying') this.tell({ type: 'delivery.recovered' });
  }

  private onFailure(error: unknown): void {
    const batch = this.held!;
    const attempt = ++this.attempt;
    this.failedAttempts++;
    const now = this.host.clock.now();
    this.host.emit({ type: 'delivery.failed', connectionId: this.id, attempt, error, at: now });
    const rec = this.host.errorRecovery(this.config);
    // A graceful close still honours retries (the stop timeout bounds it); a failed or disposed
    // connection does not.
    const exhausted = this.finished || attempt > rec.retryAttempts || !safeRetryable(rec, error);
    const openFor = this.closing || this.finished ? null : this.breaker.failed();
    if (exhausted) {
      this.setHeld(null);
      this.attempt = 0;
      this.deadLettered += batch.messages.length;
      this.host.deadLetter({ connectionId: this.id, messages: batch.messages, error, attempts: attempt, at: now });
      this.host.emit({ type: 'batch.deadLettered', connectionId: this.id, count: batch.messages.length, at: now });
    }
    if (openFor !== null) {
      this.reopen(openFor);
    } else if (this.breaker.blocked) {
      // A result from before the circuit opened: the batch waits to be the half-open probe.
    } else if (!exhausted) {
      this.retries++;
      const delay = rec.retryDelayFor(attempt);
      this.host.emit({ type: 'delivery.retry', connectionId: this.id, attempt, delay, at: now });
      if (this.closing) {
        this.closingRetry = this.host.clock.setTimeout(() => {
          this.closingRetry = undefined;
          this.redeliver();
        }, delay);
      } else this.tell({ type: 'delivery.retry', attempt, delay });
    } else if (this.state === 'retrying') {
      this.tell({ type: 'delivery.deadLettered' });
    }
  }

  private reopen(openFor: number): void {
    this.tell({ type: 'breaker.open', openFor });
  }

  private redeliver(): void {
    if (this.held === null || this.awaiting || this.breaker.blocked || this.finished) return;
    this.pumping = true;
    try {
      this.attemptHeld();
    } finally {
      this.pumping = false;
    }
    this.pump();
  }

  private finish(end: 'closed' | 'failed'): void {
    this.finished = true;
    this.accepting = false;
    if (this.timerArmed) this.host.clock.clearTimeout(this.timer);
    if (this.attemptTimer !== undefined) this.host.clock.clearTimeout(this.attemptTimer);
    if (this.closingRetry !== undefined) this.host.clock.clearTimeout(this.closingRetry);
    this.timerArmed = false;
    this.attemptTimer = undefined;
    this.closingRetry = undefined;
    if (end === 'failed') this.actor.send({ type: 'connection.fail', reason: 'overflow' });
    else {
      // dispose() skips the drain, but the machine still walks closing → closed.
      if (!this.closing) this.actor.send({ type: 'connection.close' });
      this.actor.send({ type: 'mailbox.drained' });
    }
    this.sub.unsubscribe();
    this.actor.stop();
    this.streams.finished();
    // A failed connection stays listed (state 'failed') until it is removed or the engine stops.
    if (end === 'closed') this.host.closed(this);
    this.closeResolve?.();
  }

  private onSnapshot(value: ConnectionState): void {
    if (value === this.state) return;
    const from = this.state;
    this.state = value;
    const now = this.host.clock.now();
    this.meter.state(value, now);
    this.host.emit({ type: 'connection.state', connectionId: this.id, from, to: value, at: now });
    if (value === 'halfOpen' || ((from === 'halfOpen' || from === 'circuitOpen') && (value === 'flowing' || value === 'backpressured'))) this.pump();
  }

  private closedError(): NodeflowError {
    const what = this.state === 'failed' ? 'failed' : this.finished ? 'closed' : 'closing';
    return new NodeflowError(this.state === 'failed' ? 'CONNECTION_FAILED' : 'CONNECTION_CLOSED', `Connection ${this.id} is ${what}: it accepts no more messages`, { connectionId: this.id });
  }
}

function safeRetryable(rec: ErrorRecovery, error: unknown): boolean {
  try {
    return rec.isRetryable(error);
  } catch {
    return false;
  }
}
