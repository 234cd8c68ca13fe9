import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { freePort } from '../../support/child-server.js';
import { mosquitto, type Mosquitto } from '../../support/mosquitto.js';
import { ioWorkflow, rawClient, until } from './helpers.js';

let broker: Mosquitto | undefined;
let pub: MqttClient | undefined;
afterEach(async () => {
  await pub?.endAsync(true);
  await broker?.dispose();
  pub = broker = undefined;
});

const flow = (url: string, topic: string) => ({
  nodes: [{ id: 'in', type: 'mqtt in', config: { url, topic, qos: 1, clientId: 'sub-reconnect', reconnectPeriod: 200 } }, { id: 'sink', type: 'sink.collector', config: { limit: 100_000 } }],
  edges: [{ source: 'in', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
});

describe('mqtt in: broker faults', () => {
  it('broker down at start: reports connecting, then reconnecting while it retries, and delivers once the broker is up', async () => {
    const port = await freePort();
    const { wf, states, events } = ioWorkflow();
    const run = await wf.executeWorkflow(flow(`mqtt://127.0.0.1:${port}`, 'late/#'));
    await until(() => states('in').includes('reconnecting'), 'reconnecting');
    expect(states('in')[0]).toBe('connecting');
    expect(events.some((e) => e.type === 'io.error' && e.code === 'CONNECTION_FAILED' && /ECONNREFUSED/.test(e.message))).toBe(true);
    broker = await mosquitto({ port });
    await broker.start();
    await until(() => states('in').at(-1) === 'connected', 'connected after the broker started');
    expect(broker.server.log).toMatch(/New client connected .* as sub-reconnect/); // what the stop test looks for
    pub = await rawClient(broker.url);
    await pub.publishAsync('late/x', '{"v":1}', { qos: 1 });
    await until(() => run.collected('sink').length === 1, 'the message');
    expect(run.collected('sink')).toEqual([{ v: 1 }]);
    await run.stop();
    await run.done;
  });

  it('stopped while the broker is down: the run ends, and no reconnect attempt follows (its timers are cleared)', async () => {
    const port = await freePort();
    const { wf, states } = ioWorkflow();
    const run = await wf.executeWorkflow(flow(`mqtt://127.0.0.1:${port}`, 'never'));
    await until(() => states('in').includes('reconnecting'), 'reconnecting');
    await run.stop();
    await run.done;
    expect(states('in').at(-1)).toBe('closed');
    broker = await mosquitto({ port });
    await broker.start();
    await new Promise((r) => setTimeout(r, 600)); // three reconnect periods
    expect(broker.server.log).not.toMatch(/New client connected .* as sub-reconnect/);
    expect(states('in').at(-1)).toBe('closed');
  });

  it('broker restart mid-stream (SIGTERM, persistence, same port): every QoS 1 sequence number arrives at least once', async () => {
    broker = await mosquitto({ maxQueued: 0 });
    await broker.start();
    const { wf, states } = ioWorkflow();
    const run = await wf.executeWorkflow(flow(broker.url, 'seq'));
    await until(() => states('in').includes('connected'), 'connected');
    // The publisher re-sends what the broker did not acknowledge, on its own persistent session.
    pub = await rawClient(broker.url, { clientId: 'pub-reconnect', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 600 } });
    const N = 3000;
    let sent = 0;
    const publishing = (async () => {
      const acks: Promise<unknown>[] = [];
      for (; sent < N; sent++) {
        acks.push(pub!.publishAsync('seq', JSON.stringify(sent), { qos: 1 }));
        if (sent % 50 === 49) await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(acks);
    })();
    await until(() => sent >= N / 3, 'a third published');
    await broker.stop();
    await until(() => states('in').at(-1) === 'reconnecting', 'reconnecting');
    await broker.start();
    await publishing;
    const seen = new Set<number>();
    await until(() => {
      for (const v of run.collected('sink')) seen.add(v as number);
      return seen.size === N;
    }, `all ${N} sequence numbers`, 20_000).catch((e: Error) => {
      const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.has(i));
      throw new Error(`${e.message}: ${missing.length} missing (${missing.slice(0, 20).join(',')}...), ${run.collected('sink').length} received\n${broker!.server.log}`);
    });
    expect(states('in').filter((s) => s === 'connected').length).toBeGreaterThanOrEqual(2);
    await run.stop();
    await run.done;
  });
});
