import type { StreamMessage } from '../message.js';

/**
 * One batch on its way between the two ends of a connection that crosses a process boundary:
 * the producer end's sequence number (1, 2, 3, ... per connection, never reused) and the
 * batch's messages. A carrier moves frames; it never splits, merges or reorders what it was
 * given on purpose, but it may lose, repeat, delay or reorder them in transit (a redelivery
 * after a consumer died, a publish retried): the two ends restore order and remove duplicates
 * by `seq`.
 *
 * @example
 * ```ts
 * const frame: Frame = { seq: 1, messages: batch.messages };
 * ```
 */
export interface Frame {
  readonly seq: number;
  readonly messages: readonly StreamMessage[];
  /**
   * The first frame of a producer end's incarnation. A producer end that replaces one that died
   * starts its `seq` above any its predecessor can have used, so the gap before this frame is
   * not missing frames: the consumer end moves past it once the carrier holds nothing older.
   */
  readonly first?: boolean;
}

/**
 * A frame as the consumer end receives it: `redelivered` when the carrier has handed out this
 * frame before (JetStream's delivery count above 1), so a duplicate can be counted as one.
 *
 * @example
 * ```ts
 * events.frame({ seq: 7, messages, redelivered: false });
 * ```
 */
export interface DeliveredFrame extends Frame {
  readonly redelivered: boolean;
}

/**
 * The link state a carrier reports: `up` once it can move frames, `down` while its server is
 * unreachable (frames wait; nothing is dropped for it), `closed` after `close()`.
 *
 * @example
 * ```ts
 * const onLink = (s: CarrierLinkState) => s === 'down' && console.warn('carrier down');
 * ```
 */
export type CarrierLinkState = 'up' | 'down' | 'closed';

/**
 * What the carrier tells the producer end.
 *
 * @example
 * ```ts
 * const events: ProducerEvents = { settled: (upTo) => outlet.settled(upTo), deadLettered: () => {}, link: () => {} };
 * ```
 */
export interface ProducerEvents {
  /**
   * Every frame with `seq <= upTo` is settled at the consumer end: its messages were delivered,
   * or dead-lettered (reported through `deadLettered` before or with this). Cumulative demand,
   * as in Akka's StreamRefs: a lost or repeated report is harmless, the next one supersedes it.
   */
  settled(upTo: number): void;
  /** `count` messages of frame `seq` were dead-lettered at the consumer end (once per frame). */
  deadLettered(seq: number, count: number): void;
  link(state: CarrierLinkState, error?: Error): void;
}

/**
 * The producer side of a carrier.
 *
 * @example
 * ```ts
 * await carrier.open(events);
 * carrier.send({ seq: 1, messages }); // at once; the carrier retries until its server holds it
 * ```
 */
export interface ProducerCarrier {
  open(events: ProducerEvents): Promise<void>;
  /**
   * Sends one frame. Returns at once: the carrier keeps the frame and retries (with the same
   * id, so a server that de-duplicates keeps one copy) until its server holds it. Frames are
   * sent in `seq` order; the producer end bounds how many are outstanding.
   */
  send(frame: Frame): void;
  close(): Promise<void>;
}

/**
 * What the carrier tells the consumer end.
 *
 * @example
 * ```ts
 * const events: ConsumerEvents = { frame: (f) => inlet.frame(f), link: () => {} };
 * ```
 */
export interface ConsumerEvents {
  frame(frame: DeliveredFrame): void;
  link(state: CarrierLinkState, error?: Error): void;
}

/**
 * The consumer side of a carrier: frames arrive only as far as `request` allowed (credit).
 *
 * @example
 * ```ts
 * await carrier.open(events);
 * carrier.request(4); // up to four more frames
 * // once a frame's messages are delivered:
 * carrier.settle(frame.seq);
 * ```
 */
export interface ConsumerCarrier {
  /**
   * Opens the carrier. Resolves with the `seq` of the oldest frame it still holds for this edge
   * (the one the consumer end must deliver next), or `undefined` when it holds none: a consumer end
   * that replaces one that died learns where to resume, so a frame redelivered late is not
   * overtaken by newer ones.
   */
  open(events: ConsumerEvents): Promise<number | undefined>;
  /** The `seq` of the oldest frame the carrier holds for this edge now, or `undefined` when it holds none (as `open()` tells). */
  oldest(): Promise<number | undefined>;
  /** Allows up to `frames` more frames to arrive (cumulative with earlier requests). */
  request(frames: number): void;
  /** Frame `seq` is settled (delivered, or dead-lettered first): the carrier may forget it and tell the producer. */
  settle(seq: number): void;
  /** Frame `seq`'s messages failed for good: record them, with the reason, where dead letters go, then settle it. */
  deadLetter(seq: number, messages: readonly StreamMessage[], reason: string): void;
  /** Frame `seq` is still being worked on (a retry is backing off): keep it from being redelivered elsewhere. */
  working(seq: number): void;
  /**
   * The producer end's lowest unsettled seq, asked when frames wait past a missing one: every
   * frame below it was settled by some consumer end (one since replaced, say), so it will not come.
   * `undefined` when the producer cannot be asked. Optional: a carrier without it never skips.
   */
  settledBelow?(): Promise<number | undefined>;
  close(): Promise<void>;
}
