import { RingBuffer } from '../buffers/ring-buffer.js';

/**
 * The queue under a connection's Mailbox (mailbox.ts): a bounded FIFO kept as a ring of batch-sized
 * chunks (admission and shedding live in the mailbox, not here). Messages are
 * written into the tail chunk; a flush hands the head chunk itself to the consumer as the batch,
 * so a message is written once and never copied (swap-on-flush, the cheapest hand-off measured
 * here). `capacity` bounds the messages held; chunks are allocated only as messages arrive.
 *
 * @example
 * ```ts
 * const q = new BatchQueue<number>(1000, 50);
 * for (let i = 0; i < 120; i++) q.push(i);
 * q.take().length; // 50: the oldest fifty, in order
 * ```
 */
export class BatchQueue<T> {
  private readonly chunks: RingBuffer<T[]>;
  private tail: T[] | null = null;
  private tailFill: number;
  private count = 0;
  /** Room held back for messages that left the queue but are still owned (the batch out). */
  private reserved = 0;

  constructor(
    readonly capacity: number,
    private batchSize: number,
  ) {
    // Removals from the middle (priority shedding, conflation) leave chunks shorter than
    // batchSize, so in the worst case every chunk holds one message. The ring grows lazily,
    // so this bound costs nothing until it is needed.
    this.chunks = new RingBuffer<T[]>(capacity + 1);
    this.tailFill = batchSize;
  }

  /** Chunks started from now on hold at most `n` messages (the current tail is sealed). */
  setBatchSize(n: number): void {
    if (n === this.batchSize) return;
    this.seal();
    this.batchSize = n;
    this.tailFill = n;
  }

  /** True when a push would be refused now. */
  get full(): boolean {
    return this.count + this.reserved >= this.capacity;
  }

  /** Holds back `n` places of the capacity (0 releases them). */
  reserve(n: number): void {
    this.reserved = n;
  }

  /** Messages held now. */
  get size(): number {
    return this.count;
  }

  /** Appends at the tail and returns the new size; 0 (nothing held) when full. */
  push(item: T): number {
    if (this.count + this.reserved >= this.capacity) return 0;
    // tailFill === batchSize also stands for "no tail chunk": one test on the hot path.
    if (this.tailFill === this.batchSize) this.newTail();
    this.tail![this.tailFill++] = item;
    return ++this.count;
  }

  private newTail(): void {
    this.seal();
    const tail = (this.tail = new Array<T>(this.batchSize));
    this.tailFill = 0;
    this.chunks.push(tail);
  }

  /** Removes the oldest chunk (1..batchSize messages, FIFO) and returns it as the batch. */
  take(): T[] {
    if (this.count === 0) return [];
    if (this.chunks.at(0) === this.tail) this.seal();
    const head = this.chunks.at(0)!;
    // A chunk made before the batch size was lowered is handed out in pieces.
    const batch = head.length > this.batchSize ? head.splice(0, this.batchSize) : this.chunks.shift()!;
    this.count -= batch.length;
    return batch;
  }

  /** Removes and returns the oldest message. */
  shift(): T | undefined {
    return this.count === 0 ? undefined : this.removeAt(0);
  }

  /** Removes and returns the youngest message. */
  pop(): T | undefined {
    return this.count === 0 ? undefined : this.removeAt(this.count - 1);
  }

  /** The message at position `i` from the oldest. */
  at(i: number): T | undefined {
    const loc = this.locate(i);
    return loc === null ? undefined : loc[0][loc[1]];
  }

  /** Position of `item` from the oldest, or -1. */
  indexOf(item: T): number {
    let base = 0;
    for (let c = 0; c < this.chunks.size; c++) {
      const chunk = this.chunks.at(c)!;
      const n = chunk === this.tail ? this.tailFill : chunk.length;
      for (let j = 0; j < n; j++) if (chunk[j] === item) return base + j;
      base += n;
    }
    return -1;
  }

  /** Removes the message at position `i`, keeping the order of the rest. */
  removeAt(i: number): T | undefined {
    const loc = this.locate(i);
    if (loc === null) return undefined;
    const [chunk, j] = loc;
    const item = chunk[j]!;
    if (chunk === this.tail) {
      chunk.copyWithin(j, j + 1, this.tailFill);
      this.tailFill--;
      chunk[this.tailFill] = undefined as T; // release the reference
    } else {
      chunk.splice(j, 1);
      if (chunk.length === 0) this.dropEmptyChunk(chunk);
    }
    this.count--;
    return item;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = this.toArray();
    while (this.chunks.size > 0) this.chunks.shift();
    this.tail = null;
    this.tailFill = this.batchSize;
    this.count = 0;
    return out;
  }

  /** A copy of the contents, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let c = 0; c < this.chunks.size; c++) {
      const chunk = this.chunks.at(c)!;
      const n = chunk === this.tail ? this.tailFill : chunk.length;
      for (let j = 0; j < n; j++) out.push(chunk[j]!);
    }
    return out;
  }

  // The tail chunk was allocated at batchSize; cut it to what was written before it leaves.
  private seal(): void {
    if (this.tail !== null) {
      // An emptied tail (removals) leaves the ring: a chunk in the ring is never empty.
      if (this.tailFill === 0) this.chunks.removeAt(this.chunks.size - 1);
      else this.tail.length = this.tailFill;
    }
    this.tail = null;
    this.tailFill = this.batchSize;
  }

  private locate(i: number): [T[], number] | null {
    if (i < 0 || i >= this.count) return null;
    for (let c = 0; c < this.chunks.size; c++) {
      const chunk = this.chunks.at(c)!;
      const n = chunk === this.tail ? this.tailFill : chunk.length;
      if (i < n) return [chunk, i];
      i -= n;
    }
    return null;
  }

  private dropEmptyChunk(chunk: T[]): void {
    for (let c = 0; c < this.chunks.size; c++) {
      if (this.chunks.at(c) === chunk) {
        this.chunks.removeAt(c);
        return;
      }
    }
  }
}
