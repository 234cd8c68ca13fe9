import mqtt, { type MqttClient } from 'mqtt';
import { WorkflowEngine, type EngineEvent } from '../../../src/index.js';
import { registerIoNodeTypes } from '../../../src/io/index.js';
import { mosquitto, type Mosquitto, type MosquittoOptions } from '../../support/mosquitto.js';

/** Waits until `cond()` holds, checking every 20 ms; throws with `what` after `ms`. */
export { until } from '../../support/until.js';

/** A raw mqtt.js client, connected. */
export async function rawClient(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 200, ...options });
}

/**
 * How long a file's `beforeAll` may take to start its broker and client: well under a second
 * normally, 30 s on a machine loaded by the parallel overload tests (one such start timed out at
 * vitest's default 10 s).
 */
export const BROKER_START_MS = 30_000;

/** A broker of the test file's own, started, and a raw client connected to it. */
export async function brokerAndClient(options?: MosquittoOptions): Promise<{ broker: Mosquitto; pub: MqttClient }> {
  const broker = await mosquitto(options);
  await broker.start();
  return { broker, pub: await rawClient(broker.url) };
}

/** A WorkflowEngine on real time with the I/O node types, and its engine events. */
export function ioWorkflow() {
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  const events: EngineEvent[] = [];
  wf.getStreamEngine().events$.subscribe((e) => events.push(e));
  const states = (node: string) => events.flatMap((e) => (e.type === 'io.state' && e.nodeId === node ? [e.state] : []));
  return { wf, events, states };
}

/**
 * Registers `test.hold`: a sink that records every value and keeps each batch's promise open
 * until `release()` (or lets them through at once after `flow()`).
 */
export function holdSink(wf: { registerNodeType: WorkflowEngine['registerNodeType'] }) {
  const values: unknown[] = [];
  const held: Array<() => void> = [];
  let flowing = false;
  wf.registerNodeType({
    type: 'test.hold',
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process: (b) => {
        for (const m of b.messages) values.push(m.data);
        return flowing ? undefined : new Promise<void>((r) => held.push(r));
      },
    }),
  });
  return {
    values,
    flow() {
      flowing = true;
      for (const r of held.splice(0)) r();
    },
  };
}

/** Registers `test.values`: a source that emits `values` (then completes, unless `end` is false) once started. */
export function valuesSource(wf: { registerNodeType: WorkflowEngine['registerNodeType'] }, values: readonly unknown[], end = true) {
  wf.registerNodeType({
    type: 'test.values',
    kind: 'source',
    outputs: { out: {} },
    create: (ctx) => ({
      start() {
        const out = ctx.output('out');
        for (const v of values) out(v);
        if (end) ctx.complete();
      },
    }),
  });
}

/** Subscribes a raw client to `filter` and keeps `[topic, text, retain]` of each message. */
export async function listen(url: string, filter: string) {
  const client = await rawClient(url);
  const got: Array<[string, string, boolean]> = [];
  client.on('message', (topic, payload, packet) => got.push([topic, payload.toString(), packet.retain]));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, got };
}
