import type { StreamConfig } from '../../config.js';
import { NodeflowError } from '../../errors.js';
import type { Inbox, StreamMessage } from '../../message.js';
import { connectionDormancy, connectionMachine, type ConnectionActorRef, type ConnectionEvent, type ConnectionPort, type ConnectionState } from '../../machines/connection.machine.js';
import type { ConnectionKnobs, ConnectionStats } from '../types.js';
import { ConnectionCustody } from './connection-custody.js';
import type { ConnectionServices } from './connection-host.js';
import type { ConnectionMetrics } from './connection-meter.js';
import { IDLE } from './delivery-state.js';
import { knobsIn, validateKnobs } from './knobs.js';
import { ActorSlot } from '../engine/actor-slot.js';

/**
 * What the engine lends each connection.
 *
 * @example
 * ```ts
 * const c = new Connection(id, from, to, 'out', 'in', config, inbox, host satisfies ConnectionHost);
 * ```
 */
export interface ConnectionHost extends ConnectionServices {
  closed(connection: Connection): void;
}

/**
 * One connection: a bounded mailbox written synchronously on the hot path, a deadline timer
 * that flushes partial batches, and an XState connection actor that hears only edges (watermark
 * crossed, delivery outcome, breaker, close). At most one batch is out at a time, so retries
 * never reorder. Get it with `engine.getConnection(id)`.
 *
 * Its jobs live in layers, one file each: counters, admission (hot path and watermarks),
 * deadline, delivery (pump, attempt, settle, retry, dead letter), circuit (machine edges and
 * manual breaker), custody (the transport seam's hooks); this file adds the machine, close/dispose, knobs and the readouts.
 *
 * @example
 * ```ts
 * const id = engine.createConnection('source', 'target', 'out', 'in');
 * const connection = engine.getConnection(id);
 * connection.offer({ id: 1, timestamp: Date.now(), sourceNodeId: 'source', targetNodeId: 'target', port: 'out', data: 1 });
 * ```
 */
export class Connection extends ConnectionCustody {
  private readonly slot: ActorSlot<typeof connectionMachine>;
  private closeResolve: (() => void) | undefined = undefined;
  private closePromise: Promise<void> | undefined = undefined;

  constructor(
    id: string,
    readonly sourceNodeId: string,
    readonly targetNodeId: string,
    readonly outputPort: string,
    inputPort: string,
    config: Readonly<StreamConfig>,
    inbox: Inbox,
    protected override readonly host: ConnectionHost,
  ) {
    super(id, config, host, inputPort, inbox);
    const port: ConnectionPort = {
      entered: (state) => this.entered(state as ConnectionState),
      isPressured: () => this.pressured,
      redeliver: () => this.redeliver(),
      allowProbes: () => this.breaker.allowProbes(),
      halfOpenTimeout: () => host.errorRecovery(config).breaker.halfOpenTimeout,
      probeTimedOut: () => this.probeTimedOut(),
    };
    this.slot = new ActorSlot(connectionMachine, { kind: 'connection', id, host, dormancy: connectionDormancy, input: { connectionId: id, port }, entered: port.entered });
  }

  /**
   * The connection's actor. It starts when first needed (see `ActorSlot`): reading this, a retry,
   * the breaker, or an inspector of connections; the watermark edges and a clean close are taken
   * by the dormant slot, reported exactly as the machine reports them.
   */
  get actor(): ConnectionActorRef {
    return this.slot.ref;
  }

  /** Starts the actor now (an inspector watches connections). @internal */
  wake(): void {
    this.slot.wake();
  }

  /** A real `WritableStreamDefaultWriter`: `desiredSize <= 0` and `ready` pending while backpressured. */
  get writer(): WritableStreamDefaultWriter<StreamMessage> {
    return this.streams.writer();
  }

  /** The delivered messages as a `ReadableStream`; taking it makes it this connection's consumer. */
  get readable(): ReadableStream<StreamMessage> {
    return this.streams.readable();
  }

  /**
   * Changes the live flow knobs of this connection (what AdaptiveBackpressureHandler does):
   * `maxBatchSize` in [1, bufferSize], `batchTimeout` >= 0 ms, `dropThreshold` in (0, 1].
   * Takes effect for the next batch; returns the knobs now in force.
   */
  tune(knobs: Partial<ConnectionKnobs>): ConnectionKnobs {
    const { maxBatchSize, batchTimeout, dropThreshold } = validateKnobs(knobs, this.config.bufferSize);
    if (maxBatchSize !== undefined) {
      this.maxBatch = maxBatchSize;
      this.mailbox.queue.setBatchSize(maxBatchSize);
    }
    if (batchTimeout !== undefined) {
      this.batchTimeout = batchTimeout;
      this.immediate = knobsIn.immediate(batchTimeout);
      this.rearm();
    }
    this.recomputeEdge();
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

  /** Counters and state; see {@link ConnectionStats} for the conservation law. */
  stats(): ConnectionStats {
    const b = this.breaker.state;
    const held = this.heldCount();
    return {
      state: this.mode.state,
      accepted: this.accepted,
      delivered: this.delivered,
      deadLettered: this.deadLettered,
      dropped: { ...this.dropped },
      droppedTotal: this.droppedTotal(),
      inFlight: this.mailbox.size + held,
      buffered: this.mailbox.size,
      refused: this.refused,
      batches: this.batches,
      failedAttempts: this.failedAttempts,
      retries: this.retries,
      backpressureEvents: this.backpressureEvents,
      bufferUtilization: (this.mailbox.size + held) / this.config.bufferSize,
      busyMs: this.madeMeter?.busyMs ?? 0,
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
    if (this.mode.final) {
      // A failed connection: wait for the batch still out (its outcome is counted), then
      // unregister it.
      if (this.delivery === IDLE) {
        this.host.closed(this);
        return (this.closePromise = Promise.resolve());
      }
      return (this.closePromise = new Promise<void>((resolve) => (this.closeResolve = resolve)));
    }
    const gated = this.mode.circuit;
    this.closePromise = new Promise<void>((resolve) => (this.closeResolve = resolve));
    this.tell({ type: 'connection.close' });
    this.madeStreams?.closing();
    // Open circuit: no attempt may reach the target, so what is left is dropped(circuitOpen);
    // a batch already out (from before the open) keeps its outcome when it settles.
    if (gated) this.discardAll('circuitOpen', true);
    this.pump();
    return this.closePromise;
  }

  /** Hard stop: whatever is still buffered or out is counted `dropped(shutdown)`. */
  dispose(): void {
    if (this.mode.final) {
      this.discardAll('shutdown'); // a failed connection's batch still out, if any
      this.host.closed(this);
      this.closeResolve?.();
      return;
    }
    this.tell({ type: 'connection.close' });
    this.discardAll('shutdown');
    this.finish('closed');
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
    if (!this.mode.accepting) callback();
    else this.streams.onRoom(callback);
  }

  /**
   * Calls `callback` once the connection is flowing: now if it is not backpressured (or no
   * longer accepting), else at its low-watermark crossing. What an I/O source waits on before it
   * lets the outside send more. @internal
   */
  onFlowing(callback: () => void): void {
    if (!this.mode.accepting || !this.isBackpressured) callback();
    else this.streams.onRelief(callback);
  }

  // Control events after the machine reached a final state would only raise XState warnings.
  protected tell(event: ConnectionEvent): void {
    if (this.slot.status === 'active') this.slot.send(event);
  }

  protected failByOverflow(): never {
    // The machine fails first, so nothing is accepted from here on. What is buffered is
    // dropped, and so is a batch waiting for a retry (no retry timer runs in a failed
    // connection, so close() would wait for it forever); a batch already out keeps its outcome
    // (delivered or dead-lettered) when it settles.
    this.tell({ type: 'connection.fail', reason: 'overflow' });
    this.discardAll('overflow', true);
    this.finish('failed');
    throw new NodeflowError('CONNECTION_FAILED', `Connection ${this.id} failed: its buffer (${this.config.bufferSize}) overflowed and overflowStrategy is 'fail'`, {
      connectionId: this.id,
      reason: 'overflow',
    });
  }

  protected finish(end: 'closed' | 'failed'): void {
    this.clearDeadline();
    const d = this.delivery;
    if (d.kind === 'attempting' && d.timer !== undefined) this.host.clock.clearTimeout(d.timer);
    if (d.kind === 'backingOff' && d.timer !== undefined) this.host.clock.clearTimeout(d.timer);
    if (end === 'failed') this.tell({ type: 'connection.fail', reason: 'overflow' });
    else {
      // dispose() skips the drain, but the machine still walks closing → closed.
      this.tell({ type: 'connection.close' });
      this.tell({ type: 'mailbox.drained' });
    }
    this.slot.retire();
    this.madeStreams?.finished();
    // A failed connection stays listed (state 'failed') until it is removed or the engine stops.
    if (end === 'closed') this.host.closed(this);
    this.closeResolve?.();
  }

  protected endedAfterFailure(): void {
    if (!this.closeResolve) return;
    this.host.closed(this);
    this.closeResolve();
  }
}
