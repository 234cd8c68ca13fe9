import type { Batch } from '../../message.js';

/**
 * The batch a connection holds, as one tagged union (cockatiel's `InnerState`): a field exists
 * only in the state that owns it, so "held but not awaiting, with a closing retry timer" cannot
 * be spelled. At most one batch is out at a time, which is why retries never reorder.
 *
 * - `idle`: nothing out; the next batch may be taken from the mailbox.
 * - `attempting`: `inbox.deliver` was called and has not settled (or is running now).
 * - `backingOff`: it failed and waits out its retry delay: the machine's `retrying` timer, or,
 *   while closing (the machine runs no retry timers then), the runtime's own `timer`.
 * - `waiting`: it failed and goes again as soon as the mode allows: as the half-open probe, at
 *   once when the circuit is closed by hand, or as the one last attempt of a close.
 *
 * @example
 * ```ts
 * const d: Delivery = IDLE;
 * if (d.kind !== 'idle') console.log(d.batch.messages.length, d.failures);
 * ```
 */
export type Delivery = Idle | Attempting | BackingOff | Waiting;

/**
 * No batch out. One shared frozen value: idle costs no allocation.
 *
 * @example
 * ```ts
 * const d: Idle = IDLE;
 * ```
 */
export interface Idle {
  readonly kind: 'idle';
}

/**
 * An attempt in progress. Its identity is its token: a result that arrives for an attempt that
 * is no longer the connection's `delivery` (timed out, disposed) is late.
 *
 * @example
 * ```ts
 * const a: Attempting = { kind: 'attempting', batch, failures: 0, probe: 0, startedAt: -1, timer: undefined };
 * ```
 */
export interface Attempting {
  readonly kind: 'attempting';
  readonly batch: Batch;
  /** Failed attempts of this batch before this one. */
  readonly failures: number;
  /** The half-open round this attempt probes for, or 0 when it is not a probe. */
  readonly probe: number;
  /** Clock time it started, or -1 when delivery timing is off. */
  readonly startedAt: number;
  /** The deliveryTimeout timer of an asynchronous attempt. */
  timer: unknown;
}

/**
 * A failed batch waiting out its retry delay.
 *
 * @example
 * ```ts
 * const b: BackingOff = { kind: 'backingOff', batch, failures: 1, timer: undefined };
 * ```
 */
export interface BackingOff {
  readonly kind: 'backingOff';
  readonly batch: Batch;
  readonly failures: number;
  /** The runtime's retry timer while closing; undefined when the machine's `retrying` owns it. */
  readonly timer: unknown;
}

/**
 * A failed batch due again as soon as the mode allows (half-open probe, closed circuit, close).
 *
 * @example
 * ```ts
 * const w: Waiting = { kind: 'waiting', batch, failures: 2 };
 * ```
 */
export interface Waiting {
  readonly kind: 'waiting';
  readonly batch: Batch;
  readonly failures: number;
}

/**
 * The idle delivery.
 *
 * @example
 * ```ts
 * let delivery: Delivery = IDLE;
 * ```
 */
export const IDLE: Idle = Object.freeze({ kind: 'idle' });
