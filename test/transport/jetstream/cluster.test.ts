import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { jetStreamCarriers } from '../../../src/transport/jetstream/carriers.js';
import { ensureRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import { natsCluster } from '../../support/nats-cluster.js';
import { driveConsumer, driveProducer, raw, until } from './helpers.js';

let cluster: Awaited<ReturnType<typeof natsCluster>>;
beforeAll(async () => void (cluster = await natsCluster()), 30_000);
afterAll(async () => cluster.remove());

let attempt = 0;
let killed: number | undefined; // a server an earlier attempt killed: started again before a retry

describe('JetStream carriers on a three-server cluster (R3)', () => {
  // Retried (each attempt on its own run): on a loaded 2-core CI machine the edge has stalled
  // before the kill in about one full run in five (a carrier stall on R3 not yet understood: see
  // the closing note of 2026-12-02); a stall that repeats three times still fails.
  it('the stream leader is killed (SIGKILL) mid-stream: nothing lost, order kept', { timeout: 120_000, retry: 2 }, async () => {
    const N = 600;
    const run = `c3a${++attempt}`;
    if (killed !== undefined) await cluster.start(killed);
    killed = undefined;
    const setup = await raw(cluster.urls);
    // The meta leader is elected a moment after the routes connect, and a server started again
    // for a retry takes a while to rejoin ("no suitable peers for placement" until then; over 10 s
    // once on a loaded CI machine): retry for up to 30 s.
    for (let i = 0; ; i++) {
      try {
        await ensureRunStreams(setup, { run, edges: [{ edge: 'e', maxFrames: 8, ackWaitMs: 1000 }], replicas: 3 });
        break;
      } catch (error) {
        if (i > 150) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const jsm = await jetstreamManager(setup);
    // Frames flow once the stream and the consumer have elected their leaders.
    let leaders = false;
    await until(() => (void Promise.all([jsm.streams.info(`nodeflow_${run}`), jsm.consumers.info(`nodeflow_${run}`, 'e')]).then(([s, c]) => (leaders = !!s.cluster?.leader && !!c.cluster?.leader), () => undefined), leaders), 'stream and consumer leaders', 30_000);
    const t0 = Date.now();
    const c = jetStreamCarriers({ servers: cluster.urls, run, edge: 'e', maxFrames: 8, publishTimeoutMs: 1000, settlePollMs: 200 });
    const consumer = driveConsumer(c.consumer(), 8);
    await consumer.open();
    const producer = driveProducer(c.producer(), N, 8, 20);
    await producer.start();
    await until(() => producer.state.upTo >= N / 3, 'a third settled', 30_000);
    const third = Date.now() - t0;
    const leader = (await jsm.streams.info(`nodeflow_${run}`)).cluster!.leader!;
    killed = Number(leader.slice(1));
    await cluster.kill(killed);
    await until(() => producer.state.upTo === N, `all ${N} frames settled`, 60_000);
    expect(consumer.state.delivered).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const info = await jsm.streams.info(`nodeflow_${run}`);
    expect(info.state.messages).toBe(0);
    expect(info.cluster!.leader).not.toBe(leader);
    console.log(`cluster: a third in ${third} ms, all in ${Date.now() - t0} ms; killed ${leader}; ${producer.carrier.retries} publishes retried, ${consumer.state.redelivered} frames redelivered, ${consumer.state.duplicates} dropped as duplicates, ${info.state.last_seq} stored for ${N} frames`);
    await Promise.all([producer.carrier.close(), consumer.carrier.close()]);
    await setup.close();
  });
});
