import type { MqttClient } from 'mqtt';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import type { StreamMessage } from '../../message.js';
import { encodePayload, type PayloadFormat } from '../payload.js';
import { MqttLink } from './mqtt-client.js';
import { validateMqttOut } from './mqtt-config.js';
import { Window } from './window.js';

/**
 * `mqtt out`: publishes each message's data (or one field of it) to a fixed `topic` or to the
 * topic named by a field of the data. A batch settles once the broker acknowledged every QoS 1
 * publish in it (at QoS 0: once written), with at most `maxInFlight` publishes unacknowledged,
 * so a slow broker backpressures the connection feeding this node. A publish the broker
 * refuses rejects the batch: the connection retries it, then dead-letters it.
 *
 * @example
 * ```ts
 * { id: 'out', type: 'mqtt out', config: { url: 'mqtt://127.0.0.1:1883', topicField: 'topic', payloadField: 'payload' } }
 * ```
 */
export const mqttOutType: NodeTypeDefinition = {
  type: 'mqtt out',
  description: 'Publishes messages to MQTT (QoS 0/1, retain); a batch settles when the broker acknowledged it.',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: validateMqttOut,
  create(ctx) {
    const c = ctx.config;
    const qos = (c.qos as 0 | 1 | undefined) ?? 1;
    const retain = c.retain === true;
    const format = (c.format as PayloadFormat | undefined) ?? 'json';
    const topicField = c.topicField as string | undefined;
    const payloadField = c.payloadField as string | undefined;
    const window = new Window((c.maxInFlight as number | undefined) ?? 100);
    const link = new MqttLink(ctx, { clean: true });
    let client: MqttClient | undefined;
    let opening: Promise<MqttClient | undefined> | undefined;

    const field = (m: StreamMessage, name: string) => (m.data as Record<string, unknown> | null | undefined)?.[name];
    // A message that cannot become a publish is bad input, not a broker fault: counted and reported, never retried.
    const encode = (m: StreamMessage): { topic: string; body: string | Uint8Array } | undefined => {
      const topic = topicField === undefined ? (c.topic as string) : field(m, topicField);
      try {
        if (typeof topic !== 'string' || topic.length === 0 || /[#+]/.test(topic)) throw new Error(`field '${topicField}' is not a topic name`);
        return { topic, body: encodePayload(payloadField === undefined ? m.data : field(m, payloadField), format) };
      } catch (e) {
        ctx.count('invalid');
        ctx.report({ kind: 'error', code: 'INVALID_MESSAGE', message: (e as Error).message });
        return undefined;
      }
    };

    const publish = (cl: MqttClient, p: { topic: string; body: string | Uint8Array }) =>
      window.run(
        () =>
          new Promise<void>((resolve, reject) =>
            cl.publish(p.topic, p.body as string | Buffer, { qos, retain }, (err) => {
              if (err) {
                // Refused (a v5 PUBACK reason code, e.g. not authorized) or failed: the batch rejects and is retried.
                ctx.count('failed');
                ctx.report({ kind: 'error', code: 'PUBLISH_FAILED', message: `${p.topic}: ${err.message}` });
                return reject(err);
              }
              ctx.count('published');
              resolve();
            }),
          ),
      );

    return {
      start() {
        opening = link.open((cl) => (client = cl));
        opening.catch((e: unknown) => ctx.fail(e));
      },
      async process(batch) {
        const cl = client ?? (await opening);
        if (!cl) throw new Error('mqtt out is not started, or stopped');
        const pending: Promise<void>[] = [];
        for (const m of batch.messages) {
          const p = encode(m);
          if (p) pending.push(publish(cl, p));
        }
        await Promise.all(pending);
      },
      stop() {
        window.close();
        link.close();
      },
    };
  },
};
