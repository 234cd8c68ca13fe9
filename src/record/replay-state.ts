import type { ReplaySpeed } from './replay-options.js';

/**
 * Where a replay is: the last message shown (its seq, and its batch's recorded time).
 *
 * @example
 * ```ts
 * const p = replay.state().position; // { seq: 4200, at: 1733150000000 }
 * ```
 */
export interface ReplayPosition {
  readonly seq: number;
  readonly at: number;
}

/**
 * A replay's state. `phase` is `history` while batches come from the log and `live` once a
 * replay-then-live has joined its live stream. `playing` and `paused` go on; `ended` (history
 * shown, no live stream), `stopped` (by `stop()`) and `failed` (the target stopped, or the
 * log could not be read: `error` says why) are final.
 *
 * @example
 * ```ts
 * replay.state$.subscribe((s) => { if (s.status === 'failed') console.error(s.error); });
 * ```
 */
export type ReplayState =
  | (ReplayStateBase & { readonly status: 'playing' | 'paused' | 'ended' | 'stopped' })
  | (ReplayStateBase & { readonly status: 'failed'; readonly error: unknown });

/**
 * What every {@link ReplayState} has.
 *
 * @example
 * ```ts
 * const { phase, speed, shown } = replay.state();
 * ```
 */
export interface ReplayStateBase {
  readonly phase: 'history' | 'live';
  readonly speed: ReplaySpeed;
  readonly position: ReplayPosition | undefined;
  /** Messages put into the target so far. */
  readonly shown: number;
}
