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

  /**
   * What the server held when this end opened: the stream's last sequence, and the consumer's
   * delivered sequence and floor. A PubAck at or below the last is a reuse (this end may be new:
   * the frames before were a predecessor's); a consumer already past the stream's end means the
   * server handed sequences out again before this end opened.
   */
  opened(lastSeq: number, consumerSeq: number): void {
    if (consumerSeq > lastSeq) this.reusedUpTo = Math.max(this.reusedUpTo, consumerSeq);
    this.highest = Math.max(this.highest, lastSeq, consumerSeq);
  }

  /**
   * A PubAck: `duplicate` when the server kept an earlier copy (its sequence is an old one by
   * right). True when it shows a reuse not seen before (worth reporting once).
   */
  stored(seq: number, duplicate: boolean): boolean {
    if (duplicate) return false;
    if (seq > this.highest) {
      this.highest = seq;
      return false;
    }
    const fresh = this.highest > this.reusedUpTo;
    this.reusedUpTo = Math.max(this.reusedUpTo, this.highest);
    return fresh;
  }
}
