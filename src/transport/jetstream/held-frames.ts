import type { JsMsg } from '@nats-io/jetstream';

/**
 * A frame the consumer end holds (delivered, not yet settled): its JetStream message (the one
 * to acknowledge), size, and the dead letters recorded for it so far. @internal
 */
export interface HeldFrame {
  msg: JsMsg;
  readonly size: number;
  dead: number;
  /** The dead-letter records being stored for it (false: one was not, the carrier closed); settling waits for them. */
  recording: Promise<boolean> | undefined;
}

/**
 * The seqs the consumer end settled lately, so a copy that arrives again (its ack was lost in a
 * restart, or a retried publish outlived the duplicate window) is acknowledged at once instead
 * of being held. Bounded: a ring of the last `capacity` seqs plus a set for lookups.
 *
 * @example
 * ```ts
 * const recent = new RecentSeqs(64);
 * recent.add(3);
 * recent.has(3); // true
 * ```
 * @internal
 */
export class RecentSeqs {
  private readonly ring: number[];
  private readonly set = new Set<number>();
  private at = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<number>(capacity).fill(0);
  }

  has(seq: number): boolean {
    return this.set.has(seq);
  }

  /** The seqs held that are at least `from`, in no particular order. */
  from(from: number): number[] {
    const out: number[] = [];
    for (const seq of this.set) if (seq >= from) out.push(seq);
    return out;
  }

  add(seq: number): void {
    if (this.set.has(seq)) return;
    const old = this.ring[this.at]!;
    if (old !== 0) this.set.delete(old);
    this.ring[this.at] = seq;
    this.at = (this.at + 1) % this.capacity;
    this.set.add(seq);
  }
}
