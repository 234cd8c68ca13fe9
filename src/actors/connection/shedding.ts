import type { Priority, StreamMessage } from '../../message.js';
import type { BatchQueue } from './batch-queue.js';
import { SlotDeque } from './slot-deque.js';

/** Rank of a priority, lowest first; `undefined` is `normal`. @internal */
export function rankOf(p: Priority | undefined): number {
  // Most messages carry no priority: test that first.
  if (p === undefined || p === 'normal') return 1;
  return p === 'low' ? 0 : p === 'high' ? 2 : 3;
}

/** Rank of `critical`: never shed. @internal */
export const CRITICAL = 3;

/**
 * Where each buffered message of each priority class sits in the {@link BatchQueue}, oldest
 * first: the victim of any shedding rule is at one end of one class, found in O(1) instead of
 * by a scan. Kept only while a handler is installed (it costs a few writes per message).
 *
 * @example
 * ```ts
 * const q = new BatchQueue<StreamMessage>(1000, 50);
 * const index = new RankIndex();
 * q.push(message);
 * index.add(rankOf(message.priority), q.lastChunk, q.lastIndex); // after each push
 * index.evict(q, rankOf(message.priority)); // O(1): the oldest of its class leaves
 * ```
 * @internal
 */
export class RankIndex {
  private readonly classes = [0, 1, 2, 3].map(() => new SlotDeque<StreamMessage>());
  private seq = 0;

  /** Buffered messages of rank `r`. */
  count(r: number): number {
    return this.classes[r]!.size;
  }

  /** Records the message just pushed at `chunk[j]`. */
  add(r: number, chunk: StreamMessage[], j: number): void {
    this.classes[r]!.push(chunk, j, this.seq++);
  }

  /** The oldest message of rank `r` left the queue by a take. */
  taken(r: number): void {
    this.classes[r]!.shift();
  }

  /** Evicts the oldest (or youngest) message of rank `r` from `q`. */
  evict(q: BatchQueue<StreamMessage>, r: number, youngest = false): StreamMessage {
    const d = this.classes[r]!;
    const m = youngest ? q.kill(d.tailChunk(), d.tailIndex()) : q.kill(d.headChunk(), d.headIndex());
    if (youngest) d.pop();
    else d.shift();
    return m;
  }

  /** The rank whose oldest (or youngest) message is the oldest (youngest) non-critical one, or -1. */
  nonCritical(youngest: boolean): number {
    let best = -1;
    let at = youngest ? -Infinity : Infinity;
    for (let r = 0; r < CRITICAL; r++) {
      const s = youngest ? this.classes[r]!.tailSeq() : this.classes[r]!.headSeq();
      if (youngest ? s > at : s < at) (best = r), (at = s);
    }
    return best;
  }

  /** Re-reads every position from `q` (after a rebuild of its chunks, or a removal by search). */
  rebuild(q: BatchQueue<StreamMessage>): void {
    this.clear();
    q.forEach((m, chunk, j) => this.add(rankOf(m.priority), chunk, j));
  }

  clear(): void {
    for (const d of this.classes) d.clear();
    this.seq = 0;
  }
}

/**
 * Picks the message to shed when a message of rank `incomingRank` arrives at or above the drop
 * threshold: the rank whose oldest message goes, -1 for the incoming message itself, or null
 * when nothing may be shed (only critical messages are left). With `priorityDrop` the victim is
 * the lowest-priority message buffered, the oldest among equals (the buffered one is older than
 * the incoming); without it, the oldest non-critical message. O(1): no scan.
 *
 * @example
 * ```ts
 * const r = pickVictim(index, q.size, rankOf('high'), true);
 * if (r !== null && r >= 0) index.evict(q, r); // the oldest of the lowest class present
 * ```
 * @internal
 */
export function pickVictim(index: RankIndex, size: number, incomingRank: number, priorityDrop: boolean): number | null {
  if (!priorityDrop) {
    if (index.count(CRITICAL) === size) return incomingRank === CRITICAL ? null : -1;
    return index.nonCritical(false);
  }
  let lowest = 0;
  while (lowest < CRITICAL && index.count(lowest) === 0) lowest++;
  if (lowest <= incomingRank && lowest < CRITICAL) return lowest;
  return incomingRank < CRITICAL ? -1 : null;
}
