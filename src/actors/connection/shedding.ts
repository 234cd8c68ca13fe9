import type { Priority, StreamMessage } from '../../message.js';
import type { BatchQueue } from './batch-queue.js';

/** Rank of a priority, lowest first; `undefined` is `normal`. @internal */
export function rankOf(p: Priority | undefined): number {
  // Most messages carry no priority: test that first.
  if (p === undefined || p === 'normal') return 1;
  return p === 'low' ? 0 : p === 'high' ? 2 : 3;
}

/** Rank of `critical`: never shed. @internal */
export const CRITICAL = 3;

/**
 * Picks the message to shed when `incoming` arrives at or above the drop threshold.
 * Returns the ring position of the victim, -1 for the incoming message itself, or null when
 * nothing may be shed (only critical messages are left). `counts[r]` is how many buffered
 * messages have rank r, so the common case (no lower priority buffered) costs no scan.
 * With `priorityDrop` off the victim is the oldest non-critical message.
 * @internal
 */
export function pickVictim(
  ring: BatchQueue<StreamMessage>,
  counts: Int32Array,
  incomingRank: number,
  priorityDrop: boolean,
): number | null {
  if (!priorityDrop) {
    if (counts[CRITICAL] === ring.size) return incomingRank === CRITICAL ? null : -1;
    return findOldest(ring, (r) => r !== CRITICAL);
  }
  let lowest = 0;
  while (lowest < CRITICAL && counts[lowest] === 0) lowest++;
  // Among equals the buffered one is older than the incoming, so it goes first.
  if (lowest <= incomingRank && lowest < CRITICAL) return findOldest(ring, (r) => r === lowest);
  return incomingRank < CRITICAL ? -1 : null;
}

function findOldest(ring: BatchQueue<StreamMessage>, match: (rank: number) => boolean): number {
  for (let i = 0; i < ring.size; i++) if (match(rankOf(ring.at(i)!.priority))) return i;
  return -1;
}
