import type { RecordedBatch } from './record-log.js';

/**
 * The live side of replay-then-live: recorded batches that arrived while history was shown (or
 * while the replay was paused), at most `max` of them. When full, the oldest go: the log holds
 * them (the recorder appends before it tells live subscribers), and `take` reports the hole as
 * a `gap` for the replay to read from the log, so memory stays bounded and nothing is lost.
 *
 * @example
 * ```ts
 * const feed = new LiveFeed(1024);
 * recording.subscribe((b) => feed.push(b));
 * const next = feed.take(shownUpTo); // a batch, 'gap', or undefined (nothing yet)
 * ```
 * @internal
 */
export class LiveFeed {
  private queue: RecordedBatch[] = [];
  private head = 0;
  /** Called after each push (the replay waits on it while it has nothing to show). */
  onPush: (() => void) | undefined = undefined;

  constructor(private readonly max: number) {}

  push(batch: RecordedBatch): void {
    if (this.queue.length - this.head >= this.max) this.drop();
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queue.push(batch);
    this.onPush?.();
  }

  /**
   * The next batch after message `shownUpTo` (trimmed if it overlaps what was shown), `'gap'`
   * when the oldest one held starts later than `shownUpTo + 1`, undefined when none is held.
   * Batches already shown are dropped here: that is the "no duplicate" half of the switch.
   */
  take(shownUpTo: number | undefined): RecordedBatch | 'gap' | undefined {
    // drop() may swap the array: read this.queue afresh each time round.
    while (this.head < this.queue.length) {
      const b = this.queue[this.head]!;
      if (shownUpTo === undefined || b.seq > shownUpTo) {
        if (shownUpTo !== undefined && b.seq > shownUpTo + 1) return 'gap';
        this.drop();
        return b;
      }
      this.drop();
      if (b.seq + b.messages.length - 1 > shownUpTo) return trim(b, shownUpTo + 1);
    }
    return undefined;
  }

  private drop(): void {
    this.queue[this.head++] = undefined as unknown as RecordedBatch;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }
}

/**
 * The part of `b` from message `seq` on.
 *
 * @example
 * ```ts
 * trim({ seq: 1, at: 0, messages: [a, b, c] }, 3); // { seq: 3, at: 0, messages: [c] }
 * ```
 * @internal
 */
export function trim(b: RecordedBatch, seq: number): RecordedBatch {
  return seq <= b.seq ? b : { seq, at: b.at, messages: b.messages.slice(seq - b.seq) };
}
