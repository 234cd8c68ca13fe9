import type { JetStreamManager } from '@nats-io/jetstream';
import type { CarrierSetup } from './options.js';

/**
 * The producer end's authoritative settlement source: while frames are outstanding and no
 * hint arrived for `settlePollMs`, it reads the edge consumer's ack floor (every stream
 * sequence at or below it is acknowledged or terminated) and then the sequence of the edge's
 * last dead-letter record. The order matters: a consumer end stores a dead-letter record
 * before it terminates the frame, so any termination the floor shows has its record at or
 * below the sequence read after it.
 *
 * @example
 * ```ts
 * const poll = new SettlePoll(jsm, setup, (floor, deadTarget) => markAndReport(floor, deadTarget));
 * poll.outstanding(true);
 * ```
 * @internal
 */
export class SettlePoll {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = Date.now();
  private active = false;
  private closed = false;
  private polling = false;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly s: CarrierSetup,
    private readonly onFloor: (floor: number, deadTarget: number) => void,
  ) {}

  /** A hint arrived: the poll waits another `settlePollMs`. */
  heard(): void {
    this.lastHeard = Date.now();
  }

  /** Whether frames are outstanding: the timer runs only while they are. */
  outstanding(any: boolean): void {
    if (any === this.active) return;
    this.active = any;
    if (any) {
      this.lastHeard = Date.now();
      this.arm(this.s.settlePollMs);
    } else if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.closed || !this.active || this.polling) return;
    const quiet = Date.now() - this.lastHeard;
    if (quiet < this.s.settlePollMs) return this.arm(this.s.settlePollMs - quiet);
    this.polling = true;
    try {
      const info = await this.jsm.consumers.info(this.s.names.stream, this.s.durable);
      const last = await this.jsm.streams.getMessage(this.s.names.deadLetterStream, { last_by_subj: this.s.deadLetterSubject });
      if (!this.closed) this.onFloor(info.ack_floor.stream_seq, last?.seq ?? 0);
    } catch (error) {
      if (!this.closed) this.s.onError(error as Error);
    } finally {
      this.polling = false;
    }
    this.lastHeard = Date.now();
    if (this.active) this.arm(this.s.settlePollMs);
  }
}
