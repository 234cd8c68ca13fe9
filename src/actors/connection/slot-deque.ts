/**
 * A FIFO of queue positions (chunk, index, sequence number) with O(1) access at both ends: one
 * per priority class in the mailbox's {@link RankIndex}, so the oldest or youngest message of a
 * class is found without a scan. Three parallel arrays, grown by doubling: no allocation per
 * entry once grown. Entries are plain positions; the queue owns the messages.
 *
 * @example
 * ```ts
 * const d = new SlotDeque<number>();
 * const chunk = [7, 8];
 * d.push(chunk, 1, 0);
 * d.headIndex(); // 1
 * d.shift();
 * d.size; // 0
 * ```
 * @internal
 */
export class SlotDeque<T> {
  private chunks: (T[] | undefined)[] = new Array(8);
  private index: number[] = new Array(8).fill(0);
  private seqs: number[] = new Array(8).fill(0);
  private head = 0;
  private mask = 7;
  size = 0;

  push(chunk: T[], j: number, seq: number): void {
    if (this.size > this.mask) this.grow();
    const i = (this.head + this.size++) & this.mask;
    this.chunks[i] = chunk;
    this.index[i] = j;
    this.seqs[i] = seq;
  }

  /** Forgets the oldest entry (its message was taken or evicted). */
  shift(): void {
    this.chunks[this.head] = undefined; // the chunk may be a batch the consumer holds now
    this.head = (this.head + 1) & this.mask;
    this.size--;
  }

  /** Forgets the youngest entry. */
  pop(): void {
    this.chunks[(this.head + --this.size) & this.mask] = undefined;
  }

  headChunk(): T[] {
    return this.chunks[this.head]!;
  }
  headIndex(): number {
    return this.index[this.head]!;
  }
  /** Sequence number of the oldest entry (Infinity when empty), to compare classes. */
  headSeq(): number {
    return this.size === 0 ? Infinity : this.seqs[this.head]!;
  }
  tailChunk(): T[] {
    return this.chunks[(this.head + this.size - 1) & this.mask]!;
  }
  tailIndex(): number {
    return this.index[(this.head + this.size - 1) & this.mask]!;
  }
  /** Sequence number of the youngest entry (-Infinity when empty). */
  tailSeq(): number {
    return this.size === 0 ? -Infinity : this.seqs[(this.head + this.size - 1) & this.mask]!;
  }

  clear(): void {
    for (let k = 0; k < this.size; k++) this.chunks[(this.head + k) & this.mask] = undefined;
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const n = (this.mask + 1) * 2;
    const chunks = new Array<T[] | undefined>(n);
    const index = new Array<number>(n).fill(0);
    const seqs = new Array<number>(n).fill(0);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & this.mask;
      chunks[k] = this.chunks[i];
      index[k] = this.index[i]!;
      seqs[k] = this.seqs[i]!;
    }
    this.chunks = chunks;
    this.index = index;
    this.seqs = seqs;
    this.head = 0;
    this.mask = n - 1;
  }
}
