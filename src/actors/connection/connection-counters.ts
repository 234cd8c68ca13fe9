import type { StreamConfig } from '../../config.js';
import type { DropReason } from '../../message.js';
import type { ConnectionServices } from './connection-host.js';
import type { ConnectionWatcher, SettleObserver } from './transport-hooks.js';

/**
 * Bottom layer of a connection: its counters, over which the conservation law
 * `accepted = delivered + droppedTotal + deadLettered + inFlight` holds at every moment.
 *
 * The layers (counters → admission → deadline → delivery → circuit → `Connection`) each hold
 * one job in their own file, but build ONE object: the hot path stays plain method calls on
 * one hidden class, with no indirection per message.
 *
 * @example
 * ```ts
 * const { accepted, delivered } = engine.getConnection(id).stats(); // a Connection is its counters too
 * ```
 */
export abstract class ConnectionCounters {
  protected accepted = 0;
  protected delivered = 0;
  protected deadLettered = 0;
  protected refused = 0;
  protected batches = 0;
  protected failedAttempts = 0;
  protected retries = 0;
  protected backpressureEvents = 0;
  protected readonly dropped: Record<DropReason, number> = { overflow: 0, priority: 0, timeout: 0, expired: 0, shutdown: 0, circuitOpen: 0 };
  // The transport seam (docs/semantics.md, "Connections across processes"); idle for every
  // other connection: one boolean or null test per batch, nothing per message.
  /** The target keeps custody of what it is delivered (an outlet): delivered only once released. */
  protected custody = false;
  /** Messages delivered into custody and not yet released: in occupancy and inFlight. */
  protected custodied = 0;
  /** Messages released from custody so far: a held probe's frame has settled once this reaches its mark. */
  protected custodyReleased = 0;
  /**
   * Half-open probes handed into custody whose far-end outcome is still due (at most the round's
   * probe budget): `round` from the breaker, `mark` the custodyReleased count that settles it.
   */
  protected heldProbes: { readonly round: number; readonly mark: number }[] = [];
  /** Retries at the far end waiting for the circuit: while any waits, half-open hands nothing over (they probe first). */
  protected farWaiting = 0;
  /** The consumer end of a connection across processes (an inlet) hears settlement here. */
  protected watcher: ConnectionWatcher | null = null;
  /** Relay inlets upstream in this process hear every settlement here (docs/semantics.md, "Relay barrier"). */
  protected observers: SettleObserver[] | null = null;

  constructor(
    readonly id: string,
    readonly config: Readonly<StreamConfig>,
    protected readonly host: ConnectionServices,
  ) {}

  /** Counts one message that waited past maxWaitTime: it was accepted, then dropped. @internal */
  acceptAsTimedOut(): void {
    this.accepted++;
    this.drop('timeout', 1);
  }

  /** A batch of `count` was delivered: counted, or held in custody until the target releases it. */
  protected handedOver(count: number): void {
    if (this.custody) this.custodied += count;
    else {
      this.delivered += count;
      if (this.watcher !== null) this.watcher.delivered(count);
      if (this.observers !== null) this.settledMore(false);
    }
  }

  /** Tells the observers the settled count moved (`lost`: a stop dropped some). */
  protected settledMore(lost: boolean): void {
    for (const o of this.observers!) lost ? o.lost() : o.settled();
  }

  protected drop(reason: DropReason, count: number): void {
    if (count === 0) return;
    this.dropped[reason] += count;
    if (this.watcher !== null) this.watcher.dropped(count, reason);
    if (this.observers !== null) this.settledMore(reason === 'shutdown' || reason === 'circuitOpen');
    // Drops can be per message under overload: build the event only for a listener.
    if (this.host.observed('message.dropped')) this.host.emit({ type: 'message.dropped', connectionId: this.id, reason, count, at: this.host.clock.now() });
  }

  protected droppedTotal(): number {
    const d = this.dropped;
    return d.overflow + d.priority + d.timeout + d.expired + d.shutdown + d.circuitOpen;
  }
}
