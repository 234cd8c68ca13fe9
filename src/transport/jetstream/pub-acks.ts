/**
 * The stream sequences a producer end's PubAcks gave, to notice a server that handed one out
 * again: a nats-server killed hard can come back with its last sequence below messages it had
 * stored (and removed), so a new frame lands on a sequence an older one had. From then on, every
 * sequence up to the highest seen before is ambiguous for the ack floor (`Outstanding.markFloor`);
 * hints, which name frames by their own seq, still settle those frames.
 *
 * @example
 * ```ts
 * const acks = new PubAcks();
 * acks.stored(600, false);
 * acks.stored(593, false); // handed out again
 * acks.reusedUpTo; // 600
 * ```
 * @internal
 */
export class PubAcks {
  private highest = 0;
  /** Sequences at or below this were handed out again at least once (0: none). */
  reusedUpTo = 0;

  /** A PubAck: `duplicate` when the server kept an earlier copy (its sequence is an old one by right). */
  stored(seq: number, duplicate: boolean): void {
    if (duplicate) return;
    if (seq <= this.highest) this.reusedUpTo = Math.max(this.reusedUpTo, this.highest);
    else this.highest = seq;
  }
}
