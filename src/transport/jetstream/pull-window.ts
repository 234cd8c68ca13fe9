import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { CarrierSetup } from './options.js';

// After a pull ends with an error (a consumer missing, a closed subscription), start again after this.
const RESTART_MS = 250;

/**
 * The consumer end's one open pull (`consume()`, at most `maxFrames` frames asked for, topped up
 * at half the window), and the frames it brought that the inlet has no credit for yet. The
 * server bounds what is in hand: the edge's consumer has `max_ack_pending = maxFrames`, so at
 * most `maxFrames` distinct frames are here or at the inlet unsettled; a frame redelivered while
 * it waits here (its `ack_wait` ran out) replaces its copy instead of adding one. Frames go to
 * `hand` only as `request` allows; `hand` returns false for one that used no credit (malformed
 * or foreign). One long pull instead of a fetch per credit given back: the server sees one pull
 * request per half window, not one per frame.
 *
 * @example
 * ```ts
 * const window = new PullWindow(consumer, setup, (m) => deliver(m));
 * window.start();
 * window.request(8);
 * for (const m of window.stop()) m.nak();
 * ```
 * @internal
 */
export class PullWindow {
  private buffer: JsMsg[] = [];
  private head = 0;
  private credit = 0;
  private messages: ConsumerMessages | undefined;
  private restart: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private handing = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly s: CarrierSetup,
    private readonly hand: (m: JsMsg) => boolean,
  ) {}

  /** Opens the pull; failures are reported to `onError` and the pull starts again. */
  start(): void {
    void this.begin();
  }

  /** Up to `frames` more frames may go to `hand`. */
  request(frames: number): void {
    this.credit += frames;
    this.drain();
  }

  /** Ends the pull; returns the frames never handed on (the caller hands them back). */
  stop(): JsMsg[] {
    this.stopped = true;
    if (this.restart !== undefined) clearTimeout(this.restart);
    this.restart = undefined;
    this.messages?.stop();
    this.messages = undefined;
    const left = this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return left;
  }

  private async begin(): Promise<void> {
    let messages: ConsumerMessages;
    try {
      const max = this.s.maxFrames;
      messages = await this.consumer.consume({ max_messages: max, threshold_messages: Math.max(1, Math.floor(max / 2)), expires: this.s.fetchExpiresMs, callback: this.arrived });
    } catch (error) {
      return this.failed(error as Error);
    }
    if (this.stopped) return void messages.stop();
    this.messages = messages;
    void messages.closed().then((error) => {
      if (this.messages !== messages) return; // stopped here, or already replaced
      this.messages = undefined;
      this.failed(error ?? new Error('the pull ended'));
    });
  }

  private failed(error: Error): void {
    if (this.stopped || this.restart !== undefined) return;
    this.s.onError(error);
    this.restart = setTimeout(() => {
      this.restart = undefined;
      if (!this.stopped) void this.begin();
    }, RESTART_MS);
  }

  private readonly arrived = (m: JsMsg): void => {
    if (this.stopped) return;
    // A copy of a frame still waiting here (redelivered after ack_wait): keep the newer one only.
    if (m.redelivered) {
      for (let i = this.head; i < this.buffer.length; i++) {
        if (this.buffer[i]!.seq === m.seq) return void (this.buffer[i] = m);
      }
    }
    this.buffer.push(m);
    this.drain();
  };

  private drain(): void {
    if (this.handing) return; // a frame handed on asked for more: the loop below goes on
    this.handing = true;
    try {
      while (this.credit > 0 && this.head < this.buffer.length && !this.stopped) {
        const m = this.buffer[this.head++]!;
        if (this.hand(m)) this.credit--;
      }
    } finally {
      this.handing = false;
    }
    if (this.head === this.buffer.length) {
      this.buffer.length = 0;
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
  }
}
