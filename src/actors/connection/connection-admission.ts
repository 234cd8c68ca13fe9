import type { EngineClock } from '../../clock.js';
import type { StreamConfig } from '../../config.js';
import type { ConnectionEvent } from '../../machines/connection.machine.js';
import { NodeflowError } from '../../errors.js';
import { assertMessage, type Inbox, type OfferResult, type StreamMessage } from '../../message.js';
import { ConnectionCounters } from './connection-counters.js';
import type { ConnectionServices } from './connection-host.js';
import { ConnectionMeter } from './connection-meter.js';
import { ConnectionStreams } from './connection-streams.js';
import { knobsIn } from './knobs.js';
import { Admit, Mailbox } from './mailbox.js';
import { MODES, type Mode } from './modes.js';

/**
 * Admission layer of a connection: the synchronous hot path (validate, buffer, count) and the
 * watermarks. Per message it does one mode read, one `admit` and one comparison; anything more
 * happens only at an edge (first message, batch size, high watermark).
 *
 * @example
 * ```ts
 * const layer: ConnectionAdmission = engine.getConnection(id); // Connection is the concrete class
 * layer.offer(message);
 * ```
 */
export abstract class ConnectionAdmission extends ConnectionCounters {
  /**
   * The machine's state, mirrored for the hot path. Written only by `entered()` (the machine's
   * entry actions); every other layer reads it.
   */
  protected mode: Mode = MODES.flowing;
  /**
   * Watermark pressure: an occupancy fact with hysteresis, not a mode. It is the machine's
   * `backpressured` while flowing, but it must also be remembered while the machine is
   * `retrying` or in the circuit states (and the writer's `ready` follows it there too).
   */
  protected pressured = false;
  /** @internal */
  protected readonly mailbox: Mailbox;
  protected readonly highWater: number;
  protected readonly lowWater: number;
  // Live knobs: start from the config, tunable at run time (tune(), the adaptive handler).
  protected maxBatch: number;
  protected batchTimeout: number;
  /** batchTimeout within timer slack: a message is due on arrival, no deadline timer. */
  protected immediate: boolean;
  /** The smallest buffer size at which accept() has anything to do besides counting. */
  protected edgeAt: number;
  /** Drop threshold for this connection, overriding the handler's (tune). */
  protected dropThreshold: number | undefined = undefined;
  // Made on first use: most connections of a big topology never need them (0.6 kB together).
  private meterMade: ConnectionMeter | undefined = undefined;
  private streamsMade: ConnectionStreams | undefined = undefined;
  private readonly createdAt: number;
  /** Delivery timing and latency (two clock reads per batch) only while someone needs them. */
  protected metered = false;

  constructor(id: string, config: Readonly<StreamConfig>, host: ConnectionServices) {
    super(id, config, host);
    this.mailbox = new Mailbox(config, (reason, count) => this.drop(reason, count));
    this.createdAt = host.clock.now();
    this.maxBatch = config.maxBatchSize;
    this.batchTimeout = config.batchTimeout;
    this.immediate = knobsIn.immediate(config.batchTimeout);
    this.highWater = Math.max(1, Math.ceil(config.backpressureThreshold * config.bufferSize));
    this.lowWater = config.lowWatermark * config.bufferSize;
    // recomputeEdge() with no batch out: it cannot be called yet, the delivery layer's fields
    // are initialised after this constructor returns.
    this.edgeAt = this.immediate ? 1 : Math.min(this.maxBatch, this.highWater);
    this.refreshHandler();
  }

  /** Latency, rates, time ratios, recoveries: O(1) per batch or edge. @internal */
  protected get meter(): ConnectionMeter {
    return (this.meterMade ??= new ConnectionMeter(this.createdAt));
  }

  /** The meter if anything was ever metered (a reader of busy time need not make one). @internal */
  protected get madeMeter(): ConnectionMeter | undefined {
    return this.meterMade;
  }

  /** The writer, the readable and producers waiting for room live here. @internal */
  protected get streams(): ConnectionStreams {
    return (this.streamsMade ??= new ConnectionStreams(this));
  }

  /**
   * The streams if anybody made them: edges (pressure, relief, room, close) are told to these
   * only, since streams nobody made have no writer, waiter or reader to tell. @internal
   */
  protected get madeStreams(): ConnectionStreams | undefined {
    return this.streamsMade;
  }

  /** True between a high-watermark crossing and the next low-watermark crossing. */
  get isBackpressured(): boolean {
    return this.pressured;
  }

  /** Open for writes (not closing, closed or failed). */
  get isOpen(): boolean {
    return this.mode.accepting;
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
    if (!this.mode.accepting) throw this.closedError();
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
    if (!this.mode.accepting) throw this.closedError();
    const size = this.mailbox.admit(message);
    if (size < 0) return this.notAdmitted(size as Admit, countRefusal);
    this.accepted++;
    // One comparison on most messages: edgeAt is the smallest size at which anything happens.
    if (size === 1 || size >= this.edgeAt) this.onEdge(size);
    return this.pressured ? 'backpressured' : 'accepted';
  }

  /** Would this (valid) message be refused as full right now? Counts the refusal if so. @internal */
  refuses(message: StreamMessage): boolean {
    if (!this.mode.accepting) return false; // accept() will throw the real error
    if (!this.mailbox.refuses(message)) return false;
    this.refused++;
    return true;
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

  /** Stops accepting, delivers what is buffered, then resolves (state `closed`). */
  abstract close(): Promise<void>;
  /** Replaces the delivery target, returning the old one (the readable takes over). @internal */
  abstract swapInbox(inbox: Inbox): Inbox;
  /** The first message of a batch arrived: start its deadline. */
  protected abstract headArrived(): void;
  /** Delivers every batch that is ready and allowed. */
  protected abstract pump(due?: boolean): void;
  /** Messages in the batch out: they count towards occupancy until it settles. */
  protected abstract heldCount(): number;
  /** overflowStrategy 'fail' met a full buffer: the connection fails, loudly. */
  protected abstract failByOverflow(): never;

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
    return this.failByOverflow();
  }

  private onEdge(size: number): void {
    // Occupancy is what the connection holds: buffered plus the batch out (as for "full").
    const occupancy = size + this.heldCount();
    // dropBuffer can empty a pressured buffer without a batch being taken.
    if (this.pressured && this.isLow(occupancy)) this.relieve();
    if (size === 1) this.headArrived();
    if (occupancy >= this.highWater && !this.pressured) this.raisePressure();
    if (size >= this.maxBatch || this.immediate) this.pump();
  }

  /** Below the low watermark (or empty, so a watermark of 0 still relieves). */
  protected isLow(size: number): boolean {
    return size < this.lowWater || size === 0;
  }

  /** The smallest size at which accept() must look again, given the batch out. */
  protected recomputeEdge(): void {
    this.edgeAt = this.immediate ? 1 : Math.max(1, Math.min(this.maxBatch, this.highWater - this.heldCount()));
  }

  private raisePressure(): void {
    this.pressured = true;
    this.meter.pressure(this.host.clock.now());
    this.backpressureEvents++;
    this.tell({ type: 'mailbox.pressure' });
    this.madeStreams?.pressure();
  }

  protected relieve(): void {
    this.pressured = false;
    this.meter.relief(this.host.clock.now());
    this.tell({ type: 'mailbox.relief' });
    this.madeStreams?.relief();
  }

  /** Sends a control event to the machine (no-op once it reached a final state). */
  protected abstract tell(event: ConnectionEvent): void;

  protected closedError(): NodeflowError {
    const failed = this.mode.state === 'failed';
    const what = failed ? 'failed' : this.mode.final ? 'closed' : 'closing';
    // Overflow with the 'fail' strategy is the only way a connection fails (the machine's
    // `failure` says so too); later writes carry the same reason as the first error.
    const details = failed ? { connectionId: this.id, reason: 'overflow' } : { connectionId: this.id };
    return new NodeflowError(failed ? 'CONNECTION_FAILED' : 'CONNECTION_CLOSED', `Connection ${this.id} is ${what}: it accepts no more messages`, details);
  }
}
