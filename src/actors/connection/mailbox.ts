import type { OverflowStrategy, StreamConfig } from '../../config.js';
import type { StreamMessage } from '../../message.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import { BatchQueue } from './batch-queue.js';
import { CRITICAL, pickVictim, rankOf } from './shedding.js';
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
 * without a counter. The queue itself is a {@link BatchQueue}.
 * @internal
 */
export class Mailbox {
  readonly queue: BatchQueue<StreamMessage>;
  private readonly counts = new Int32Array(4);
  // Priority counts are kept only while a handler may shed (they cost a read per message).
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

  /** Applies the engine's handler (or none): drop threshold and priority tracking. */
  setHandler(h: BackpressureHandler | undefined, bufferSize: number, dropThreshold?: number): void {
    this.shedAt = h ? Math.max(1, Math.ceil((dropThreshold ?? h.dropThreshold) * bufferSize)) : Infinity;
    this.priorityDrop = h ? h.priorityDrop : false;
    this.trackPriority = h !== undefined;
    this.plain = h === undefined && this.latest === null;
    this.counts.fill(0);
    if (this.trackPriority) for (let i = 0; i < this.queue.size; i++) this.counts[rankOf(this.queue.at(i)!.priority)]++;
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
    if (this.trackPriority) this.counts[rankOf(m.priority)]++;
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
      // One pass: each message is either kept (critical, with a handler) or evicted. A
      // membership test against the kept list here made a full buffer cost O(n^2).
      const all = q.drain();
      let kept = 0;
      for (let i = 0; i < all.length; i++) {
        const x = all[i]!;
        if (keepCritical && rankOf(x.priority) === CRITICAL) {
          q.push(x);
          kept++;
        } else this.evicted(x);
      }
      this.onDrop('overflow', all.length - kept);
      if (all.length > kept) return OK;
    } else {
      // dropHead / conflate: the oldest; dropTail: the youngest (non-critical with a handler).
      const i = this.findVictim(strategy === 'dropTail', keepCritical);
      if (i >= 0) {
        this.evicted(q.removeAt(i)!);
        this.onDrop('overflow', 1);
        return OK;
      }
    }
    // Nothing may be evicted (the room is all in flight, or only critical messages are left).
    return incomingCritical || (keepCritical && q.size === 0) ? Admit.Full : Admit.DroppedOverflow;
  }

  private findVictim(youngest: boolean, keepCritical: boolean): number {
    const q = this.queue;
    if (!keepCritical) return q.size === 0 ? -1 : youngest ? q.size - 1 : 0;
    if (youngest) {
      for (let i = q.size - 1; i >= 0; i--) if (rankOf(q.at(i)!.priority) !== CRITICAL) return i;
      return -1;
    }
    for (let i = 0; i < q.size; i++) if (rankOf(q.at(i)!.priority) !== CRITICAL) return i;
    return -1;
  }

  /**
   * Would `admit(m)` refuse `m` now (Full)? The same decisions as admit, without side effects:
   * a fan-out asks every connection first, so a message goes to all of them or to none.
   */
  refuses(m: StreamMessage): boolean {
    const q = this.queue;
    if (!q.full) return false;
    const rank = rankOf(m.priority);
    if (q.size >= this.shedAt && pickVictim(q, this.counts, rank, this.priorityDrop) !== null) return false;
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
        if (q.size > 0 && (!keepCritical || this.counts[CRITICAL]! < q.size)) return false;
        break;
      default:
        if (this.findVictim(this.strategy === 'dropTail', keepCritical) >= 0) return false;
    }
    return incomingCritical || (keepCritical && q.size === 0);
  }

  /** The next batch (the head chunk), FIFO. */
  take(): StreamMessage[] {
    const batch = this.queue.take();
    if (this.trackPriority || this.latest !== null) for (let i = 0; i < batch.length; i++) this.evicted(batch[i]!);
    return batch;
  }

  /** Removes everything (dispose, failure); the caller counts it. */
  clear(): number {
    const all = this.queue.drain();
    this.counts.fill(0);
    this.latest?.clear();
    return all.length;
  }

  // Bookkeeping for a message leaving the buffer (taken or evicted).
  private evicted(m: StreamMessage): void {
    if (this.trackPriority) this.counts[rankOf(m.priority)]--;
    if (this.latest !== null) {
      const key = this.keyOf(m);
      if (key !== undefined && this.latest.get(key) === m) this.latest.delete(key);
    }
  }

  /** The handler sheds one message: OK (a buffered one went, or none may) or the incoming's fate. */
  private shed(incoming: StreamMessage): Admit | typeof OK {
    const victim = pickVictim(this.queue, this.counts, rankOf(incoming.priority), this.priorityDrop);
    if (victim === null) return OK;
    if (victim === -1) return this.priorityDrop ? Admit.DroppedPriority : Admit.DroppedOverflow;
    this.evicted(victim === 0 ? this.queue.shift()! : this.queue.removeAt(victim)!);
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
    const i = this.queue.indexOf(old);
    if (i < 0) return;
    this.evicted(this.queue.removeAt(i)!);
    this.onDrop('overflow', 1);
  }
}
