import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NodeContext, NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import type { StreamMessage } from '../../message.js';
import { NodeflowError } from '../../errors.js';
import { encodePayload } from '../payload.js';
import { checkNatsOut, isPublishSubject, natsOutConfig, type NatsOutConfig } from './nats-config.js';
import { NatsLink, loadJetStream } from './nats-connection.js';

type Out = { readonly subject: string; readonly payload: string | Uint8Array; readonly msgID: string };

/**
 * The publishing side of a `nats out` node. A batch settles only once the outside took it:
 * core publishes are followed by a flush (the server has read them); JetStream publishes are
 * pipelined, up to `maxInFlight` awaiting their PubAck, and the batch settles when every one is
 * acknowledged. A refused publish rejects the batch, so the connection's retry and dead-letter
 * policy apply; every JetStream publish carries a message id (`msgIdField`, or one made from the
 * engine message), so a retried batch is deduplicated by the stream.
 */
class NatsPublisher {
  private readonly link: NatsLink;
  private readonly nonce = randomUUID().slice(0, 8);
  private up: Promise<void>;
  private resolveUp!: () => void;
  private rejectUp!: (e: Error) => void;
  private js: JetStreamClient | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly c: NatsOutConfig,
  ) {
    this.up = new Promise((resolve, reject) => ((this.resolveUp = resolve), (this.rejectUp = reject)));
    this.up.catch(() => undefined);
    this.link = new NatsLink(ctx, c.servers, async (nc) => {
      if (c.mode === 'jetstream') this.js = (await loadJetStream()).jetstream(nc);
      this.resolveUp();
    });
  }

  start = (): void => this.link.open();

  stop = (): void => {
    this.rejectUp(new NodeflowError('TARGET_STOPPED', `nats out '${this.ctx.nodeId}' stopped before it connected`));
    void this.link.close();
  };

  // While the server was never reached the batch waits: the connection backpressures upstream.
  process = async (batch: { readonly messages: readonly StreamMessage[] }): Promise<void> => {
    await this.up;
    const nc = this.link.connection;
    if (!nc) throw new NodeflowError('TARGET_STOPPED', `nats out '${this.ctx.nodeId}' is closed`);
    const out = this.encode(batch.messages);
    if (this.js) return this.publishAcked(this.js, out);
    for (const o of out) nc.publish(o.subject, o.payload);
    await (nc as NatsConnection).flush();
    this.ctx.count('published', out.length);
  };

  private encode(ms: readonly StreamMessage[]): Out[] {
    const out: Out[] = [];
    const c = this.c;
    for (const m of ms) {
      const data = m.data as Record<string, unknown> | null;
      const subject = c.subject ?? data?.[c.subjectField!];
      if (!isPublishSubject(subject)) {
        this.skip('INVALID_SUBJECT', `field '${c.subjectField}' is not a publish subject: ${JSON.stringify(subject)}`);
        continue;
      }
      let payload: string | Uint8Array;
      try {
        payload = encodePayload(m.data, c.format);
      } catch (error) {
        this.skip('UNENCODABLE_PAYLOAD', (error as Error).message);
        continue;
      }
      const id = c.msgIdField === undefined ? undefined : data?.[c.msgIdField];
      out.push({ subject, payload, msgID: id === undefined || id === null ? `${this.nonce}-${m.sourceNodeId}-${m.id}` : String(id) });
    }
    return out;
  }

  // A message that can never be published is counted and reported, not retried.
  private skip(code: string, message: string): void {
    this.ctx.count('skipped');
    this.ctx.report({ kind: 'error', code, message });
  }

  private publishAcked(js: JetStreamClient, out: readonly Out[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let inFlight = 0;
      let failed: Error | undefined;
      let duplicates = 0;
      let stored = 0;
      const pump = (): void => {
        while (failed === undefined && inFlight < this.c.maxInFlight && next < out.length) {
          const o = out[next++]!;
          inFlight++;
          js.publish(o.subject, o.payload, { msgID: o.msgID }).then(
            (ack) => void (ack.duplicate ? duplicates++ : stored++),
            (error: Error) => void (failed ??= error),
          ).finally(settle);
        }
      };
      const settle = (): void => {
        inFlight--;
        if (inFlight > 0 || (failed === undefined && next < out.length)) return pump();
        if (stored > 0) this.ctx.count('published', stored);
        if (duplicates > 0) this.ctx.count('duplicates', duplicates);
        if (failed) reject(new NodeflowError('CONNECTION_FAILED', `JetStream publish refused: ${failed.message}`, { cause: failed }));
        else resolve();
      };
      if (out.length === 0) return resolve();
      pump();
    });
  }
}

/**
 * `nats out`: publishes each message's data (encoded as `format`) on a fixed `subject` or the
 * subject in field `subjectField`: core NATS (at-most-once; the batch settles once the server
 * read it) or JetStream (at-least-once; the batch settles once every message is stored, with
 * message ids so a retry is deduplicated). See docs/io-nats.md.
 *
 * @example
 * ```ts
 * { id: 'publish', type: 'nats out', config: { servers: 'nats://127.0.0.1:4222', subject: 'readings', mode: 'jetstream' } }
 * ```
 */
export const natsOutType: NodeTypeDefinition = {
  type: 'nats out',
  description: 'Publishes messages to a NATS subject: core (flushed per batch) or JetStream (each PubAck awaited, pipelined, deduplicated by message id).',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: checkNatsOut,
  create(ctx) {
    const p = new NatsPublisher(ctx, natsOutConfig(ctx.config));
    return { start: p.start, stop: p.stop, process: p.process };
  },
};
