/** Requests the ring holds at once (a power of two); more wait in `queued` (each log has at most one in flight). */
export const RING_SLOTS = 64;
/** Numbers per slot: buffer key, offset, length, fd, file position, result (0, or -errno). */
const WIDTH = 6;
const HEAD = 0;
const TAIL = 1;
/**
 * 1 while the worker sleeps until notified; 0 while it works or polls. Waking a sleeping thread
 * cost this side 35 us to 0.3 ms a notify here (a virtual machine: the wake-up is an interrupt
 * to another virtual CPU), about 1.5 ns a recorded message; a worker that polls the head for a
 * while after each request needs none.
 */
const ASLEEP = 2;
/** ES2024's Atomics.waitAsync (V8 8.7+, so Node 16+); the lib this package compiles against predates it. */
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

interface Request {
  readonly args: readonly [key: number, off: number, len: number, fd: number, pos: number];
  resolve(): void;
  reject(e: Error): void;
}

/**
 * The main thread's side of the write worker's request ring: shared memory, a head the main
 * thread moves (Atomics.notify wakes the worker) and a tail the worker moves (Atomics.waitAsync
 * wakes this side). Requests complete in order. @internal
 *
 * @example
 * ```ts
 * const ring = new WriteRing();
 * new Worker(PROGRAM, { eval: true, workerData: { ...ring.shared(), slotsCount: RING_SLOTS } });
 * await ring.submit(key, off, len, fd, pos);
 * ```
 */
export class WriteRing {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(12));
  private readonly slots = new Float64Array(new SharedArrayBuffer(8 * WIDTH * RING_SLOTS));
  /** Published and not completed, oldest first; then those waiting for a slot. */
  private readonly inRing: Request[] = [];
  private readonly queued: Request[] = [];
  /** Requests published, as an int32 that wraps like the shared one (after 2^31, at 1,000 a second in 25 days). */
  private head: number;
  private watching = false;
  /** Someone waits for the writes: the next publish notifies, whether the worker sleeps or polls. */
  private urgent = false;
  onBusy = (): void => {};
  onIdle = (): void => {};
  errorOf = (result: number): Error => new Error(`write failed (${result})`);

  /** `start`: where the counters begin (tests start them just below 2^31, to see them wrap). */
  constructor(start = 0) {
    this.head = start | 0;
    Atomics.store(this.ctl, HEAD, this.head);
    Atomics.store(this.ctl, TAIL, this.head);
  }

  shared(): { ctl: SharedArrayBuffer; slots: SharedArrayBuffer; slotWidth: number } {
    return { ctl: this.ctl.buffer as SharedArrayBuffer, slots: this.slots.buffer as SharedArrayBuffer, slotWidth: WIDTH };
  }

  submit(key: number, off: number, len: number, fd: number, pos: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.inRing.length + this.queued.length === 0) this.onBusy();
      this.queued.push({ args: [key, off, len, fd, pos], resolve, reject });
      this.publish();
      this.watch();
    });
  }

  /**
   * Someone waits for the writes (a flush, a sync): wakes the worker now if a request is in the
   * ring, and at the next publish. A polling worker would see the head only when its timed wait
   * ends (up to 4 ms); a notify per write on the busy path is what polling avoids.
   */
  hurry(): void {
    this.urgent = true;
    if (this.inRing.length > 0) Atomics.notify(this.ctl, HEAD);
  }

  /** The shared head and tail as they stand. @internal (tests: the worker takes only what was published) */
  counters(): { head: number; tail: number } {
    return { head: Atomics.load(this.ctl, HEAD), tail: Atomics.load(this.ctl, TAIL) };
  }

  /** Fails every request not completed (the worker is gone). */
  failAll(error: Error): void {
    const all = [...this.inRing.splice(0), ...this.queued.splice(0)];
    for (const r of all) r.reject(error);
  }

  private publish(): void {
    while (this.queued.length > 0 && this.inRing.length < RING_SLOTS) {
      const r = this.queued.shift()!;
      this.slots.set(r.args, (this.head & (RING_SLOTS - 1)) * WIDTH);
      this.inRing.push(r);
      this.head = (this.head + 1) | 0;
    }
    // Sequentially consistent store then load, against the worker's store of ASLEEP then load of
    // HEAD: one of the two sides sees the other's write, so a request is never left unseen.
    Atomics.store(this.ctl, HEAD, this.head);
    if (this.urgent || Atomics.load(this.ctl, ASLEEP) !== 0) Atomics.notify(this.ctl, HEAD);
    this.urgent = false;
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    void (async () => {
      let done = (this.head - this.inRing.length) | 0;
      while (this.inRing.length > 0) {
        const tail = Atomics.load(this.ctl, TAIL);
        // Wrapping counters: "done is behind tail" is their int32 difference, not done < tail.
        for (; ((tail - done) | 0) > 0 && this.inRing.length > 0; done = (done + 1) | 0) {
          const r = this.inRing.shift()!;
          const result = this.slots[(done & (RING_SLOTS - 1)) * WIDTH + 5]!;
          if (result === 0) r.resolve();
          else r.reject(this.errorOf(result));
        }
        if (this.queued.length > 0) this.publish();
        if (this.inRing.length === 0) break;
        const w = waitAsync(this.ctl, TAIL, tail);
        if (w.async) await w.value;
      }
      this.watching = false;
      if (this.queued.length === 0) this.onIdle();
    })();
  }
}
