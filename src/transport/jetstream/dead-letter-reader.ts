import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import { COUNT_HEADER, RAW_SIZE_HEADER, SEQ_HEADER, STREAM_SEQ_HEADER, WRITER_HEADER } from './headers.js';

const RETRY_MS = 250;

/**
 * Reads an edge's dead-letter records from the dead-letter stream, in order, up to a target
 * stream sequence the producer end learned (from a hint, or the subject's last record at an
 * ack-floor poll). The consumer end stores a record before it terminates the frame, so once
 * the reader reached the target every dead letter of the frames settled so far is known: the
 * producer end reports `deadLettered` exactly, before `settled`. Records are rare; each is one
 * request (`next_by_subj` from the cursor, on the stream leader, so it is never behind).
 *
 * @example
 * ```ts
 * const r = new DeadLetterReader(jsm, 'nodeflow_dl_r', 'nodeflow.dl.r.e', onRecord, onCaughtUp, onError);
 * r.want(12);
 * ```
 * @internal
 */
export class DeadLetterReader {
  private cursor = 0;
  private target = 0;
  private running = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly subject: string,
    /** `count` is Infinity for an undecodable frame (all its messages), which names its `streamSeq` (else 0). */
    private readonly onRecord: (seq: number, count: number, writer: string, streamSeq: number) => void,
    private readonly onCaughtUp: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** True once every record up to the highest target asked for was read. */
  get caughtUp(): boolean {
    return this.cursor >= this.target;
  }

  /** Reads up to `target` (a dead-letter stream sequence), if not there yet. */
  want(target: number): void {
    if (target > this.target) this.target = target;
    if (!this.caughtUp && !this.running && this.timer === undefined) void this.read();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async read(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.cursor < this.target) {
        // The leader's MSG.GET takes next_by_subj since 2.9; nats.js types it for direct get only.
        const query = { seq: this.cursor + 1, next_by_subj: this.subject } as unknown as MsgRequest;
        const m = await this.jsm.streams.getMessage(this.stream, query);
        if (!m) {
          this.onError(new Error(`dead-letter records ${this.cursor + 1}..${this.target} of ${this.subject} are gone (the dead-letter stream's limit dropped them)`));
          this.cursor = this.target;
          break;
        }
        this.cursor = m.seq;
        const h = m.header;
        const whole = h.has(RAW_SIZE_HEADER);
        this.onRecord(Number(h.get(SEQ_HEADER)), whole ? Infinity : Number(h.get(COUNT_HEADER)), h.get(WRITER_HEADER), whole ? Number(h.get(STREAM_SEQ_HEADER)) : 0);
      }
    } catch (error) {
      this.running = false;
      if (this.closed) return;
      this.onError(error as Error);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.read();
      }, RETRY_MS);
      return;
    }
    this.running = false;
    if (!this.closed) this.onCaughtUp();
  }
}
