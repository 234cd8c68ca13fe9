import type { headers as natsHeaders, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { NodeflowError } from '../../errors.js';
import { loadJetStream, loadNats } from '../../io/nats/nats-connection.js';
import type { Frame, ProducerCarrier, ProducerEvents } from '../carrier.js';
import { DeadLetterReader } from './dead-letter-reader.js';
import { encodeFrame } from './frame-codec.js';
import { againSubject, decodeHint, FIRST_HEADER, floorSubject, SEQ_HEADER } from './headers.js';
import { holdConnection, watchLink } from './link.js';
import type { CarrierSetup } from './options.js';
import { Outstanding, type OutstandingFrame } from './outstanding.js';
import { PubAcks } from './pub-acks.js';
import { SettlePoll } from './settle-poll.js';

// After a failed publish: the first resend waits this long, doubling up to the max. Short,
// because the common failure at full speed is the per-subject bound seeing an ack a moment late.
const FIRST_RESEND_MS = 1;
const MAX_RESEND_MS = 1000;
// How long the producer end waits for a consumer end to say its settled frames again.
const ASK_AGAIN_MS = 1000;

/**
 * The producer end of a JetStream carrier. Frames are published in seq order and pipelined
 * (every frame is published when sent; PubAcks come back asynchronously), each with
 * `Nats-Msg-Id = <run>.<edge>.<seq>` (and `Nodeflow-First` when `frame.first`). A failed or timed-out publish stops new publishes until
 * every one in flight has answered, then all frames without a PubAck are published again in
 * seq order with the same ids: the server keeps one copy of each, and no frame overtakes an
 * older one in the resend. Settlement comes from the consumer end's hints, and from the
 * consumer's ack floor (`SettlePoll`) when hints stop while frames are outstanding; a floor that
 * stops short of the oldest frame makes it ask the consumer end for the hints again.
 *
 * @example
 * ```ts
 * const producer = jetStreamCarriers({ connection: nc, run: 'r', edge: 'e', maxFrames: 8 }).producer();
 * await producer.open(events);
 * producer.send({ seq: 1, messages });
 * ```
 */
export class JetStreamProducer implements ProducerCarrier {
  private readonly frames = new Outstanding();
  private readonly pubAcks = new PubAcks();
  private events: ProducerEvents | undefined;
  private js: JetStreamClient | undefined;
  private release: (() => Promise<void>) | undefined;
  private hints: Subscription | undefined;
  private floors: Subscription | undefined;
  private nc: NatsConnection | undefined;
  private asking = false;
  private stopLink: (() => void) | undefined;
  private deadLetters: DeadLetterReader | undefined;
  private poll: SettlePoll | undefined;
  private headers: typeof natsHeaders | undefined;
  private inFlight = 0;
  private failed = false;
  private resendMs = FIRST_RESEND_MS;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Publishes retried (failed or timed out, then sent again with the same id). */
  retries = 0;

  constructor(private readonly s: CarrierSetup) {}

  async open(events: ProducerEvents): Promise<void> {
    if (this.events) throw new NodeflowError('INVALID_ARGUMENT', 'this producer carrier is already open');
    this.events = events;
    const held = await holdConnection(this.s.source);
    const nc: NatsConnection = (this.nc = held.nc);
    this.release = held.release;
    const { jetstream, jetstreamManager } = await loadJetStream();
    this.headers = (await loadNats()).headers;
    this.js = jetstream(nc, { timeout: this.s.publishTimeoutMs });
    const jsm: JetStreamManager = await jetstreamManager(nc);
    this.deadLetters = new DeadLetterReader(jsm, this.s.names.deadLetterStream, this.s.deadLetterSubject, (seq, count, writer, streamSeq) => this.frames.recordDead(seq, count, writer, streamSeq), () => this.report(), this.s.onError);
    // Where the server stands before this end publishes: sequences it hands out again after a
    // hard kill are then noticed even when the frames before were a predecessor's.
    const [stream, consumer] = await Promise.all([jsm.streams.info(this.s.names.stream).catch(() => undefined), jsm.consumers.info(this.s.names.stream, this.s.durable).catch(() => undefined)]);
    this.pubAcks.opened(stream?.state.last_seq ?? 0, Math.max(consumer?.delivered.stream_seq ?? 0, consumer?.ack_floor.stream_seq ?? 0));
    this.poll = new SettlePoll(jsm, this.s, (floor, deadTarget) => {
      this.frames.markFloor(floor, this.pubAcks.reusedUpTo);
      this.progress(deadTarget);
      // Still stuck below the oldest frame: hints may have been lost, and a nats-server killed
      // hard can come back with a floor it never moves past messages removed meanwhile.
      if (this.frames.size > 0 && !this.frames.headSettled) void this.askAgain();
    });
    this.hints = nc.subscribe(this.s.hintSubject, {
      callback: (_error, m) => {
        const hint = decodeHint(m.string());
        if (!hint) return;
        for (const seq of hint.seqs) this.frames.markSettled(seq);
        this.poll!.heard();
        this.progress(hint.dlSeq);
      },
    });
    // A consumer end whose frames wait past a missing one asks which are settled (consumer.ts).
    this.floors = nc.subscribe(floorSubject(this.s.hintSubject), { callback: (_error, m) => void m.respond(String(this.frames.floor)) });
    this.stopLink = watchLink(nc, (state, error) => this.events?.link(state, error));
    await nc.flush(); // the hint subscription is registered before the first frame goes out
    events.link('up');
  }

  send(frame: Frame): void {
    if (!this.js || this.closed) throw new NodeflowError('CONNECTION_CLOSED', 'the producer carrier is not open');
    const expected = this.frames.expected;
    // A first frame (a replaced producer end's) starts past its predecessor's seqs: a jump is
    // allowed there, while nothing is outstanding, so the outstanding seqs stay consecutive.
    const jump = frame.first === true && this.frames.size === 0 && frame.seq > expected;
    if (frame.seq !== expected && !jump) throw new NodeflowError('INVALID_ARGUMENT', `frames go in seq order: expected ${expected}, got ${frame.seq}`, { seq: frame.seq });
    const f = this.frames.push(frame.seq, frame.messages.length, encodeFrame(frame.messages), frame.first === true);
    this.poll!.outstanding(true);
    if (!this.failed) this.publish(f);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.resendTimer !== undefined) clearTimeout(this.resendTimer);
    this.poll?.close();
    this.deadLetters?.close();
    this.stopLink?.();
    this.hints?.unsubscribe();
    this.floors?.unsubscribe();
    await this.release?.();
    this.events?.link('closed');
  }

  private publish(f: OutstandingFrame): void {
    const h = this.headers!();
    h.set(SEQ_HEADER, String(f.seq));
    if (f.first) h.set(FIRST_HEADER, '1');
    f.publishing = true;
    this.inFlight++;
    this.js!.publish(this.s.subject, f.data!, { msgID: `${this.s.names.run}.${this.s.edge}.${f.seq}`, headers: h }).then(
      (ack) => {
        f.streamSeq = ack.seq;
        if (this.pubAcks.stored(ack.seq, ack.duplicate)) this.s.onError(new Error(`nats-server stored frame ${f.seq} at stream sequence ${ack.seq}, which it had handed out before (a restart after a hard kill): frames stored up to ${this.pubAcks.reusedUpTo} are settled by the consumer end's hints only`));
        f.data = undefined; // stored: nothing left to resend
        this.resendMs = FIRST_RESEND_MS;
        this.answered(f);
      },
      (error: unknown) => {
        if (!this.closed && !this.failed) this.s.onError(error as Error);
        this.failed = true;
        this.answered(f);
      },
    );
  }

  private answered(f: OutstandingFrame): void {
    f.publishing = false;
    this.inFlight--;
    if (this.failed && this.inFlight === 0 && !this.closed && this.resendTimer === undefined) {
      this.resendTimer = setTimeout(() => this.resend(), this.resendMs);
      this.resendMs = Math.min(this.resendMs * 2, MAX_RESEND_MS);
    }
  }

  // Everything without a PubAck, oldest first, with the ids it had.
  private resend(): void {
    this.resendTimer = undefined;
    if (this.closed) return;
    this.failed = false;
    for (const f of this.frames.all) {
      if (f.streamSeq !== 0 || f.publishing || this.failed) continue;
      this.retries++;
      this.publish(f);
    }
  }

  // Asks the consumer end to say again which frames it settled from the oldest outstanding one on.
  private async askAgain(): Promise<void> {
    const nc = this.nc;
    if (this.asking || !nc || nc.isClosed() || this.closed) return;
    this.asking = true;
    try {
      const hint = decodeHint((await nc.request(againSubject(this.s.hintSubject), String(this.frames.floor), { timeout: ASK_AGAIN_MS })).string());
      if (!hint || this.closed) return;
      for (const seq of hint.seqs) this.frames.markSettled(seq);
      this.progress(hint.dlSeq);
    } catch {
      // No consumer end up, or it did not answer: the next poll asks again.
    } finally {
      this.asking = false;
    }
  }

  // Settlement marks arrived: report once the dead letters up to `deadTarget` are read.
  private progress(deadTarget: number): void {
    if (deadTarget > 0) this.deadLetters!.want(deadTarget);
    this.report();
  }

  private report(): void {
    if (this.closed || !this.frames.headSettled || !this.deadLetters!.caughtUp) return;
    const done = this.frames.takeSettled();
    for (const f of done) if (f.dead > 0) this.events!.deadLettered(f.seq, f.dead);
    this.poll!.outstanding(this.frames.size > 0);
    this.events!.settled(done[done.length - 1]!.seq);
  }
}
