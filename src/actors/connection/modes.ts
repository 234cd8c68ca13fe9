import type { ConnectionState } from '../../machines/connection.machine.js';

/**
 * What the runtime needs to know of the machine's state on its hot path, as one frozen record
 * per state. The connection keeps ONE reference to the record of the state the machine last
 * entered (set only by the machine's entry actions through `ConnectionPort.entered`), so
 * "may I accept?" is one property read and the mode never lives in a second set of flags.
 *
 * @example
 * ```ts
 * if (!MODES.closing.accepting) throw new Error('closing');
 * ```
 */
export interface Mode {
  readonly state: ConnectionState;
  /** Open for writes: not closing, closed or failed. */
  readonly accepting: boolean;
  /** The circuit is open or half-open: the breaker decides what may be attempted. */
  readonly circuit: boolean;
  /** The machine reached a final state (closed or failed): nothing more is attempted. */
  readonly final: boolean;
}

function mode(state: ConnectionState, accepting: boolean, circuit: boolean, final: boolean): Mode {
  return Object.freeze({ state, accepting, circuit, final });
}

/**
 * One record per state of the connection machine; `satisfies` keeps the table complete when a
 * state is added to the machine.
 *
 * @example
 * ```ts
 * MODES.halfOpen.circuit; // true
 * ```
 */
export const MODES = Object.freeze({
  flowing: mode('flowing', true, false, false),
  backpressured: mode('backpressured', true, false, false),
  retrying: mode('retrying', true, false, false),
  circuitOpen: mode('circuitOpen', true, true, false),
  halfOpen: mode('halfOpen', true, true, false),
  closing: mode('closing', false, false, false),
  closed: mode('closed', false, false, true),
  failed: mode('failed', false, false, true),
} satisfies Record<ConnectionState, Mode>);
