import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import { loadJetStream } from '../../io/nats/nats-connection.js';
import type { ConsumerCarrier, ConsumerEvents } from '../carrier.js';
import { DeadLetterWriter } from './dead-letter-writer.js';
import { decodeFrame } from './frame-codec.js';
import { againSubject, encodeHint, FIRST_HEADER, floorSubject, SEQ_HEADER } from './headers.js';
import { RecentSeqs, type HeldFrame } from './held-frames.js';
import { holdConnection, watchLink } from './link.js';
import { oldestFrameSeq } from './oldest.js';
import type { CarrierSetup } from './options.js';
import { DEFAULT_ACK_WAIT_MS } from './run-streams.js';
import { PullWindow } from './pull-window.js';

const FLUSH_WAIT_MS = 1000;
// Seqs in one answer to the producer end's ask (headers.ts againSubject): about 17 bytes each.
const AGAIN_MAX = 4096;

// Waits for `p` at most `ms` (its failure is ignored: closing goes on); leaves no timer behind.
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/**
 * The consumer end of a JetStream carrier: the edge's durable pull consumer, kept pulling by one
 * open `consume()` (`PullWindow`); the frames it brings reach the inlet only as far as `request`
 * gave credit (the rest wait here, at most `maxFrames`: the consumer's `max_ack_pending`).
 * `settle` acknowledges (or terminates, when the frame had dead letters) and batches a `settled`
 * hint to the producer end per turn of the event loop.
 *
 * @example
 * ```ts
 * const consumer = jetStreamCarriers({ connection: nc, run: 'r', edge: 'e', maxFrames: 8 }).consumer();
 * const resumeAt = await consumer.open({ frame: (f) => inlet.frame(f), link: () => {} });
 * consumer.request(8);
 * ```
 */
export class JetStreamConsumer implements ConsumerCarrier {
  private readonly held = new Map<number, HeldFrame>();
  private readonly recent: RecentSeqs;
  /** Frames acknowledged or terminated lately (what the hints named), to say again when asked. */
  private readonly finished: RecentSeqs;
  private again: Subscription | undefined;
  private events: ConsumerEvents | undefined;
  private nc: NatsConnection | undefined;
  private window: PullWindow | undefined;
  private earlyCredit = 0; // requested before open() finished
  private release: (() => Promise<void>) | undefined;
  private stopLink: (() => void) | undefined;
  private dead: DeadLetterWriter | undefined;
  private jsm: JetStreamManager | undefined;
  private oldestLimit = 0;
  private hintSeqs: number[] = [];
  private hintQueued = false;
  private closed = false;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly s: CarrierSetup) {
    this.recent = new RecentSeqs(Math.max(64, s.maxFrames * 4));
    this.finished = new RecentSeqs(Math.max(64, s.maxFrames * 4));
  }

  async open(events: ConsumerEvents): Promise<number | undefined> {
    if (this.events) throw new NodeflowError('INVALID_ARGUMENT', 'this consumer carrier is already open');
    this.events = events;
    const held = await holdConnection(this.s.source);
    const nc = (this.nc = held.nc);
    this.release = held.release;
    const { jetstream, jetstreamManager } = await loadJetStream();
    const js: JetStreamClient = jetstream(nc, { timeout: this.s.publishTimeoutMs });
    const jsm = (this.jsm = await jetstreamManager(nc));
    const consumer = await js.consumers.get(this.s.names.stream, this.s.durable);
    this.dead = new DeadLetterWriter(js, this.s);
    // The hints again, for a producer end whose ack floor stopped short (headers.ts againSubject):
    // the same content, so it is exactly as safe as a hint that was not lost.
    this.again = nc.subscribe(againSubject(this.s.hintSubject), {
      callback: (_error, m) => {
        // The lowest first and at most AGAIN_MAX: settlement is cumulative, and an answer must
        // stay far below the server's max_payload (a failed respond would stop the reader).
        const seqs = this.finished.from(Number(m.string()) || 1).sort((a, b) => a - b).slice(0, AGAIN_MAX);
        try {
          m.respond(encodeHint(this.dead!.lastStreamSeq, seqs));
        } catch {
          // The producer end asks again at its next poll.
        }
      },
    });
    const bound = (await jsm.streams.info(this.s.names.stream)).config.max_msgs_per_subject;
    this.oldestLimit = Math.max(bound, this.s.maxFrames) * 2;
    const oldest = await this.oldest();
    this.stopLink = watchLink(nc, (state, error) => this.events?.link(state, error));
    // Frames in hand are kept from redelivery while this end lives: a frame can wait past
    // ack_wait for reasons that are not a dead consumer (retries backing off, a relay barrier
    // waiting on the far end, credit). Only a process that died (or hangs) lets ack_wait run out.
    const ackWaitMs = ((await consumer.info(true)).config.ack_wait ?? DEFAULT_ACK_WAIT_MS * 1e6) / 1e6;
    const keepAlive = setInterval(() => this.keepHeld(), Math.max(100, ackWaitMs / 2));
    keepAlive.unref();
    this.keepAlive = keepAlive;
    this.window = new PullWindow(consumer, this.s, (m) => this.onMessage(m));
    this.window.start();
    this.window.request(this.earlyCredit);
    events.link('up');
    return oldest;
  }

  /** The same query as `open()`: at most `2 x` the per-subject bound `next_by_subj` reads, usually a few. */
  async oldest(): Promise<number | undefined> {
    if (!this.jsm) throw new NodeflowError('CONNECTION_CLOSED', 'the consumer carrier is not open');
    return oldestFrameSeq(this.jsm, this.s.names.stream, this.s.subject, this.oldestLimit);
  }

  request(frames: number): void {
    if (!Number.isInteger(frames) || frames < 0) throw new NodeflowError('INVALID_ARGUMENT', `request takes a whole number of frames, got ${frames}`, { frames });
    if (this.window) this.window.request(frames);
    else this.earlyCredit += frames;
  }

  settle(seq: number): void {
    const h = this.held.get(seq);
    if (!h) return; // settled already (a repeated settle, or a copy acknowledged on arrival)
    this.held.delete(seq);
    this.recent.add(seq);
    // A record not stored (closed meanwhile) must not be terminated: the frame goes back instead.
    if (h.recording) void h.recording.then((stored) => (stored ? this.finish(seq, h) : this.handBack(h.msg)));
    else this.finish(seq, h);
  }

  deadLetter(seq: number, messages: readonly StreamMessage[], reason: string): void {
    const h = this.held.get(seq);
    if (!h) return;
    h.dead += messages.length;
    const stored = this.dead!.record(seq, messages, reason);
    h.recording = h.recording ? Promise.all([h.recording, stored]).then(([a, b]) => a && b) : stored;
    // The whole frame failed: nothing else will settle it.
    if (h.dead >= h.size) this.settle(seq);
  }

  working(seq: number): void {
    this.held.get(seq)?.msg.working();
  }

  async settledBelow(): Promise<number | undefined> {
    if (!this.nc || this.nc.isClosed() || this.closed) return undefined;
    try {
      const floor = Number((await this.nc.request(floorSubject(this.s.hintSubject), undefined, { timeout: FLUSH_WAIT_MS })).string());
      return Number.isSafeInteger(floor) && floor > 0 ? floor : undefined;
    } catch {
      return undefined; // no producer end up (yet): nothing can be known, nothing is skipped
    }
  }

  private keepHeld(): void {
    if (this.nc?.isClosed()) return;
    for (const h of this.held.values()) h.msg.working();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    // Handed back at once (held, and those still waiting for credit): a replacement gets them
    // without waiting out ack_wait. Not before the server has dropped our pull request: 2.9.x
    // loses (until ack_wait) a redelivery that meets a request nobody listens to any more and
    // no live one behind it; a consumer info after the unsubscribe clears such requests.
    const back = [...[...this.held.values()].map((h) => h.msg), ...(this.window?.stop() ?? [])]; // older first
    this.held.clear();
    if (back.length > 0 && this.jsm && this.nc && !this.nc.isClosed()) {
      await bounded(this.jsm.consumers.info(this.s.names.stream, this.s.durable), FLUSH_WAIT_MS);
      // The info call does not always clear it: a frame naked while our last pull request is
      // still open on the server (up to fetchExpiresMs) can be sent to that dead request and
      // reach a replacement only after ack_wait. Closing with frames in hand is a worker leaving
      // mid-run, where waiting out the request costs seconds and saves ack_wait.
      await new Promise((r) => setTimeout(r, this.s.fetchExpiresMs + 50));
    }
    for (const m of back) this.handBack(m);
    this.flushHints();
    this.again?.unsubscribe();
    this.dead?.close();
    this.stopLink?.();
    // The naks and the last hint leave before a shared connection moves on; bounded, because a
    // flush waits for the server and the server may be the thing that is down.
    if (this.nc && !this.nc.isClosed() && this.s.source.connection) await bounded(this.nc.flush(), FLUSH_WAIT_MS);
    await this.release?.();
    this.events?.link('closed');
  }

  private finish(seq: number, h: HeldFrame): void {
    if (this.nc?.isClosed()) return; // too late to answer: ack_wait hands it to a replacement
    if (h.dead > 0) h.msg.term();
    else h.msg.ack();
    this.finished.add(seq);
    this.hintSeqs.push(seq);
    if (!this.hintQueued) {
      this.hintQueued = true;
      setImmediate(() => this.flushHints());
    }
  }

  private handBack(msg: JsMsg): void {
    if (!this.nc?.isClosed()) msg.nak();
  }

  // One hint per turn of the event loop, after that turn's acks (same connection, so in order).
  private flushHints(): void {
    this.hintQueued = false;
    if (this.hintSeqs.length === 0 || !this.nc || this.nc.isClosed()) return;
    this.nc.publish(this.s.hintSubject, encodeHint(this.dead!.lastStreamSeq, this.hintSeqs));
    this.hintSeqs = [];
  }

  // Hands one JetStream message to the consumer end as a frame; false when the inlet got nothing.
  private onMessage(m: JsMsg): boolean {
    const where = `${m.subject} #${m.seq}`;
    const seq = Number(m.headers?.get(SEQ_HEADER));
    const hasSeq = Number.isSafeInteger(seq) && seq > 0;
    let messages: StreamMessage[];
    try {
      if (!hasSeq) throw new NodeflowError('INVALID_MESSAGE', `malformed frame at ${where}: no ${SEQ_HEADER} header`, { where });
      messages = decodeFrame(m.data, where);
    } catch (error) {
      return this.undecodable(m, hasSeq ? seq : 0, error as Error);
    }
    if (this.recent.has(seq)) m.ack(); // settled here before: only the inlet's duplicate count needs it
    else {
      const before = this.held.get(seq);
      if (before && before.msg.seq !== m.seq) before.msg.ack(); // a second stored copy: keep one
      this.held.set(seq, { msg: m, size: messages.length, dead: before?.dead ?? 0, recording: before?.recording });
    }
    this.events!.frame({ seq, messages, redelivered: m.redelivered, first: m.headers?.has(FIRST_HEADER) === true });
    return true;
  }

  // A frame nobody can read never counts as delivered: it is recorded as a dead letter (seq,
  // stream seq, size, reason) before it is terminated, and the producer end, which knows how
  // many messages it held, reports them dead-lettered. One of this edge's own frames (its msg id
  // says so) is also handed to the inlet empty, so the seq order moves past it.
  private undecodable(m: JsMsg, seq: number, error: Error): boolean {
    this.s.onError(error);
    const own = seq > 0 && m.headers?.get('Nats-Msg-Id') === `${this.s.names.run}.${this.s.edge}.${seq}`;
    if (own && (this.recent.has(seq) || this.held.has(seq))) {
      m.term(); // a spoilt copy of a frame whose good copy is settled or in hand
      return false;
    }
    const recording = this.dead!.recordUndecodable(seq, m.seq, m.data.length, error.message);
    if (!own) {
      void recording.then((stored) => (stored ? !this.nc?.isClosed() && m.term() : this.handBack(m)));
      return false; // not a frame of this edge: the inlet's credit was not spent
    }
    this.held.set(seq, { msg: m, size: 0, dead: 1, recording });
    this.settle(seq);
    this.events!.frame({ seq, messages: [], redelivered: m.redelivered, first: m.headers?.has(FIRST_HEADER) === true });
    return true;
  }
}
