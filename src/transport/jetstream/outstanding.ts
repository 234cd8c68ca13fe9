/**
 * One frame the producer end sent and has not yet reported settled.
 * `streamSeq` is 0 until its PubAck arrives; `data` is dropped once the server holds the frame.
 * @internal
 *
 * @example
 * ```ts
 * const f: OutstandingFrame = outstanding.push(1, 50, bytes);
 * f.streamSeq = ack.seq;
 * ```
 */
export interface OutstandingFrame {
  readonly seq: number;
  readonly size: number;
  /** `Frame.first`: travels as a header, on every publish of the frame. */
  readonly first: boolean;
  data: Uint8Array | undefined;
  streamSeq: number;
  publishing: boolean;
  settled: boolean;
  /** Dead-lettered messages, as recorded by `deadWriter` (the latest consumer end that wrote for it). */
  dead: number;
  deadWriter: string;
}

/**
 * The producer end's outstanding frames, in seq order (seqs are consecutive: `send` enforces
 * it, so a frame is found by index, not by search). Pure bookkeeping: settlement marks arrive
 * in any order, from hints or from the ack floor; `takeSettled` removes the settled prefix,
 * which is what cumulative `settled(upTo)` may report.
 *
 * @example
 * ```ts
 * const w = new Outstanding();
 * w.push(1, 50, bytes);
 * w.markSettled(1);
 * w.takeSettled(); // [frame 1]
 * ```
 * @internal
 */
export class Outstanding {
  private frames: OutstandingFrame[] = [];
  private next = 1;

  get size(): number {
    return this.frames.length;
  }

  /** The seq `push` expects next. */
  get expected(): number {
    return this.next;
  }

  get all(): readonly OutstandingFrame[] {
    return this.frames;
  }

  push(seq: number, size: number, data: Uint8Array, first = false): OutstandingFrame {
    const f: OutstandingFrame = { seq, size, first, data, streamSeq: 0, publishing: false, settled: false, dead: 0, deadWriter: '' };
    this.frames.push(f);
    this.next = seq + 1;
    return f;
  }

  get(seq: number): OutstandingFrame | undefined {
    const head = this.frames[0];
    return head === undefined ? undefined : this.frames[seq - head.seq];
  }

  markSettled(seq: number): void {
    const f = this.get(seq);
    if (f) f.settled = true;
  }

  /**
   * Marks every frame the server stored at or below the consumer's ack floor, except those stored
   * at or below `reusedUpTo`: sequences a server killed hard handed out again (see `PubAcks`), so
   * a floor it saved before can cover them though they were never delivered.
   */
  markFloor(floor: number, reusedUpTo = 0): void {
    for (const f of this.frames) if (f.streamSeq > reusedUpTo && f.streamSeq <= floor) f.settled = true;
  }

  /** The lowest seq not settled yet (`expected` when every frame is): all below it are settled. */
  get floor(): number {
    for (const f of this.frames) if (!f.settled) return f.seq;
    return this.next;
  }

  /** Whether the oldest frame is settled (so `takeSettled` would report progress). */
  get headSettled(): boolean {
    return this.frames[0]?.settled === true;
  }

  /** Removes and returns the settled frames at the front (the cumulative prefix). */
  takeSettled(): OutstandingFrame[] {
    let n = 0;
    while (n < this.frames.length && this.frames[n]!.settled) n++;
    return n === 0 ? [] : this.frames.splice(0, n);
  }

  /**
   * Records one dead-letter record of `writer` for frame `seq`: a newer writer's records replace
   * an older one's. A record naming a stream sequence (an undecodable frame) counts only for the
   * frame stored there: a foreign message on the subject may carry any seq header.
   */
  recordDead(seq: number, count: number, writer: string, streamSeq = 0): void {
    const f = this.get(seq);
    if (!f || (streamSeq !== 0 && f.streamSeq !== 0 && f.streamSeq !== streamSeq)) return;
    if (f.deadWriter !== writer) {
      f.deadWriter = writer;
      f.dead = 0;
    }
    f.dead = Math.min(f.size, f.dead + count);
  }
}
