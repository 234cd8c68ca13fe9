import { NodeflowError, describe } from '../errors.js';
import type { LogBounds, ReadFrom } from './record-log.js';

/**
 * Checks where a read or replay starts against what a log holds now, and throws the typed error
 * the {@link RecordLog} contract asks for: `INVALID_ARGUMENT` for a malformed start (not
 * `{ seq }` with an integer >= 1, nor `{ at }` with a finite time), `OUT_OF_RANGE` for a start
 * outside the retained history. The rule, shared by every store so they answer alike:
 * - `{ seq }` must lie in `first.seq ..= lastSeq` (below: deleted by retention; above: not yet
 *   recorded);
 * - `{ at }` must be at or before the latest time held: `bounds.maxAt` when a clock step back
 *   left it above `last.at` (a read from a time between starts at the first batch that reached
 *   it), else `last.at`; a time
 *   before `first.at` is out of range only if retention deleted batches (`first.seq > 1`): a log
 *   that still holds its first batch holds everything since the recording began, so an earlier
 *   start means "from the beginning".
 *
 * @example
 * ```ts
 * checkReadFrom({ seq: 1 }, log.bounds()); // throws OUT_OF_RANGE once retention deleted seq 1
 * ```
 */
export function checkReadFrom(from: ReadFrom, bounds: LogBounds | undefined): void {
  const shaped = from !== null && typeof from === 'object';
  const f = (shaped ? from : {}) as { seq?: unknown; at?: unknown };
  const bySeq = shaped && 'seq' in f;
  const byAt = shaped && 'at' in f;
  if (bySeq === byAt || (bySeq && !(Number.isInteger(f.seq) && (f.seq as number) >= 1)) || (byAt && !Number.isFinite(f.at))) {
    throw new NodeflowError('INVALID_ARGUMENT', `A read starts at { seq } (an integer >= 1) or { at } (a finite time), got ${describe(from)}`, { field: 'from' });
  }
  if (bounds === undefined) throw outOfRange(from, 'the log holds nothing yet', bounds, 0);
  const lastAt = Math.max(bounds.last.at, bounds.maxAt ?? -Infinity);
  if (bySeq) {
    const seq = f.seq as number;
    if (seq < bounds.first.seq) throw outOfRange(from, `seq ${seq} was deleted by retention (the log starts at seq ${bounds.first.seq})`, bounds, lastAt);
    if (seq > bounds.lastSeq) throw outOfRange(from, `seq ${seq} is not recorded yet (the log ends at seq ${bounds.lastSeq})`, bounds, lastAt);
    return;
  }
  const at = f.at as number;
  if (at > lastAt) throw outOfRange(from, `time ${at} is after the latest batch (at ${lastAt})`, bounds, lastAt);
  if (at < bounds.first.at && bounds.first.seq > 1) throw outOfRange(from, `time ${at} was deleted by retention (the log starts at ${bounds.first.at})`, bounds, lastAt);
}

function outOfRange(from: ReadFrom, why: string, bounds: LogBounds | undefined, lastAt: number): NodeflowError {
  // The same details as the file log's OUT_OF_RANGE: { from, held }, lastAt the latest time held.
  const held = bounds === undefined ? undefined : { firstSeq: bounds.first.seq, lastSeq: bounds.lastSeq, firstAt: bounds.first.at, lastAt };
  return new NodeflowError('OUT_OF_RANGE', `Cannot read from ${'seq' in from ? `seq ${from.seq}` : `time ${from.at}`}: ${why}`, { from, held });
}
