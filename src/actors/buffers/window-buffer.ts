import { RingBuffer } from './ring-buffer.js';

/**
 * A sliding window over the last `capacity` messages, kept as the delivered batches themselves
 * (batches are immutable once delivered), so taking a batch in costs O(1), not O(batch).
 * Reading (`toArray`) copies, and is meant to happen once per frame.
 *
 * @example
 * ```ts
 * const w = new WindowBuffer<number>(3);
 * w.add([1, 2]); w.add([3, 4]);
 * w.toArray(); // [2, 3, 4]
 * w.tail(2); // [3, 4]
 * ```
 */
export class WindowBuffer<T> {
  private readonly batches: RingBuffer<readonly T[]>;
  private total = 0;
  /** Messages of the oldest batch already slid out of the window. */
  private skip = 0;

  constructor(readonly capacity: number) {
    // Worst case every batch holds one message.
    this.batches = new RingBuffer<readonly T[]>(capacity + 1);
  }

  /** Messages in the window. */
  get size(): number {
    return this.total - this.skip;
  }

  add(batch: readonly T[]): void {
    if (batch.length === 0) return;
    const bs = this.batches;
    if (bs.size === bs.capacity) this.evictOldest();
    bs.push(batch);
    this.total += batch.length;
    // Drop whole batches that lie entirely outside the window, then trim the oldest one.
    while (this.total - bs.at(0)!.length >= this.capacity) this.evictOldest();
    this.skip = Math.max(0, this.total - this.capacity);
  }

  /** The newest message. */
  latest(): T | undefined {
    const last = this.batches.at(this.batches.size - 1);
    return last ? last[last.length - 1] : undefined;
  }

  /** The window's messages, oldest first (a copy). */
  toArray(): T[] {
    const out = new Array<T>(this.size);
    let k = 0;
    for (let b = 0; b < this.batches.size; b++) {
      const batch = this.batches.at(b)!;
      for (let j = b === 0 ? this.skip : 0; j < batch.length; j++) out[k++] = batch[j]!;
    }
    return out;
  }

  /**
   * The newest `n` messages, oldest first (a copy of those only, not of the whole window): a
   * remote subscription sends what arrived since its cursor without copying the window.
   * `n` is clamped to [0, size].
   */
  tail(n: number): T[] {
    const k = Math.max(0, Math.min(this.size, Math.floor(n)));
    const out = new Array<T>(k);
    let i = k;
    // Walk batches newest first until k messages are taken (the oldest batch's skip is inside size).
    for (let b = this.batches.size - 1; b >= 0 && i > 0; b--) {
      const batch = this.batches.at(b)!;
      for (let j = batch.length - 1; j >= 0 && i > 0; j--) out[--i] = batch[j]!;
    }
    return out;
  }

  private evictOldest(): void {
    const gone = this.batches.shift()!;
    this.total -= gone.length;
    this.skip = 0;
  }
}
