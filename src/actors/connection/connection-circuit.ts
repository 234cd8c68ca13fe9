import { ConnectionMeter } from './connection-meter.js';
import { NodeflowError } from '../../errors.js';
import type { ConnectionState } from '../../machines/connection.machine.js';
import { ConnectionDelivery } from './connection-delivery.js';
import { MODES } from './modes.js';

/**
 * Circuit layer of a connection: what the machine's entry actions tell the runtime (through
 * `ConnectionPort`), and the manual breaker controls. The machine owns open/half-open and
 * their timers; this layer only reacts to its edges and asks for new ones.
 *
 * @example
 * ```ts
 * const c = engine.getConnection(id);
 * c.openCircuit(); // circuitOpen: zero attempts until it half-opens
 * c.closeCircuit(); // deliveries resume at once
 * ```
 */
export abstract class ConnectionCircuit extends ConnectionDelivery {
  /** The connection machine's current state. */
  get currentState(): ConnectionState {
    return this.mode.state;
  }

  /** Opens the circuit by hand: no delivery until it half-opens after the (backed-off) reset time. */
  openCircuit(): void {
    const state = this.mode.state;
    // Already open: a repeated open changes nothing (no doubled reset time).
    if (this.mode.final || state === 'closing' || state === 'circuitOpen') return;
    this.tell({ type: 'breaker.open', openFor: this.breaker.open() });
  }

  /** Closes the circuit by hand (from circuitOpen or halfOpen); deliveries resume at once. */
  closeCircuit(): void {
    if (!this.mode.circuit) return;
    this.breaker.reset();
    this.tell({ type: 'breaker.close' });
    this.pump();
  }

  /** Forgets the breaker's history (window, failure run, open-time backoff); closes it if open. */
  resetCircuit(): void {
    if (this.mode.circuit) this.closeCircuit();
    else this.breaker.reset();
  }

  /** The machine entered `state`: the one place the mode mirror is written. */
  protected entered(state: ConnectionState): void {
    const from = this.mode;
    const to = MODES[state];
    if (to === from) return; // re-entering retrying is not a change
    this.mode = to;
    const now = this.host.clock.now();
    (ConnectionMeter.records(state) ? this.meter : this.madeMeter)?.state(state, now);
    this.host.emit({ type: 'connection.state', connectionId: this.id, from: from.state, to: state, at: now });
    if (this.watcher !== null) this.watcher.moved(state);
    const d = this.delivery;
    // The machine's retry timer left with `retrying`: the batch goes again as soon as the new
    // mode allows (the probe, a close by hand, or a close's last attempt).
    if (d.kind === 'backingOff' && d.timer === undefined && (to.circuit || state === 'closing')) {
      this.delivery = { kind: 'waiting', batch: d.batch, failures: d.failures };
    }
    if (state === 'halfOpen' || (from.circuit && !to.circuit && !to.final && state !== 'closing')) this.pump();
  }

  /**
   * Half-open outlived halfOpenTimeout. A probe still out counts as a failed attempt (like a
   * deliveryTimeout: its batch is retried or dead-lettered, and a late success of it still
   * counts), so a target that never answers cannot stall the connection; with no probe out,
   * the circuit opens again.
   */
  protected probeTimedOut(): void {
    const d = this.delivery;
    if (d.kind === 'attempting' && this.breaker.isProbe(d.probe)) {
      const timeout = this.host.errorRecovery(this.config).breaker.halfOpenTimeout;
      this.settle(d, false, new NodeflowError('DELIVERY_TIMEOUT', `Half-open probe on ${this.id} outlived halfOpenTimeout (${timeout} ms)`, { connectionId: this.id, timeout }));
      return;
    }
    this.tell({ type: 'breaker.open', openFor: this.breaker.open() });
  }
}
