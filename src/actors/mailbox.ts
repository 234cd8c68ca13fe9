import type { OverflowStrategy, StreamConfig } from '../config.js';
import type { StreamMessage } from '../message.js';
import type { BackpressureHandler } from './backpressure.js';
import { BatchQueue } from './batch-queue.js';
import { pickVictim, rankOf } from './shedding.js';
import type { DropReason } from './types.js';

/**
 * What `admit` did with a message: buffered (`Ok`); dropped by policy and already counted
 * through onDrop (`Dropped`); not taken because the buffer is full and the strategy is
 * `backpressure` (`Full`) or `fail` (`Fail`).
 * @internal
 */
export const Admit = { Ok: 0, Dropped: 1, Full: 2, Fail: 3 } as const;
/** @internal */
export type Admit = (typeof Admit)[keyof typeof Admit];

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

  admit(m: StreamMessage): Admit {
    const q = this.queue;
    // The common case (no handler, no conflation, room left) is one push and one test.
    if (this.plain && q.push(m)) return Admit.Ok;
    return this.admitSlow(m);
  }

  private admitSlow(m: StreamMessage): Admit {
    const q = this.queue;
    if (q.size >= this.shedAt && this.shed(m)) return Admit.Dropped;
    if (this.latest !== null) this.conflate(m);
    if (!q.push(m)) {
      switch (this.strategy) {
        case 'backpressure':
          return Admit.Full;
        case 'fail':
          return Admit.Fail;
        case 'dropNew':
          this.onDrop('overflow', 1);
          return Admit.Dropped;
        case 'dropTail':
          this.evicted(q.pop()!);
          this.onDrop('overflow', 1);
          break;
        case 'dropBuffer': {
          const all = q.drain();
          for (const x of all) this.evicted(x);
          this.onDrop('overflow', all.length);
          break;
        }
        default: // dropHead, conflate
          this.evicted(q.shift()!);
          this.onDrop('overflow', 1);
      }
      q.push(m);
    }
    if (this.trackPriority) this.counts[rankOf(m.priority)]++;
    if (this.latest !== null) {
      const key = this.keyOf(m);
      if (key !== undefined) this.latest.set(key, m);
    }
    return Admit.Ok;
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

  /** The handler sheds one message; true when that was the incoming one. */
  private shed(incoming: StreamMessage): boolean {
    const victim = pickVictim(this.queue, this.counts, rankOf(incoming.priority), this.priorityDrop);
    if (victim === null) return false;
    const reason: DropReason = this.priorityDrop ? 'priority' : 'overflow';
    if (victim === -1) {
      this.onDrop(reason, 1);
      return true;
    }
    this.evicted(victim === 0 ? this.queue.shift()! : this.queue.removeAt(victim)!);
    this.onDrop(reason, 1);
    return false;
  }

  // Keeps only the newest message per key: the older one leaves, counted dropped(overflow).
  // It is removed (not replaced in place) so the delivered order stays a subsequence of the
  // sent order.
  private conflate(m: StreamMessage): void {
    const key = this.keyOf(m);
    if (key === undefined) return;
    const old = this.latest!.get(key);
    if (old === undefined) return;
    const i = this.queue.indexOf(old);
    if (i < 0) return;
    this.evicted(this.queue.removeAt(i)!);
    this.onDrop('overflow', 1);
  }
}
