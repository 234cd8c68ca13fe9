import type { NatsConnection } from '@nats-io/transport-node';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import { loadJetStream } from '../../io/nats/nats-connection.js';
import type { ConsumerCarrier, ConsumerEvents } from '../carrier.js';
import { DeadLetterWriter } from './dead-letter-writer.js';
import { decodeFrame } from './frame-codec.js';
import { encodeHint, FIRST_HEADER, SEQ_HEADER } from './headers.js';
import { RecentSeqs, type HeldFrame } from './held-frames.js';
import { holdConnection, watchLink } from './link.js';
import { oldestFrameSeq } from './oldest.js';
import type { CarrierSetup } from './options.js';

// Two pull requests at most: one filling while the next waits, so credit given while one is
// out is not idle until it expires, and a slow server is not flooded with requests.
const MAX_PULLS = 2;
const PULL_RETRY_MS = 250;
const FLUSH_WAIT_MS = 1000;

// Waits for `p` at most `ms` (its failure is ignored: closing goes on); leaves no timer behind.
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/**
 * The consumer end of a JetStream carrier: the edge's durable pull consumer, pulled only as far
 * as `request` gave credit (one fetch of at most the credit outstanding; never more frames in
 * hand than requested). `settle` acknowledges (or terminates, when the frame had dead letters)
 * and batches a `settled` hint to the producer end per turn of the event loop.
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
  private events: ConsumerEvents | undefined;
  private nc: NatsConnection | undefined;
  private consumer: Consumer | undefined;
  private release: (() => Promise<void>) | undefined;
  private stopLink: (() => void) | undefined;
  private dead: DeadLetterWriter | undefined;
  private jsm: JetStreamManager | undefined;
  private oldestLimit = 0;
  private readonly pulls = new Set<ConsumerMessages>();
  private credit = 0;
  private pullRetry: ReturnType<typeof setTimeout> | undefined;
  private hintSeqs: number[] = [];
  private hintQueued = false;
  private closed = false;

  constructor(private readonly s: CarrierSetup) {
    this.recent = new RecentSeqs(Math.max(64, s.maxFrames * 4));
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
    this.consumer = await js.consumers.get(this.s.names.stream, this.s.durable);
    this.dead = new DeadLetterWriter(js, this.s);
    const bound = (await jsm.streams.info(this.s.names.stream)).config.max_msgs_per_subject;
    this.oldestLimit = Math.max(bound, this.s.maxFrames) * 2;
    const oldest = await this.oldest();
    this.stopLink = watchLink(nc, (state, error) => this.events?.link(state, error));
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
    this.credit += frames;
    this.pump();
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pullRetry !== undefined) clearTimeout(this.pullRetry);
    for (const p of this.pulls) p.stop();
    // Handed back at once: a replacement gets them without waiting out ack_wait.
    for (const h of this.held.values()) h.msg.nak();
    this.held.clear();
    this.flushHints();
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

  private pump(): void {
    while (!this.closed && this.consumer && this.credit > 0 && this.pulls.size < MAX_PULLS && this.pullRetry === undefined) {
      const n = this.credit;
      this.credit = 0;
      void this.pull(n);
    }
  }

  private async pull(n: number): Promise<void> {
    let got = 0;
    let failed = false;
    let pull: ConsumerMessages | undefined;
    try {
      pull = await this.consumer!.fetch({ max_messages: n, expires: this.s.fetchExpiresMs });
      this.pulls.add(pull);
      for await (const m of pull) {
        got++;
        if (!this.onMessage(m)) this.credit++; // a malformed frame used no credit of the inlet's
      }
    } catch (error) {
      failed = !this.closed;
      if (failed) this.s.onError(error as Error);
    } finally {
      if (pull) this.pulls.delete(pull);
    }
    if (this.closed) return;
    this.credit += n - got;
    if (failed && this.pullRetry === undefined) {
      this.pullRetry = setTimeout(() => {
        this.pullRetry = undefined;
        this.pump();
      }, PULL_RETRY_MS);
    }
    this.pump();
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
