import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { jetStreamCarriers } from '../../../src/transport/jetstream/carriers.js';
import { ensureRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import { natsServer } from '../../support/nats-server.js';
import { driveConsumer, driveProducer, raw, until } from './helpers.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

// SIGKILL: the server comes back with the consumer's state as last saved and hands out again, as
// new (not flagged redelivered), frames already settled: the consumer end acks them, the inlet
// drops them.
describe.each(['SIGTERM', 'SIGKILL'] as const)('JetStream carriers across a nats-server restart (%s)', (signal) => {
  it(`${signal} and restart mid-stream: every frame arrives, in order, stored once (retried publishes de-duplicated by msg id)`, async () => {
    const N = 600;
    const run = `rs${signal.toLowerCase()}`;
    const setup = await raw(nats.url);
    await ensureRunStreams(setup, { run, edges: [{ edge: 'e', maxFrames: 8, ackWaitMs: 1000 }] });
    await setup.close();
    const c = jetStreamCarriers({ servers: [nats.url], run, edge: 'e', maxFrames: 8, publishTimeoutMs: 1000, settlePollMs: 200 });
    const consumer = driveConsumer(c.consumer(), 8);
    await consumer.open();
    const producer = driveProducer(c.producer(), N, 8, 20);
    await producer.start();
    await until(() => producer.state.upTo >= N / 3, 'a third settled');
    await nats.server.stop(signal);
    await until(() => producer.state.links.includes('down'), 'the producer end to report the link down');
    await nats.server.start();
    await until(() => producer.state.upTo === N, `all ${N} frames settled`, 40_000);
    expect(consumer.state.delivered).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(producer.state.links).toEqual(['up', 'down', 'up']);
    const check = await raw(nats.url);
    const info = await (await jetstreamManager(check)).streams.info(`nodeflow_${run}`);
    // Each frame stored once, though some were published twice. A server killed hard may come
    // back with a last sequence below the removed (settled) messages it had stored, so then only
    // an upper bound holds.
    if (signal === 'SIGTERM') expect(info.state.last_seq).toBe(N);
    else expect(info.state.last_seq).toBeLessThanOrEqual(N);
    expect(info.state.messages).toBe(0);
    await check.close();
    console.log(`restart (${signal}): ${producer.carrier.retries} publishes retried, ${consumer.state.redelivered} frames redelivered, ${consumer.state.duplicates} dropped as duplicates`);
    await Promise.all([producer.carrier.close(), consumer.carrier.close()]);
  });
});
