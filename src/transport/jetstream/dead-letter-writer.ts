import { randomUUID } from 'node:crypto';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { StreamMessage } from '../../message.js';
import { loadNats } from '../../io/nats/nats-connection.js';
import { encodeFrame } from './frame-codec.js';
import { COUNT_HEADER, RAW_SIZE_HEADER, REASON_HEADER, SEQ_HEADER, STREAM_SEQ_HEADER, WRITER_HEADER } from './headers.js';
import type { CarrierSetup } from './options.js';

const RETRY_MS = 250;

/**
 * Stores the consumer end's dead letters in the run's dead-letter stream: one record per
 * `deadLetter` call (the messages, frame seq, count, reason and this writer's id), retried with
 * the same msg id until stored. The frame is terminated only after its records are stored, and
 * `lastStreamSeq` travels in the next hint, so the producer end reads them before it reports
 * the frame settled.
 *
 * @example
 * ```ts
 * const w = new DeadLetterWriter(js, setup);
 * await w.record(7, messages, 'target failed 5 times');
 * ```
 * @internal
 */
export class DeadLetterWriter {
  /** Distinguishes this consumer end's records from a dead predecessor's for the same frame. */
  readonly id = randomUUID().slice(0, 8);
  lastStreamSeq = 0;
  private n = 0;
  private closed = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly s: CarrierSetup,
  ) {}

  /** Resolves true once stored; false when the writer closed first (the frame must not be terminated then). */
  async record(seq: number, messages: readonly StreamMessage[], reason: string): Promise<boolean> {
    const h = await this.headers(seq, reason);
    h.set(COUNT_HEADER, String(messages.length));
    return this.store(seq, h, encodeFrame(messages));
  }

  /**
   * Records a frame that could not be decoded: its frame seq (0 when it had none), stream
   * sequence, raw size and why, no body. The producer end counts all of that frame's messages.
   */
  async recordUndecodable(seq: number, streamSeq: number, rawSize: number, reason: string): Promise<boolean> {
    const h = await this.headers(seq, reason);
    h.set(STREAM_SEQ_HEADER, String(streamSeq));
    h.set(RAW_SIZE_HEADER, String(rawSize));
    return this.store(seq, h, new Uint8Array(0));
  }

  private async headers(seq: number, reason: string): Promise<MsgHdrs> {
    const h = (await loadNats()).headers();
    h.set(SEQ_HEADER, String(seq));
    h.set(REASON_HEADER, reason.replace(/[\r\n]+/g, ' ').slice(0, 1024));
    h.set(WRITER_HEADER, this.id);
    return h;
  }

  private async store(seq: number, h: MsgHdrs, body: Uint8Array): Promise<boolean> {
    const msgID = `${this.s.names.run}.${this.s.edge}.${seq}.dl.${this.id}.${++this.n}`;
    while (!this.closed) {
      try {
        const ack = await this.js.publish(this.s.deadLetterSubject, body, { msgID, headers: h });
        this.lastStreamSeq = Math.max(this.lastStreamSeq, ack.seq);
        return true;
      } catch (error) {
        this.s.onError(error as Error);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    return false;
  }

  close(): void {
    this.closed = true;
  }
}
