import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Mosquitto } from '../../support/mosquitto.js';
import { BROKER_START_MS, brokerAndClient, holdSink, ioWorkflow, until } from './helpers.js';

let broker: Mosquitto;
let pub: MqttClient;
beforeAll(async () => void ({ broker, pub } = await brokerAndClient({ maxInflight: 20, maxQueued: 0 })), BROKER_START_MS);
afterAll(async () => {
  await pub?.endAsync();
  await broker?.dispose();
});

const N = 2000;

describe('mqtt in: backpressure reaches the broker', () => {
  for (const qos of [1, 0] as const) {
    it(`QoS ${qos}: while the sink holds, the node stops reading (the broker keeps the rest); once it flows, all ${N} arrive in order, none refused`, async () => {
      const { wf } = ioWorkflow();
      const sink = holdSink(wf);
      const topic = `bp/${qos}`;
      const run = await wf.executeWorkflow({
        nodes: [{ id: 'in', type: 'mqtt in', config: { url: broker.url, topic, qos } }, { id: 'sink', type: 'test.hold' }],
        edges: [{ source: 'in', sourcePort: 'out', target: 'sink', targetPort: 'in', config: { bufferSize: 20, maxBatchSize: 5 } }],
      });
      await until(() => run.status().nodes.in!.io?.state === 'connected', 'connected');
      await Promise.all(Array.from({ length: N }, (_, i) => pub.publishAsync(topic, JSON.stringify(i), { qos: 1 })));
      await new Promise((r) => setTimeout(r, 500));
      const counters = run.status().nodes.in!.io!.counters;
      // The connection's 20 slots, plus the one message past the watermark whose callback waits.
      expect(counters.received).toBeLessThanOrEqual(21);
      expect(counters.pauses).toBe(1);
      expect(counters.overflow).toBeUndefined();
      sink.flow();
      await until(() => sink.values.length >= N, `all ${N} (have ${sink.values.length})`);
      expect(sink.values).toEqual(Array.from({ length: N }, (_, i) => i));
      await new Promise((r) => setTimeout(r, 300));
      expect(run.status().nodes.in!.io!.counters).toMatchObject({ received: N });
      expect(run.status().nodes.in!.io!.counters.overflow).toBeUndefined();
      await run.stop();
    });
  }
});
