/**
 * A bounded FIFO ring: the storage under the batch queue's chunks, the widget windows and the
 * debugger's history. Storage grows lazily (16 slots, doubling, never past `capacity`) because
 * an idle connection must not cost 8 bytes per slot; a full
 * ring refuses `push`, so the bound can never be exceeded. Plain array and integer indices:
 * monomorphic and allocation-free per message (see mostjs/core `Queue.ts`).
 *
 * @example
 * ```ts
 * const ring = new RingBuffer<number>(3);
 * ring.push(1); ring.push(2);
 * ring.take(10); // [1, 2]
 * ```
 */
export class RingBuffer<T> {
  // Field order fixed for a stable hidden class.
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(Math.min(16, capacity));
  }

  /** Messages held now. */
  get size(): number {
    return this.count;
  }

  /** Adds at the tail; returns false (and holds nothing) when full. */
  push(item: T): boolean {
    const count = this.count;
    if (count === this.capacity) return false;
    let items = this.items;
    if (count === items.length) items = this.grow();
    let i = this.head + count;
    if (i >= items.length) i -= items.length;
    items[i] = item;
    this.count = count + 1;
    return true;
  }

  /** Adds at the tail; when full, overwrites the oldest (a sliding window). */
  pushEvict(item: T): void {
    if (this.count < this.capacity) {
      this.push(item);
      return;
    }
    const items = this.items;
    items[this.head] = item;
    if (++this.head === items.length) this.head = 0;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const item = items[this.head];
    items[this.head] = undefined;
    if (++this.head === items.length) this.head = 0;
    this.count--;
    return item;
  }

  /** Removes up to `n` oldest items into a new array (a batch), FIFO. */
  take(n: number): T[] {
    const k = n < this.count ? n : this.count;
    const out = new Array<T>(k);
    const items = this.items;
    const len = items.length;
    let h = this.head;
    for (let j = 0; j < k; j++) {
      out[j] = items[h] as T;
      items[h] = undefined; // release the reference: the batch owns it now
      if (++h === len) h = 0;
    }
    this.head = h;
    this.count -= k;
    return out;
  }

  /** The item at position `i` from the head (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    let j = this.head + i;
    if (j >= this.items.length) j -= this.items.length;
    return this.items[j];
  }

  /** Removes the item at position `i` from the head, keeping the order of the rest. */
  removeAt(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const item = this.at(i);
    // Shift the younger items one place towards the head.
    for (let k = i; k < this.count - 1; k++) this.setAt(k, this.at(k + 1) as T);
    this.setAt(this.count - 1, undefined);
    this.count--;
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    return this.take(this.count);
  }

  /** A copy of the contents, oldest first, without removing them. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i) as T;
    return out;
  }

  private setAt(i: number, v: T | undefined): void {
    let j = this.head + i;
    if (j >= this.items.length) j -= this.items.length;
    this.items[j] = v;
  }

  private grow(): (T | undefined)[] {
    const old = this.items;
    const next = new Array<T | undefined>(Math.min(this.capacity, Math.max(16, old.length * 2)));
    for (let i = 0; i < this.count; i++) {
      let j = this.head + i;
      if (j >= old.length) j -= old.length;
      next[i] = old[j];
    }
    this.head = 0;
    this.items = next;
    return next;
  }
}
