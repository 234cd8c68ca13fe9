import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServer } from '../../support/nats-server.js';
import { edge, ioWorkflow, raw } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

const SECONDS = 30;
const SINK_PER_S = 300; // 10 messages per ~33 ms batch
const PUBLISH_PER_S = 10 * SINK_PER_S;

describe('nats in (jetstream) under 10x overload', () => {
  it(`${SECONDS} s at 10x what the sink takes: heap growth <= 20 MB, nothing lost: received + still in the stream = published`, async () => {
    const setup = await raw(nats.url);
    const jsm = await jetstreamManager(setup);
    await jsm.streams.add({ name: 'O', subjects: ['o.>'] });
    const t = ioWorkflow();
    t.wf.registerNodeType({ type: 'test.slow', kind: 'sink', inputs: { in: {} }, create: () => ({ process: () => new Promise<void>((r) => setTimeout(r, 33)) }) });
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'o.>', mode: 'jetstream', stream: 'O', durable: 'flow' } }, { id: 'slow', type: 'test.slow' }],
      edges: [edge('in', 'slow', { bufferSize: 100, maxBatchSize: 10 })],
    });
    const pub = await raw(nats.url);
    const js = (await jetstreamManager(pub)).jetstream();
    let published = 0;
    let base = 0;
    const start = Date.now();
    // Every 100 ms, a tenth of a second's messages, their PubAcks awaited together.
    while (Date.now() - start < SECONDS * 1000) {
      const tick = Date.now();
      const body = JSON.stringify({ t: tick, pad: 'x'.repeat(64) });
      await Promise.all(Array.from({ length: PUBLISH_PER_S / 10 }, () => js.publish('o.x', body)));
      published += PUBLISH_PER_S / 10;
      if (base === 0 && Date.now() - start > 2000) base = heap();
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))));
    }
    const growth = heap() - base;
    run.stop();
    await run.done;
    await new Promise((r) => setTimeout(r, 500)); // the last acks reach the server
    const c = run.status().nodes.in!.io!.counters!;
    const info = await jsm.consumers.info('O', 'flow');
    console.log(`overload: published ${published}, received ${c.received}, in the stream ${info.num_pending} + unacked ${info.num_ack_pending}, pauses ${c.pauses}, heap +${(growth / 1e6).toFixed(1)} MB`);
    expect((await jsm.streams.info('O')).state.messages).toBe(published);
    expect(c.overflow).toBeUndefined();
    expect(c.received! + info.num_pending + info.num_ack_pending).toBe(published);
    expect(c.received!).toBeLessThan(published / 2); // the sink really was the bottleneck
    expect(growth).toBeLessThanOrEqual(20e6);
    await pub.close();
    await setup.close();
  }, 60_000);
});
