import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Mosquitto } from '../../support/mosquitto.js';
import { BROKER_START_MS, brokerAndClient, ioWorkflow, until } from './helpers.js';

let broker: Mosquitto;
let pub: MqttClient;
beforeAll(async () => void ({ broker, pub } = await brokerAndClient()), BROKER_START_MS);
afterAll(async () => {
  await pub?.endAsync();
  await broker?.dispose();
});

const collect = (config: Record<string, unknown>, extra: { bufferSize?: number } = {}) => {
  const { wf, events, states } = ioWorkflow();
  const nodes = [
    { id: 'in', type: 'mqtt in', config },
    { id: 'sink', type: 'sink.collector', config: { limit: 100_000 } },
    { id: 'dead', type: 'sink.collector' },
  ];
  const edges = [
    { source: 'in', sourcePort: 'out', target: 'sink', targetPort: 'in', config: { bufferSize: extra.bufferSize ?? 1000 } },
    ...(config.onInvalid === 'error' ? [{ source: 'in', sourcePort: 'error', target: 'dead', targetPort: 'in' }] : []),
  ];
  return { wf, events, states, definition: { nodes, edges } };
};

describe('mqtt in against mosquitto', () => {
  it('delivers QoS 0 and 1 payloads on wildcard filters, retained ones with their flag, reports its link state, and stops cleanly', async () => {
    await pub.publishAsync('retained/a', JSON.stringify({ kept: true }), { qos: 1, retain: true });
    const t = collect({ url: broker.url, topic: ['w/+/temp', 'deep/#', 'retained/a'], output: 'message', clientId: 'in-flow' });
    const run = await t.wf.executeWorkflow(t.definition);
    await until(() => run.collected('sink').length === 1, 'the retained message');
    for (const [topic, qos] of [['w/k1/temp', 0], ['w/k2/temp', 1], ['deep/x/y', 1], ['w/k3/hum', 1]] as const) await pub.publishAsync(topic, JSON.stringify({ topic, qos }), { qos });
    await until(() => run.collected('sink').length === 4, 'three live messages');
    expect(run.collected('sink')).toEqual([
      { topic: 'retained/a', payload: { kept: true }, retain: true, qos: 1 },
      { topic: 'w/k1/temp', payload: { topic: 'w/k1/temp', qos: 0 }, retain: false, qos: 0 },
      { topic: 'w/k2/temp', payload: { topic: 'w/k2/temp', qos: 1 }, retain: false, qos: 1 },
      { topic: 'deep/x/y', payload: { topic: 'deep/x/y', qos: 1 }, retain: false, qos: 1 },
    ]);
    expect(t.states('in')).toEqual(['connecting', 'connected']);
    await run.stop();
    await run.done;
    expect(t.states('in')).toEqual(['connecting', 'connected', 'closed']);
    // The broker saw a DISCONNECT, not a dropped socket.
    await until(() => broker.server.log.includes('Client in-flow disconnected.'), `the broker to log the disconnect:\n${broker.server.log}`, 3000);
    await pub.publishAsync('retained/a', '', { qos: 1, retain: true });
  });

  it('counts malformed and oversized payloads, reports io.error and routes them to the error port (onInvalid: error)', async () => {
    const t = collect({ url: broker.url, topic: 'bad/#', maxPayloadBytes: 64, onInvalid: 'error', qos: 1 });
    const run = await t.wf.executeWorkflow(t.definition);
    await until(() => t.states('in').includes('connected'), 'connected');
    await pub.publishAsync('bad/1', '{"ok":1}', { qos: 1 });
    await pub.publishAsync('bad/2', '{"ok":', { qos: 1 });
    await pub.publishAsync('bad/3', JSON.stringify({ big: 'x'.repeat(100) }), { qos: 1 });
    await pub.publishAsync('bad/4', '{"ok":2}', { qos: 1 });
    await until(() => run.collected('sink').length === 2 && run.collected('dead').length === 2, 'two good, two dead');
    expect(run.collected('sink')).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(run.collected('dead')).toMatchObject([
      { code: 'MALFORMED_PAYLOAD', source: 'bad/2', sample: '{"ok":' },
      { code: 'OVERSIZED_PAYLOAD', source: 'bad/3', size: 110 },
    ]);
    const errors = t.events.flatMap((e) => (e.type === 'io.error' ? [e.code] : []));
    expect(errors).toEqual(['MALFORMED_PAYLOAD', 'OVERSIZED_PAYLOAD']);
    await new Promise((r) => setTimeout(r, 300)); // counters reach the status at most every 250 ms
    expect(run.status().nodes.in!.io?.counters).toMatchObject({ received: 2, malformed: 1, oversized: 1 });
    await run.stop();
  });
});
