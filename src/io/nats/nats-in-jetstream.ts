import type { NatsConnection } from '@nats-io/transport-node';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NodeContext } from '../../actors/workflow/node-types.js';
import { InvalidPayloads } from '../faults.js';
import { Ingress } from '../ingress.js';
import { decodePayload } from '../payload.js';
import type { NatsInConfig } from './nats-config.js';
import { NatsLink, loadJetStream } from './nats-connection.js';
import { SeenSequences } from './seen-sequences.js';

const RETRY_MS = 1000;
const FETCH_EXPIRES_MS = 5000;
const STREAM_NOT_FOUND = 10059;
// An Ingress overflow (only with a consumer whose max_ack_pending exceeds holdLimit) is
// negatively acknowledged: the server redelivers it after this delay instead of it being lost.
const OVERFLOW_NAK_MS = 1000;

/**
 * A JetStream durable pull consumer feeding a `nats in` node. It fetches `batch` messages at a
 * time and only while the Ingress is not paused, and acknowledges each message only once the
 * engine took it, so a crash or restart redelivers what was not taken: at-least-once. The
 * consumer is created when absent (explicit acks, `ack_wait`, `max_ack_pending`, filtered on the
 * subject) and used as it is when present. A stream sequence this run already passed on (an ack
 * lost in a server restart) is acknowledged again and dropped; one still held is dropped.
 *
 * @example
 * ```ts
 * const pull = new JetStreamPull(ctx, natsInConfig(ctx.config));
 * return { start: pull.start, stop: pull.stop };
 * ```
 * @internal
 */
export class JetStreamPull {
  private readonly invalid: InvalidPayloads;
  private readonly ingress: Ingress;
  private readonly link: NatsLink;
  private readonly seen = new SeenSequences(1 << 16);
  // Sequence -> stored time of what was offered but still waits in the hold (at most holdLimit).
  private readonly held = new Map<number, number>();
  private current: ConsumerMessages | undefined;
  private wake: (() => void) | undefined;
  private timer: unknown;
  private closed = false;
  // A consumer was bound this run: finding it gone later is reported as CONSUMER_RECREATED.
  private bound = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly c: NatsInConfig,
  ) {
    this.invalid = new InvalidPayloads(ctx, c.onInvalid);
    this.ingress = new Ingress(ctx, { holdLimit: c.holdLimit, resume: () => this.wakeUp() });
    this.link = new NatsLink(ctx, c.servers, (nc) => this.run(nc));
  }

  start = (): void => this.link.open();

  stop = (): void => {
    this.closed = true;
    this.current?.stop();
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.wakeUp();
    this.ingress.close();
    this.held.clear(); // discarded by the Ingress, unacknowledged: they stay in the stream
    void this.link.close();
  };

  private async run(nc: NatsConnection): Promise<void> {
    let consumer: Consumer | undefined;
    while (!this.closed) {
      try {
        consumer ??= await this.bind(nc);
        if (this.ingress.isPaused) await new Promise<void>((r) => (this.wake = r));
        if (this.closed) return;
        this.current = await consumer.fetch({ max_messages: this.c.batch, expires: FETCH_EXPIRES_MS });
        for await (const m of this.current) this.onMessage(m);
      } catch (error) {
        if (this.closed) return;
        // Bound again on the next try: a stream deleted and created again took its consumer along.
        consumer = undefined;
        const code = (error as { code?: unknown }).code === STREAM_NOT_FOUND ? 'STREAM_NOT_FOUND' : 'NATS_ERROR';
        this.ctx.report({ kind: 'error', code, message: code === 'STREAM_NOT_FOUND' ? `JetStream stream '${this.c.stream}' does not exist (retrying)` : (error as Error).message });
        await new Promise<void>((r) => (this.timer = this.ctx.clock.setTimeout(r, RETRY_MS)));
        this.timer = undefined;
      }
    }
  }

  // The durable consumer, created when absent with acks that outlast a held message's wait.
  private async bind(nc: NatsConnection): Promise<Consumer> {
    const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = await loadJetStream();
    const jsm = await jetstreamManager(nc);
    const { stream, durable } = this.c as { stream: string; durable: string };
    await jsm.streams.info(stream);
    try {
      await jsm.consumers.info(stream, durable);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 10014) throw error;
      if (this.bound) this.ctx.report({ kind: 'error', code: 'CONSUMER_RECREATED', message: `JetStream consumer '${durable}' on '${stream}' was gone; created again with this node's settings, from the stream's start` });
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: this.c.ackWaitMs * 1e6,
        max_ack_pending: this.c.maxAckPending,
        filter_subject: this.c.subject,
      });
    }
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    this.bound = true;
    return consumer;
  }

  private onMessage(m: JsMsg): void {
    const seq = m.seq;
    const storedAt = m.info.timestampNanos;
    // Not only what the server flags as redelivered: a server that stopped before it saved the
    // consumer's state hands out what it had delivered again as new (delivery count 1).
    if (this.seen.has(seq, storedAt)) {
      this.ctx.count('duplicates');
      return m.ack();
    }
    // The first copy still waits in the hold (it outlasted ack_wait). Its own ack settles this
    // one too; acknowledging here would lose it if the hold were discarded at stop.
    if (this.held.get(seq) === storedAt) return this.ctx.count('duplicates');
    const d = decodePayload(m.data, this.c.format, this.c.maxPayloadBytes);
    if (!d.ok) {
      this.invalid.handle(d.code, d.message, `${m.subject} #${seq}`, m.data);
      return m.term(); // counted and reported: redelivering it would only fail again
    }
    const r = this.ingress.offer(d.data, {
      ack: () => {
        this.held.delete(seq);
        this.seen.add(seq, storedAt);
        m.ack();
      },
    });
    if (r === 'held') this.held.set(seq, storedAt);
    else if (r === 'overflow') m.nak(OVERFLOW_NAK_MS);
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
