import type { NodeContext, NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { InvalidPayloads } from '../faults.js';
import { Ingress } from '../ingress.js';
import { decodePayload } from '../payload.js';
import { checkNatsIn, natsInConfig, type NatsInConfig } from './nats-config.js';
import { NatsLink } from './nats-connection.js';
import { JetStreamPull } from './nats-in-jetstream.js';

/**
 * A core NATS subscription into the flow. Core NATS has no flow control: while the engine is
 * backpressured the Ingress holds up to `holdLimit` messages and counts the rest as `overflow`
 * (lost), and a subscriber slower than the publishers is cut off by the server, which drops
 * what it had queued for it. The client buffers nothing itself: the subscription has a
 * callback, so each message goes to the Ingress as the socket delivers it.
 */
function coreSubscriber(ctx: NodeContext, c: NatsInConfig) {
  const invalid = new InvalidPayloads(ctx, c.onInvalid);
  const ingress = new Ingress(ctx, { holdLimit: c.holdLimit });
  const link = new NatsLink(ctx, c.servers, (nc) => {
    nc.subscribe(c.subject, {
      ...(c.queue === undefined ? {} : { queue: c.queue }),
      callback: (err, msg) => {
        if (err) return ctx.report({ kind: 'error', code: 'NATS_ERROR', message: err.message });
        const d = decodePayload(msg.data, c.format, c.maxPayloadBytes);
        if (!d.ok) return invalid.handle(d.code, d.message, msg.subject, msg.data);
        ingress.offer(d.data);
      },
    });
  });
  return {
    start: () => link.open(),
    stop: () => {
      ingress.close();
      void link.close();
    },
  };
}

/**
 * `nats in`: messages on a NATS subject (wildcards `*` and `>`) into the flow, from a core
 * subscription (`mode: 'core'`, the default: at-most-once, lost when the engine or the client
 * cannot keep up) or a JetStream durable pull consumer (`mode: 'jetstream'`: at-least-once,
 * pulled only while the flow takes them, acknowledged once the engine took them). Payloads are
 * decoded as `format`; malformed or oversized ones are counted, reported, and with
 * `onInvalid: 'error'` emitted on the `error` port. See docs/io-nats.md.
 *
 * @example
 * ```ts
 * await wf.executeWorkflow({
 *   nodes: [
 *     { id: 'orders', type: 'nats in', config: { servers: 'nats://127.0.0.1:4222', subject: 'orders.>', mode: 'jetstream', stream: 'ORDERS', durable: 'flow' } },
 *     { id: 'view', type: 'sink.widget' },
 *   ],
 *   edges: [{ source: 'orders', sourcePort: 'out', target: 'view', targetPort: 'in' }],
 * });
 * ```
 */
export const natsInType: NodeTypeDefinition = {
  type: 'nats in',
  description: "Messages on a NATS subject: core (at-most-once, no flow control) or a JetStream durable pull consumer (at-least-once, pulled only while the flow takes them).",
  kind: 'source',
  outputs: { out: { type: 'any' }, error: { type: 'any', description: 'InvalidPayload dead letters (onInvalid: error)' } },
  validateConfig: checkNatsIn,
  create(ctx) {
    const c = natsInConfig(ctx.config);
    return c.mode === 'jetstream' ? new JetStreamPull(ctx, c) : coreSubscriber(ctx, c);
  },
};
