/**
 * An in-flight window: at most `size` tasks run at once; the others wait in order. `mqtt out`
 * keeps its unacknowledged publishes under `maxInFlight` with it, so a broker that acknowledges
 * slowly slows the batches, and through them the connection feeding the node.
 *
 * @example
 * ```ts
 * const w = new Window(2);
 * await Promise.all([1, 2, 3].map((i) => w.run(() => publish(i)))); // the third waits for a slot
 * ```
 * @internal
 */
export class Window {
  private running = 0;
  // A waiter is handed its slot (true) or told the window closed (false).
  private readonly queue: Array<(slot: boolean) => void> = [];
  private closed = false;

  constructor(private readonly size: number) {}

  /** Tasks running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Runs `task` once a slot is free; settles as it does. Rejects when closed before it started. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('mqtt out is stopped');
    if (this.running < this.size) this.running++;
    else if (!(await new Promise<boolean>((r) => this.queue.push(r)))) throw new Error('mqtt out is stopped');
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so no newcomer slips in between.
      const next = this.queue.shift();
      if (next) next(true);
      else this.running--;
    }
  }

  /** Fails every waiting task at once. */
  close(): void {
    this.closed = true;
    for (const r of this.queue.splice(0)) r(false);
  }
}
