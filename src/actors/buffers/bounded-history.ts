/**
 * A fixed-capacity history: the newest `capacity` items, oldest first, counting what it had to
 * discard. Memory is bounded whatever the event rate.
 *
 * @example
 * ```ts
 * const h = new BoundedHistory<number>(2);
 * h.push(1); h.push(2); h.push(3);
 * console.log(h.toArray(), h.discarded); // [2, 3] 1
 * ```
 */
export class BoundedHistory<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Items pushed out to keep the bound. */
  discarded = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.capacity === 0) {
      this.discarded++;
      return;
    }
    const i = (this.head + this.count) % this.capacity;
    this.items[i] = item;
    if (this.count < this.capacity) this.count++;
    else {
      this.head = (this.head + 1) % this.capacity;
      this.discarded++;
    }
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let k = 0; k < this.count; k++) out.push(this.items[(this.head + k) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.discarded = 0;
  }
}
