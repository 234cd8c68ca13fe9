import { RingBuffer } from '../buffers/ring-buffer.js';

/** The mark a removed message leaves in its chunk until a take or a compaction skips it. */
const HOLE: unknown = Symbol('hole');

/**
 * The queue under a connection's Mailbox (mailbox.ts): a bounded FIFO kept as a ring of batch-sized
 * chunks (admission and shedding live in the mailbox, not here). Messages are written into the
 * tail chunk; a flush hands the head chunk itself to the consumer as the batch, so a message is
 * written once and never copied (swap-on-flush, the cheapest hand-off measured here).
 *
 * Removal is lazy: `kill` leaves a hole in the chunk (O(1), nothing moves), and a take gathers
 * live messages across chunks, so eviction never shrinks the batches handed out. Holes at
 * either end are trimmed at once; when holes outnumber live messages (plus a batch) the chunks
 * are rebuilt (`compactIfSparse`), O(1) amortised per removal and the heap stays bounded.
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
  /** Slots of the head chunk already taken or trimmed. */
  private headAt = 0;
  private count = 0;
  private holes = 0;
  /** Room held back for messages that left the queue but are still owned (the batch out). */
  private reserved = 0;

  constructor(
    readonly capacity: number,
    private batchSize: number,
  ) {
    // Chunks hold live messages and holes (at most count + batchSize of them, see
    // compactIfSparse), one each in the worst case. The ring grows lazily: the bound is free.
    this.chunks = new RingBuffer<T[]>(3 * capacity + 2);
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

  /** Removed messages still marking their slots: at most size + batchSize after `compactIfSparse`. */
  get gaps(): number {
    return this.holes;
  }

  /** Appends at the tail and returns the new size; 0 (nothing held) when full. */
  push(item: T): number {
    if (this.count + this.reserved >= this.capacity) return 0;
    // tailFill === batchSize also stands for "no tail chunk": one test on the hot path.
    if (this.tailFill === this.batchSize) this.newTail();
    this.tail![this.tailFill++] = item;
    return ++this.count;
  }

  /** The chunk and index of the message pushed last (valid right after a push). */
  get lastChunk(): T[] {
    return this.tail!;
  }
  get lastIndex(): number {
    return this.tailFill - 1;
  }

  private newTail(): void {
    this.seal();
    const tail = (this.tail = new Array<T>(this.batchSize));
    this.tailFill = 0;
    this.chunks.push(tail);
  }

  /**
   * Removes the oldest min(size, batchSize) messages, FIFO, as the batch: always full-sized.
   * The head chunk itself when it is exactly that batch (no holes, nothing taken from it);
   * otherwise the live messages are gathered across chunks into a new array.
   */
  take(): T[] {
    if (this.count === 0) return [];
    if (this.chunks.at(0) === this.tail) this.seal();
    const head = this.chunks.at(0)!;
    const n = this.count < this.batchSize ? this.count : this.batchSize;
    if (head.length === n && this.holes === 0 && this.headAt === 0) {
      this.chunks.shift();
      this.count -= n;
      return head;
    }
    const out = new Array<T>(n);
    let k = 0;
    while (k < n) {
      const chunk = this.chunks.at(0)!;
      const len = this.end(chunk);
      let j = this.headAt;
      for (; j < len && k < n; j++) {
        const x = chunk[j]!;
        if (x === HOLE) this.holes--;
        else out[k++] = x;
      }
      this.headAt = j;
      if (j === len) this.dropHead();
    }
    this.count -= n;
    this.trimHead();
    return out;
  }

  /** Removes the message at `chunk[j]` (a position from `lastChunk`/`lastIndex` or `forEach`): O(1). */
  kill(chunk: T[], j: number): T {
    const item = chunk[j]!;
    chunk[j] = HOLE as T;
    this.count--;
    this.holes++;
    this.trimHead();
    this.trimTail();
    return item;
  }

  /**
   * Rebuilds the chunks when holes outnumber live messages plus a batch; true if it did (slot
   * positions are void then). The work is at most twice the holes made since the last rebuild.
   */
  compactIfSparse(): boolean {
    if (this.holes <= this.count + this.batchSize) return false;
    const live = this.toArray();
    this.reset();
    for (let i = 0; i < live.length; i++) {
      if (this.tailFill === this.batchSize) this.newTail();
      this.tail![this.tailFill++] = live[i]!;
    }
    this.count = live.length;
    return true;
  }

  /** Removes and returns the oldest message. */
  shift(): T | undefined {
    return this.count === 0 ? undefined : this.kill(this.chunks.at(0)!, this.headAt);
  }

  /** Removes and returns the youngest message. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const last = this.chunks.at(this.chunks.size - 1)!;
    return this.kill(last, this.end(last) - 1);
  }

  /** Visits every message, oldest first, with its position (for `kill`). */
  forEach(visit: (item: T, chunk: T[], j: number) => void): void {
    for (let c = 0; c < this.chunks.size; c++) {
      const chunk = this.chunks.at(c)!;
      const len = this.end(chunk);
      for (let j = c === 0 ? this.headAt : 0; j < len; j++) if (chunk[j] !== HOLE) visit(chunk[j]!, chunk, j);
    }
  }

  /** The message at position `i` from the oldest: O(n). */
  at(i: number): T | undefined {
    let found: T | undefined;
    let k = 0;
    if (i >= 0) this.forEach((x) => void (k++ === i && (found = x)));
    return found;
  }

  /** Removes the first occurrence of `item` from the oldest: O(n). */
  remove(item: T): boolean {
    let where: [T[], number] | null = null;
    this.forEach((x, chunk, j) => void (where === null && x === item && (where = [chunk, j])));
    if (where === null) return false;
    this.kill(where[0], where[1]);
    return true;
  }

  /** Removes the message at position `i` from the oldest, keeping the order of the rest: O(n). */
  removeAt(i: number): T | undefined {
    let where: [T[], number] | null = null;
    let k = 0;
    if (i >= 0) this.forEach((_, chunk, j) => void (k++ === i && (where = [chunk, j])));
    return where === null ? undefined : this.kill(where[0], where[1]);
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = this.toArray();
    this.reset();
    return out;
  }

  /** A copy of the contents, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    this.forEach((x) => void out.push(x));
    return out;
  }

  private end(chunk: T[]): number {
    return chunk === this.tail ? this.tailFill : chunk.length;
  }

  private reset(): void {
    while (this.chunks.size > 0) this.chunks.shift();
    this.tail = null;
    this.tailFill = this.batchSize;
    this.headAt = 0;
    this.count = 0;
    this.holes = 0;
  }

  private dropHead(): void {
    if (this.chunks.shift() === this.tail) {
      this.tail = null;
      this.tailFill = this.batchSize;
    }
    this.headAt = 0;
  }

  // The oldest and youngest slots are never holes: a removal there is undone at once.
  private trimHead(): void {
    if (this.count === 0) return this.reset();
    for (;;) {
      const chunk = this.chunks.at(0)!;
      if (this.headAt === this.end(chunk)) this.dropHead();
      else if (chunk[this.headAt] === HOLE) {
        this.headAt++;
        this.holes--;
      } else return;
    }
  }

  private trimTail(): void {
    if (this.count === 0) return this.reset();
    for (;;) {
      const c = this.chunks.size - 1;
      const chunk = this.chunks.at(c)!;
      const start = c === 0 ? this.headAt : 0;
      let len = this.end(chunk);
      while (len > start && chunk[len - 1] === HOLE) {
        chunk[--len] = undefined as T; // release the slot
        this.holes--;
      }
      if (chunk === this.tail) this.tailFill = len;
      else chunk.length = len;
      if (len > start) return;
      this.chunks.removeAt(c);
      if (c === 0) this.headAt = 0;
      if (chunk === this.tail) {
        this.tail = null;
        this.tailFill = this.batchSize;
      }
    }
  }

  // The tail chunk was allocated at batchSize; cut it to what was written before it leaves.
  private seal(): void {
    if (this.tail !== null) this.tail.length = this.tailFill;
    this.tail = null;
    this.tailFill = this.batchSize;
  }
}
