import type { SettleEnd, SettleObserver } from '../actors/connection/transport-hooks.js';

/**
 * The relay settlement barrier of one inlet (docs/semantics.md, "Relay barrier"): a frame whose
 * messages settled in the inlet's own connection waits here until every connection downstream
 * of the inlet in its process settled everything it had accepted at that moment (an outlet's
 * input connection settles a message when the far end settled its frame). Frames leave in the
 * order they came. One snapshot of the downstream counts per frame, one check of the oldest
 * frame per settlement event downstream: nothing per message.
 *
 * @example
 * ```ts
 * const barrier = new RelayBarrier(ctx.seam.downstream(), () => inlet.wake());
 * barrier.hold(frame); // its messages settled in the inlet's connection
 * barrier.release((f) => carrier.settle(f.seq)); // those whose downstream settled too
 * ```
 * @internal
 */
export class RelayBarrier<F> implements SettleObserver {
  private readonly frames: F[] = [];
  /** `ends.length` accepted counts per held frame, flat, in the frames' order. */
  private readonly marks: number[] = [];
  private head = 0;
  /** A stop dropped messages downstream: what is held never settles (a replacement gets it again). */
  gone = false;

  constructor(
    private readonly ends: readonly SettleEnd[],
    private readonly wake: () => void,
  ) {
    for (const e of ends) e.observe(this);
  }

  /** Frames held, not yet released. */
  get size(): number {
    return this.frames.length - this.head;
  }

  /** Frame `f` settled in the inlet's own connection: it waits for what is downstream now. */
  hold(f: F): void {
    this.frames.push(f);
    for (const e of this.ends) this.marks.push(e.acceptedCount);
  }

  /** Releases, oldest first, every held frame whose downstream settled; returns how many. */
  release(settle: (f: F) => void): number {
    if (this.gone) return 0;
    const k = this.ends.length;
    let n = 0;
    outer: while (this.head < this.frames.length) {
      const at = this.head * k;
      for (let i = 0; i < k; i++) if (this.ends[i]!.settledCount < this.marks[at + i]!) break outer;
      settle(this.frames[this.head++]!);
      n++;
    }
    // Compact now and then: what is held is bounded by the frames the producer has outstanding.
    if (this.head > 64 && this.head * 2 > this.frames.length) {
      this.frames.splice(0, this.head);
      this.marks.splice(0, this.head * k);
      this.head = 0;
    }
    return n;
  }

  settled(): void {
    if (this.size > 0) this.wake();
  }

  lost(): void {
    this.gone = true;
  }

  /** Stops observing (the inlet stopped). */
  close(): void {
    for (const e of this.ends) e.unobserve(this);
  }
}
