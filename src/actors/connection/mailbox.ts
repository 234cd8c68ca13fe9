import type { OverflowStrategy, StreamConfig } from '../../config.js';
import type { StreamMessage } from '../../message.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import { BatchQueue } from './batch-queue.js';
import { CRITICAL, RankIndex, pickVictim, rankOf } from './shedding.js';
import type { DropReason } from '../../message.js';

/**
 * What `admit` did with a message when it was not buffered (admit returns the new buffer size,
 * >= 1, when it was): a policy dropped it (`DroppedOverflow`, `DroppedPriority`: the caller
 * counts it, after counting it accepted, so the conservation law holds when the drop event
 * fires); the buffer is full and the strategy is `backpressure` or only critical messages could
 * go (`Full`); or the strategy is `fail` (`Fail`).
 * @internal
 */
export const Admit = { DroppedOverflow: -1, Full: -2, Fail: -3, DroppedPriority: -4 } as const;
/** @internal */
export type Admit = (typeof Admit)[keyof typeof Admit];
/** Room was made: go on with the push. */
const OK = 0;

/**
 * Admission to a connection's buffer: the backpressure handler's shedding (from its drop
 * threshold, by priority), the overflow strategy when the buffer is full, and conflation.
 * Every message it evicts is reported through `onDrop` with its reason, so nothing leaves
 * without a counter. The queue itself is a {@link BatchQueue}; while a handler is installed a
 * {@link RankIndex} says where each priority class sits in it, so every eviction is O(1).
 * @internal
 */
export class Mailbox {
  readonly queue: BatchQueue<StreamMessage>;
  // Where each priority class sits, for shedding. Built when first needed (the buffer reached
  // the drop threshold, or a strategy must spare critical messages) and dropped again once the
  // buffer is below half the threshold, so a connection that is not shedding pays nothing per
  // message; each build is paid for by the threshold/2 pushes before it.
  /** Made the first time shedding needs it: most connections never shed (about 1 KB each). */
  private indexStore: RankIndex | undefined = undefined;
  private indexed = false;
  private unindexAt = 0;
  private trackPriority = false;
  private shedAt = Infinity;
  private priorityDrop = false;
  /** No handler and no conflation: admission is a plain push while there is room. */
  private plain: boolean;
  private readonly strategy: OverflowStrategy;
  private readonly keyOf: (m: StreamMessage) => unknown;
  /** With `conflate`: the buffered message of each key. */
  private readonly latest: Map<unknown, StreamMessage> | null;

  constructor(
    config: Readonly<StreamConfig>,
    private readonly onDrop: (reason: DropReason, count: number) => void,
  ) {
    this.queue = new BatchQueue(config.bufferSize, config.maxBatchSize);
    this.strategy = config.overflowStrategy;
    this.keyOf = config.conflateKey ?? ((m) => m.key);
    this.latest = this.strategy === 'conflate' ? new Map() : null;
    this.plain = this.latest === null;
  }

  get size(): number {
    return this.queue.size;
  }

  /** The size from which the handler sheds (Infinity without one). */
  get shedFrom(): number {
    return this.shedAt;
  }

  /** Applies the engine's handler (or none): drop threshold and priority tracking. */
  setHandler(h: BackpressureHandler | undefined, bufferSize: number, dropThreshold?: number): void {
    this.shedAt = h ? Math.max(1, Math.ceil((dropThreshold ?? h.dropThreshold) * bufferSize)) : Infinity;
    this.priorityDrop = h ? h.priorityDrop : false;
    this.trackPriority = h !== undefined;
    this.plain = h === undefined && this.latest === null;
    this.unindexAt = this.shedAt === Infinity ? 0 : Math.floor(this.shedAt / 2);
    this.unindex();
  }

  /** Buffers `m` and returns the new size (>= 1), or a negative {@link Admit} code. */
  admit(m: StreamMessage): number {
    // The common case (no handler, no conflation, room left) is one push and one test.
    if (this.plain) {
      const size = this.queue.push(m);
      if (size > 0) return size;
    }
    return this.admitSlow(m);
  }

  private admitSlow(m: StreamMessage): number {
    const q = this.queue;
    if (q.size >= this.shedAt) {
      const shed = this.shed(m);
      if (shed !== OK) return shed;
    }
    if (this.latest !== null) this.conflate(m);
    if (!q.push(m)) {
      const r = this.overflow(m);
      if (r !== OK) return r;
      q.push(m);
    }
    if (this.indexed) this.index.add(rankOf(m.priority), q.lastChunk, q.lastIndex);
    if (this.latest !== null) {
      const key = this.keyOf(m);
      if (key !== undefined) this.latest.set(key, m);
    }
    return q.size;
  }

  // The buffer is full: the strategy makes room (Ok) or says what happens to `m`. With a
  // handler installed, critical messages are never the victims ("critical is never shed").
  private overflow(m: StreamMessage): Admit | typeof OK {
    const q = this.queue;
    const strategy = this.strategy;
    if (strategy === 'backpressure') return Admit.Full;
    if (strategy === 'fail') return Admit.Fail;
    const keepCritical = this.trackPriority;
    const incomingCritical = keepCritical && rankOf(m.priority) === CRITICAL;
    if (strategy === 'dropNew') return incomingCritical ? Admit.Full : Admit.DroppedOverflow;
    if (strategy === 'dropBuffer') {
      // Every non-critical message goes (everything without a handler); critical ones stay in
      // place. O(evicted): a membership test against a kept list here once cost O(n^2).
      const before = q.size;
      if (keepCritical) {
        const index = this.ranks();
        for (let r = 0; r < CRITICAL; r++) while (index.count(r) > 0) this.evicted(index.evict(q, r));
        this.compact();
      } else this.clear();
      this.onDrop('overflow', before - q.size);
      if (q.size < before) return OK;
    } else if (this.evictEnd(strategy === 'dropTail', keepCritical)) {
      // dropHead / conflate: the oldest went; dropTail: the youngest (non-critical with a handler).
      this.onDrop('overflow', 1);
      return OK;
    }
    // Nothing may be evicted (the room is all in flight, or only critical messages are left).
    return incomingCritical || (keepCritical && q.size === 0) ? Admit.Full : Admit.DroppedOverflow;
  }

  // Evicts the oldest (youngest) message, non-critical with a handler: O(1). False if none may go.
  private evictEnd(youngest: boolean, keepCritical: boolean): boolean {
    const q = this.queue;
    if (keepCritical) {
      const r = this.ranks().nonCritical(youngest);
      if (r < 0) return false;
      this.evicted(this.index.evict(q, r, youngest));
    } else {
      if (q.size === 0) return false;
      this.evicted(youngest ? q.pop()! : q.shift()!);
    }
    this.compact();
    return true;
  }

  private hasVictim(youngest: boolean, keepCritical: boolean): boolean {
    return keepCritical ? this.ranks().nonCritical(youngest) >= 0 : this.queue.size > 0;
  }

  // Rebuilds the queue's chunks once holes outnumber messages; the index follows them.
  private compact(): void {
    if (this.queue.compactIfSparse() && this.indexed) this.index.rebuild(this.queue);
  }

  /** The index, built now if it is not kept at the moment. */
  private ranks(): RankIndex {
    if (!this.indexed) {
      this.index.rebuild(this.queue);
      this.indexed = true;
    }
    return this.index;
  }

  private get index(): RankIndex {
    return (this.indexStore ??= new RankIndex());
  }

  private unindex(): void {
    this.indexed = false;
    this.indexStore?.clear();
  }

  /**
   * Would `admit(m)` refuse `m` now (Full)? The same decisions as admit, without side effects:
   * a fan-out asks every connection first, so a message goes to all of them or to none.
   */
  refuses(m: StreamMessage): boolean {
    const q = this.queue;
    if (!q.full) return false;
    const rank = rankOf(m.priority);
    if (q.size >= this.shedAt && pickVictim(this.ranks(), q.size, rank, this.priorityDrop) !== null) return false;
    if (this.latest !== null) {
      const key = this.keyOf(m);
      const old = key === undefined ? undefined : this.latest.get(key);
      if (old !== undefined && !(this.trackPriority && rankOf(old.priority) === CRITICAL)) return false;
    }
    const keepCritical = this.trackPriority;
    const incomingCritical = keepCritical && rank === CRITICAL;
    switch (this.strategy) {
      case 'backpressure':
        return true;
      case 'fail':
        return false;
      case 'dropNew':
        return incomingCritical;
      case 'dropBuffer':
        if (q.size > 0 && (!keepCritical || this.ranks().count(CRITICAL) < q.size)) return false;
        break;
      default:
        if (this.hasVictim(this.strategy === 'dropTail', keepCritical)) return false;
    }
    return incomingCritical || (keepCritical && q.size === 0);
  }

  /** The next batch: the oldest 1..maxBatchSize messages, FIFO (full-sized while shedding). */
  take(): StreamMessage[] {
    const batch = this.queue.take();
    if (this.indexed) {
      for (let i = 0; i < batch.length; i++) this.index.taken(rankOf(batch[i]!.priority));
      if (this.queue.size < this.unindexAt) this.unindex();
    }
    if (this.latest !== null) for (let i = 0; i < batch.length; i++) this.evicted(batch[i]!);
    return batch;
  }

  /** Removes everything (dispose, failure); the caller counts it. */
  clear(): number {
    const all = this.queue.drain();
    this.unindex();
    this.latest?.clear();
    return all.length;
  }

  // Bookkeeping for a message leaving the buffer (taken or evicted); the index is kept by its caller.
  private evicted(m: StreamMessage): void {
    if (this.latest !== null) {
      const key = this.keyOf(m);
      if (key !== undefined && this.latest.get(key) === m) this.latest.delete(key);
    }
  }

  /** The handler sheds one message: OK (a buffered one went, or none may) or the incoming's fate. */
  private shed(incoming: StreamMessage): Admit | typeof OK {
    const victim = pickVictim(this.ranks(), this.queue.size, rankOf(incoming.priority), this.priorityDrop);
    if (victim === null) return OK;
    if (victim === -1) return this.priorityDrop ? Admit.DroppedPriority : Admit.DroppedOverflow;
    this.evicted(this.index.evict(this.queue, victim));
    this.compact();
    this.onDrop(this.priorityDrop ? 'priority' : 'overflow', 1);
    return OK;
  }

  // Keeps only the newest message per key: the older one leaves, counted dropped(overflow).
  // It is removed (not replaced in place) so the delivered order stays a subsequence of the
  // sent order.
  private conflate(m: StreamMessage): void {
    const key = this.keyOf(m);
    if (key === undefined) return;
    const old = this.latest!.get(key);
    if (old === undefined) return;
    // With a handler installed a critical message is never shed, not even by a newer value.
    if (this.trackPriority && rankOf(old.priority) === CRITICAL) return;
    // A search (O(n), as conflation always was); the index is re-read after it.
    if (!this.queue.remove(old)) return;
    this.evicted(old);
    if (this.indexed) this.index.rebuild(this.queue);
    this.compact();
    this.onDrop('overflow', 1);
  }
}
