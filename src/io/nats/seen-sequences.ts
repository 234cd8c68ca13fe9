/**
 * The last `capacity` JetStream stream sequences passed on, to recognise a redelivery of one of
 * them (an acknowledgement lost to a server restart). Bounded: the oldest is forgotten first, and
 * a redelivery only ever concerns the last `max_ack_pending` messages, so a window well above it
 * recognises every one.
 *
 * @example
 * ```ts
 * const seen = new SeenSequences(4);
 * seen.add(7);
 * seen.has(7); // true
 * ```
 * @internal
 */
export class SeenSequences {
  private readonly set = new Set<number>();
  private readonly ring: Float64Array;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Float64Array(capacity).fill(-1);
  }

  has(seq: number): boolean {
    return this.set.has(seq);
  }

  add(seq: number): void {
    if (this.set.has(seq)) return;
    const old = this.ring[this.next]!;
    if (old >= 0) this.set.delete(old);
    this.ring[this.next] = seq;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(seq);
  }
}
