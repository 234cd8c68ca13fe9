import type { StreamConfig } from '../../config.js';
import type { Batch, DropReason, OfferResult, StreamMessage } from '../../message.js';
import type { ConnectionState } from '../../machines/connection.machine.js';
import type { ConnectionKnobs } from '../types.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';

/**
 * What a consumer end of a connection across processes (the transport's inlet) hears of the
 * local connection it feeds, in the connection's FIFO order: how many messages left it delivered,
 * which batch was dead-lettered, what was dropped, and when the batch out waits for a retry.
 * Called per batch (per drop call), never per message; nothing is called while no one watches.
 * See docs/semantics.md, "Connections across processes".
 *
 * @example
 * ```ts
 * const watcher: ConnectionWatcher = { delivered: (n) => (done += n), deadLettered: () => {}, dropped: () => {}, retrying: () => {}, moved: () => {} };
 * ```
 */
export interface ConnectionWatcher {
  /** `count` messages, the oldest not yet settled, were delivered. */
  delivered(count: number): void;
  /** The oldest `messages.length` messages not yet settled were dead-lettered, for `error`. */
  deadLettered(messages: readonly StreamMessage[], error: unknown): void;
  /** `count` accepted messages were dropped for `reason` (not necessarily the oldest). */
  dropped(count: number, reason: DropReason): void;
  /** The batch out failed and backs off before its retry (or waits to be the half-open probe). */
  retrying(): void;
  /** The connection's machine entered `state` (an edge: breaker open, half-open, closed, ...). */
  moved(state: ConnectionState): void;
}

/**
 * A connection as the producer end of a connection across processes (the transport's outlet)
 * sees the connection that delivers to it: once `keepCustody()` was called, a delivered batch
 * stays in the connection's occupancy and `inFlight` (counted neither delivered nor dead-lettered)
 * until `releaseCustody` says how it ended at the far end. A `Connection` is one.
 *
 * @example
 * ```ts
 * const input = ctx.seam.input(batch.connectionId)!;
 * input.keepCustody();
 * // later, when the far end settled the frame:
 * input.releaseCustody(batch.messages.length, 0);
 * ```
 */
export interface CustodyEnd {
  readonly id: string;
  readonly config: Readonly<StreamConfig>;
  keepCustody(): void;
  releaseCustody(count: number, deadLettered: number): void;
  /** Messages delivered and not yet released. */
  readonly custodyHeld: number;
  stats(): { readonly accepted: number };
  /** The target takes `batch`, held back until now: `send` runs and the delivery succeeds, unless the connection gave up on it meanwhile. */
  takeOver?(batch: Batch, send: () => void): void;
  /** Its error recovery (a node on a worker thread retries its frames by it). */
  recovery?(): ErrorRecovery;
  /** An attempt at messages in custody failed at the far end (a node on a worker thread); `retryDelay` when a retry follows. */
  custodyAttemptFailed?(attempt: number, error: unknown, retryDelay: number | undefined): void;
  /** Records dead letters of messages in custody (a node on a worker thread); counted at release. */
  recordDeadLetter?(messages: readonly StreamMessage[], error: unknown, attempts: number): void;
  /** The circuit as a retry at the far end sees it: `open` waits, `halfOpen` runs only as an adopted probe. */
  circuitPhase?(): 'closed' | 'open' | 'halfOpen';
  /** In half-open, makes a waiting far-end retry a probe if the budget allows (its round, else 0); `ahead`: messages in custody up to and including its frame. */
  adoptProbe?(ahead: number): number;
  /** Is a retry adopted in half-open round `round` a probe now (still that round)? */
  isRoundProbe?(round: number): boolean;
  /** A far-end retry starts (+1) or stops (-1) waiting for the circuit: half-open hands nothing over while one waits. */
  custodyRetryWaiting?(delta: 1 | -1): void;
}

/**
 * A connection as the consumer end of a connection across processes (the transport's inlet)
 * sees the connection it feeds: it offers into it, watches its settlement, and reads its room.
 * A `Connection` is one.
 *
 * @example
 * ```ts
 * const out = ctx.seam.output('out')!;
 * out.watch(watcher);
 * if (out.room() >= frame.messages.length) for (const m of frame.messages) out.accept(m);
 * out.flush();
 * ```
 */
export interface FeedEnd {
  readonly id: string;
  readonly config: Readonly<StreamConfig>;
  readonly currentState: ConnectionState;
  readonly isOpen: boolean;
  accept(message: StreamMessage): OfferResult;
  flush(): void;
  /** Messages it can take now before it refuses, sheds or evicts any: 0 or more. */
  room(): number;
  knobs(): ConnectionKnobs;
  watch(watcher: ConnectionWatcher | null): void;
}

/**
 * What a relay's inlet hears of a connection downstream of it in its process (docs/semantics.md,
 * "Relay barrier"): that some of what it accepted settled, or that a stop dropped some. Called per
 * batch (per drop call), never per message; nothing is called while no one observes.
 *
 * @example
 * ```ts
 * const observer: SettleObserver = { settled: () => barrier.check(), lost: () => (gone = true) };
 * ```
 */
export interface SettleObserver {
  /** Its settled count moved (delivered, released from custody, dead-lettered or dropped). */
  settled(): void;
  /** A stop dropped accepted messages (`shutdown`, `circuitOpen`): they never go where they were going. */
  lost(): void;
}

/**
 * A connection downstream of a relay's inlet, as the inlet sees it: counts to compare (every
 * message it accepted ends settled: delivered, or released from custody at an outlet,
 * dead-lettered, or dropped) and its settlement to observe. A `Connection` is one.
 *
 * @example
 * ```ts
 * const mark = end.acceptedCount; // later: end.settledCount >= mark means all of those settled
 * end.observe(observer);
 * ```
 */
export interface SettleEnd {
  readonly id: string;
  readonly acceptedCount: number;
  /** `accepted - inFlight`: delivered (released, under custody) + dead-lettered + dropped. */
  readonly settledCount: number;
  observe(observer: SettleObserver): void;
  unobserve(observer: SettleObserver): void;
}
