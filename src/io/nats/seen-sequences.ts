/**
 * The last `capacity` JetStream messages passed on, by stream sequence and stored time, to
 * recognise a second delivery of one of them (an acknowledgement lost to a server restart). The
 * time tells a stream deleted and created again apart: its sequences start over, on new messages.
 * Bounded: the oldest is forgotten first. An ack_wait redelivery concerns the last
 * `max_ack_pending` messages; a server killed hard hands out again what it delivered since it
 * last saved the consumer's state (a few thousand messages measured), so the window is far above
 * both. A time updated for a sequence keeps its old place, so it is forgotten early, never late.
 *
 * @example
 * ```ts
 * const seen = new SeenSequences(4);
 * seen.add(7, 1_700_000_000_000_000_000);
 * seen.has(7, 1_700_000_000_000_000_000); // true
 * ```
 * @internal
 */
export class SeenSequences {
  private readonly at = new Map<number, number>();
  private readonly ring: Float64Array;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Float64Array(capacity).fill(-1);
  }

  /** True when the message stored as `seq` at `storedAt` (any unit, as given to add) was added. */
  has(seq: number, storedAt: number): boolean {
    return this.at.get(seq) === storedAt;
  }

  add(seq: number, storedAt: number): void {
    if (this.at.has(seq)) return void this.at.set(seq, storedAt);
    const old = this.ring[this.next]!;
    if (old >= 0) this.at.delete(old);
    this.ring[this.next] = seq;
    this.next = (this.next + 1) % this.capacity;
    this.at.set(seq, storedAt);
  }
}
