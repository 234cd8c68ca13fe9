import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { WorkflowEngine } from '../../../src/index.js';
import type { Mosquitto } from '../../support/mosquitto.js';
import { BROKER_START_MS, brokerAndClient, ioWorkflow, until } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMB = () => (gc(), process.memoryUsage().heapUsed / 2 ** 20);

let broker: Mosquitto;
let pub: MqttClient;
// maxQueued 0: the broker keeps every QoS 1 message for the session.
beforeAll(async () => void ({ broker, pub } = await brokerAndClient({ maxQueued: 0 })), BROKER_START_MS);
afterAll(async () => {
  await pub?.endAsync();
  await broker?.dispose();
});

const RATE = 2000; // msg/s published: 10x what the slow sink takes
const SECONDS = 30;
const N = RATE * SECONDS;

// A sink that keeps only the sequence numbers it saw, taking `ms` per batch.
function seqSink(wf: WorkflowEngine, type: string, seen: Set<number>, ms: number) {
  wf.registerNodeType({
    type,
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process: (b) => {
        for (const m of b.messages) seen.add(m.data as number);
        return ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : undefined;
      },
    }),
  });
}

const flow = (sink: string) => ({
  nodes: [{ id: 'in', type: 'mqtt in', config: { url: broker.url, topic: 'load', qos: 1, clientId: 'overload-sub', clean: false } }, { id: 'sink', type: sink }],
  edges: [{ source: 'in', sourcePort: 'out', target: 'sink', targetPort: 'in', config: { bufferSize: 100, maxBatchSize: 2 } }],
});

describe('mqtt in under 10x overload', () => {
  it(`QoS 1 at ${RATE} msg/s for ${SECONDS} s into a 200 msg/s sink: heap growth <= 20 MB, nothing refused, every message arrives (the broker held the rest)`, async () => {
    const seen = new Set<number>();
    const slow = ioWorkflow();
    seqSink(slow.wf, 'test.slow', seen, 10);
    const run = await slow.wf.executeWorkflow(flow('test.slow'));
    await until(() => run.status().nodes.in!.io?.state === 'connected', 'connected');
    const base = heapMB();
    let peak = 0;
    let acked = 0; // counted, not kept: 60k pending promises would be the test's own heap growth
    let failed = 0;
    const ack = (err?: Error) => (err ? failed++ : acked++);
    const t0 = Date.now();
    for (let sent = 0, tick = 0; sent < N; tick++) {
      // Paced against the wall clock, 20 per 10 ms tick.
      const due = Math.min(N, Math.floor(((Date.now() - t0) / 1000) * RATE) + 20);
      for (; sent < due; sent++) pub.publish('load', String(sent), { qos: 1 }, ack);
      await new Promise((r) => setTimeout(r, 10));
      if (tick % 100 === 0) peak = Math.max(peak, heapMB() - base);
    }
    await until(() => acked + failed === N, 'the broker to acknowledge every publish');
    expect(failed).toBe(0);
    peak = Math.max(peak, heapMB() - base);
    const slowSeen = seen.size;
    const c1 = run.status().nodes.in!.io!.counters;
    await run.stop();
    await run.done;
    expect(peak).toBeLessThanOrEqual(20);
    expect(slowSeen).toBeLessThan(N / 4); // the sink was the bottleneck
    expect(c1.overflow).toBeUndefined(); // the Ingress refused nothing: the broker held the backlog
    // The same persistent session, now with a fast sink: the broker hands over the rest.
    const fast = ioWorkflow();
    seqSink(fast.wf, 'test.fast', seen, 0);
    const run2 = await fast.wf.executeWorkflow(flow('test.fast'));
    await until(() => seen.size === N, `all ${N} sequence numbers (have ${seen.size})`, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(run2.status().nodes.in!.io!.counters.overflow).toBeUndefined();
    await run2.stop();
    console.log(`overload: heap growth ${peak.toFixed(1)} MB, slow phase took ${slowSeen}, drained ${N - slowSeen} after`);
  }, 90_000);
});
