import type { IPublishPacket, MqttClient } from 'mqtt';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { InvalidPayloads, type InvalidPolicy } from '../faults.js';
import { Ingress } from '../ingress.js';
import { decodePayload, type PayloadFormat } from '../payload.js';
import { MqttLink } from './mqtt-client.js';
import { validateMqttIn } from './mqtt-config.js';

/**
 * `mqtt in`: subscribes to topic filters (wildcards `+`, `#`) at QoS 0 or 1 and emits each
 * decoded payload on `out` (or `{ topic, payload, retain, qos }` with `output: 'message'`).
 *
 * Backpressure: mqtt.js handles one packet at a time and waits on `handleMessage`'s callback
 * before the next (and, at QoS 1, before it sends the PUBACK). While the node's output is
 * backpressured that callback waits, so nothing more is read from the socket: the broker's
 * in-flight window to this client fills (receive maximum at QoS 1) and TCP pushes back (QoS 0).
 * A QoS 1 message is acknowledged only once the engine took it.
 *
 * @example
 * ```ts
 * { id: 'in', type: 'mqtt in', config: { url: 'mqtt://127.0.0.1:1883', topic: 'sensors/+/temp', qos: 1 } }
 * ```
 */
export const mqttInType: NodeTypeDefinition = {
  type: 'mqtt in',
  description: 'Subscribes to MQTT topic filters (QoS 0/1) and emits each decoded payload; acknowledges QoS 1 only once the flow took it.',
  kind: 'source',
  outputs: { out: { type: 'any' }, error: { type: 'object', description: 'InvalidPayload (with onInvalid: error)' } },
  validateConfig: validateMqttIn,
  create(ctx) {
    const c = ctx.config;
    const qos = (c.qos as 0 | 1 | undefined) ?? 1;
    const format = (c.format as PayloadFormat | undefined) ?? 'json';
    const maxBytes = (c.maxPayloadBytes as number | undefined) ?? 1 << 20;
    const asMessage = c.output === 'message';
    const topics = typeof c.topic === 'string' ? [c.topic] : (c.topic as string[]);
    const v5 = ((c.protocolVersion as number | undefined) ?? 5) === 5;
    const clean = (c.clean as boolean | undefined) ?? qos === 0;
    // MQTT 5 ends a session at disconnect unless it has an expiry: a persistent one needs one.
    const properties = v5 ? { receiveMaximum: (c.receiveMaximum as number | undefined) ?? 100, ...(clean ? {} : { sessionExpiryInterval: (c.sessionExpiry as number | undefined) ?? 3600 }) } : undefined;
    const link = new MqttLink(ctx, { clean, ...(properties ? { properties } : {}) });
    const invalid = new InvalidPayloads(ctx, (c.onInvalid as InvalidPolicy | undefined) ?? 'drop');

    // The gate: while the Ingress has the outside paused, taken messages' callbacks wait here.
    let gated = false;
    const waiting: Array<() => void> = [];
    const ingress = new Ingress(ctx, {
      pause: () => (gated = true),
      resume: () => {
        gated = false;
        for (const done of waiting.splice(0)) done();
      },
    });

    let current: MqttClient | undefined;
    let stopping = false;
    const handle = (packet: IPublishPacket, done: () => void) => {
      const payload = packet.payload as Uint8Array;
      const d = decodePayload(payload, format, maxBytes);
      if (!d.ok) {
        invalid.handle(d.code, d.message, packet.topic, payload);
        return done(); // dropped or dead-lettered: acknowledged, so the broker does not resend it forever
      }
      const data = asMessage ? { topic: packet.topic, payload: d.data, retain: packet.retain, qos: packet.qos } : d.data;
      const r = ingress.offer(data, { ack: () => (gated ? waiting.push(done) : done()) });
      if (r !== 'overflow') return;
      // Refused (stopping, or the hold full after many reconnects in one stall): QoS 0 moves on.
      // QoS 1 stays unacknowledged so the broker resends it to this session; but mqtt.js reads
      // the next packet only after this callback, so drop the link (it reconnects, and the
      // broker redelivers) instead of leaving it silent until the keepalive notices.
      if (packet.qos === 0) done();
      else if (!stopping) {
        ctx.count('relinks');
        current?.stream.destroy();
      }
    };

    return {
      start() {
        link
          .open((client) => {
            current = client;
            client.handleMessage = handle;
            client.on('connect', (connack) => {
              if (connack.sessionPresent) return; // the broker kept the subscriptions
              client.subscribe(topics, { qos }, (err, granted) => {
                const refused = granted?.filter((g) => g.qos > 2);
                if (err || refused?.length) ctx.report({ kind: 'error', code: 'SUBSCRIBE_FAILED', message: err?.message ?? `broker refused ${refused!.map((g) => g.topic).join(', ')}` });
              });
            });
          })
          .catch((e: unknown) => ctx.fail(e));
      },
      stop() {
        stopping = true;
        ingress.close();
        waiting.length = 0; // never acknowledged: a persistent session gets them again
        link.close();
      },
    };
  },
};
