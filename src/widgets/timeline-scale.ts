import type { LogBounds } from '../record/record-log.js';
import type { ReplaySpeed } from '../record/replay-options.js';
import type { ReplayState } from '../record/replay-state.js';

/**
 * What a {@link Timeline}'s scrubber moves by: the recorded time (`'time'`) or the message
 * sequence number (`'seq'`).
 *
 * @example
 * ```tsx
 * <Timeline replay={replay} scale="seq" />
 * ```
 */
export type TimelineScale = 'time' | 'seq';

/**
 * The scrubber's range over what a log holds, the replay's place in it, and how to say a value
 * (its `aria-valuetext`). Pure: a function of the bounds, the state and the scale.
 *
 * @example
 * ```ts
 * const s = scrubberOf(log.bounds(), replay.state(), 'seq'); // { min: 1, max: 120, value: 40, ... }
 * ```
 * @internal
 */
export interface Scrubber {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  /** The log holds nothing: there is nowhere to seek. */
  readonly empty: boolean;
  text(value: number): string;
  clamp(value: number): number;
}

/**
 * The {@link Scrubber} for `bounds` (undefined: an empty log), `state` and `scale`.
 *
 * @example
 * ```ts
 * scrubberOf({ first: { seq: 1, at: 0 }, last: { seq: 91, at: 900 }, lastSeq: 100 }, undefined, 'time').text(450); // '0.45 s of 0.9 s'
 * ```
 * @internal
 */
export function scrubberOf(bounds: LogBounds | undefined, state: ReplayState | undefined, scale: TimelineScale): Scrubber {
  if (bounds === undefined) return { min: 0, max: 0, step: 1, value: 0, empty: true, text: () => 'nothing recorded', clamp: () => 0 };
  const bySeq = scale === 'seq';
  const min = bySeq ? bounds.first.seq : bounds.first.at;
  const max = bySeq ? bounds.lastSeq : bounds.last.at;
  const clamp = (v: number) => Math.min(max, Math.max(min, Math.round(v)));
  // An arrow key moves 0.5% of the track: one ms (or one message) of an hour's log is no move at all.
  const step = Math.max(1, Math.round((max - min) / 200));
  const p = state?.position;
  const value = p === undefined ? min : clamp(bySeq ? p.seq : p.at);
  const text = bySeq ? (v: number) => `message ${v} of ${max}` : (v: number) => `${seconds(v - min)} of ${seconds(max - min)}`;
  return { min, max, step, value, empty: false, text, clamp };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
}

/**
 * How a speed reads in the speed select: `10×`, `instant`.
 *
 * @example
 * ```ts
 * speedLabel(10); // '10×'
 * ```
 * @internal
 */
export function speedLabel(speed: ReplaySpeed): string {
  return speed === 'instant' ? 'instant' : `${speed}×`;
}
