import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../src/index.js';
import { freePort } from '../../support/child-server.js';
import { mosquitto, type Mosquitto } from '../../support/mosquitto.js';
import { ioWorkflow, listen, until, valuesSource } from './helpers.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await mosquitto({ acl: 'topic readwrite out/#\ntopic read #' });
  await broker.start();
});
afterAll(() => broker?.dispose());

const pipe = (config: Record<string, unknown>, edge: Record<string, unknown> = {}) => ({
  nodes: [{ id: 'src', type: 'test.values' }, { id: 'out', type: 'mqtt out', config }],
  edges: [{ source: 'src', sourcePort: 'out', target: 'out', targetPort: 'in', config: edge }],
});

describe('mqtt out against mosquitto', () => {
  it('publishes every message at QoS 1 to a fixed topic, retained, and the run ends once the broker acknowledged them', async () => {
    const sub = await listen(broker.url, 'out/fixed');
    const { wf, states } = ioWorkflow();
    valuesSource(wf, Array.from({ length: 50 }, (_, i) => ({ n: i })));
    const run = await wf.executeWorkflow(pipe({ url: broker.url, topic: 'out/fixed', retain: true, maxInFlight: 4 }, { maxBatchSize: 10 }));
    await run.done;
    expect(run.status().nodes.out!.io?.counters).toEqual({ published: 50 });
    expect(states('out')).toEqual(['connecting', 'connected', 'closed']);
    await until(() => sub.got.length === 50, '50 at the subscriber');
    expect(sub.got.map(([, text]) => JSON.parse(text))).toEqual(Array.from({ length: 50 }, (_, i) => ({ n: i })));
    const late = await listen(broker.url, 'out/fixed');
    await until(() => late.got.length === 1, 'the retained message');
    expect(late.got[0]).toEqual(['out/fixed', '{"n":49}', true]);
    await late.client.publishAsync('out/fixed', '', { retain: true, qos: 1 });
    await Promise.all([sub.client.endAsync(), late.client.endAsync()]);
  });

  it('takes the topic and payload from fields of the data; a message without a topic is counted and reported, not published', async () => {
    const sub = await listen(broker.url, 'out/routed/#');
    const { wf, events } = ioWorkflow();
    valuesSource(wf, [{ topic: 'out/routed/a', payload: 1 }, { payload: 2 }, { topic: 'out/routed/b', payload: 'x' }]);
    const run = await wf.executeWorkflow(pipe({ url: broker.url, topicField: 'topic', payloadField: 'payload', qos: 0 }));
    await run.done;
    await until(() => sub.got.length === 2, 'two messages');
    expect(sub.got).toEqual([['out/routed/a', '1', false], ['out/routed/b', '"x"', false]]);
    expect(run.status().nodes.out!.io?.counters).toEqual({ published: 2, invalid: 1 });
    expect(events.some((e) => e.type === 'io.error' && e.code === 'INVALID_MESSAGE')).toBe(true);
    await sub.client.endAsync();
  });

  it('a publish the broker refuses (not authorized) rejects the batch: retried, then dead-lettered', async () => {
    const { wf, events } = ioWorkflow();
    const dead: DeadLetter[] = [];
    wf.getStreamEngine().deadLetters$.subscribe((d) => dead.push(d));
    valuesSource(wf, [1], false); // the run keeps going, so the retry runs to its end
    const run = await wf.executeWorkflow(pipe({ url: broker.url, topic: 'denied/x' }, { retryAttempts: 1, retryDelay: 10 }));
    await until(() => dead.length === 1, 'a dead letter');
    expect(dead[0]).toMatchObject({ attempts: 2 });
    expect(String(dead[0]!.error)).toMatch(/Not authorized/);
    await new Promise((r) => setTimeout(r, 300)); // counters reach the status at most every 250 ms
    expect(run.status().nodes.out!.io?.counters).toEqual({ failed: 2 });
    expect(events.filter((e) => e.type === 'io.error' && e.code === 'PUBLISH_FAILED')).toHaveLength(2);
    await run.stop();
  });

  it('broker down at start: the batch waits (the connection holds it) and is published once the broker is up', async () => {
    const port = await freePort();
    const { wf, states } = ioWorkflow();
    valuesSource(wf, [1, 2, 3]);
    const run = await wf.executeWorkflow(pipe({ url: `mqtt://127.0.0.1:${port}`, topic: 'late', reconnectPeriod: 100 }));
    await until(() => states('out').includes('reconnecting'), 'reconnecting');
    const late = await mosquitto({ port });
    try {
      await late.start();
      const sub = await listen(late.url, 'late');
      await run.done;
      await until(() => sub.got.length === 3, 'three messages');
      expect(sub.got.map(([, t]) => t)).toEqual(['1', '2', '3']);
      await sub.client.endAsync();
    } finally {
      await late.dispose();
    }
  });
});
