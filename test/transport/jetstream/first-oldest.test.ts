import { describe, expect, it } from 'vitest';
import { jetStreamCarriers } from '../../../src/transport/jetstream/carriers.js';
import { ensureRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import type { DeliveredFrame } from '../../../src/transport/carrier.js';
import { messages, until, useNatsServer } from './helpers.js';

const f = useNatsServer();

const carriers = async (run: string) => {
  await ensureRunStreams(f.nc, { run, edges: [{ edge: 'e', maxFrames: 4, ackWaitMs: 1000 }] });
  return jetStreamCarriers({ servers: [f.nats.url], run, edge: 'e', maxFrames: 4, settlePollMs: 200 });
};
const events = { settled: () => undefined, deadLettered: () => undefined, link: () => undefined };

describe('JetStream carriers: Frame.first and oldest()', () => {
  it('oldest() tells the lowest frame seq the server still holds for the edge, as it changes', async () => {
    const c = await carriers('old');
    const consumer = c.consumer();
    const got: DeliveredFrame[] = [];
    expect(await consumer.open({ frame: (f) => got.push(f), link: () => undefined })).toBeUndefined();
    expect(await consumer.oldest()).toBeUndefined();
    const producer = c.producer();
    let upTo = 0;
    await producer.open({ ...events, settled: (n) => (upTo = n) });
    for (let seq = 1; seq <= 3; seq++) producer.send({ seq, messages: messages(seq, 2) });
    let oldest: number | undefined;
    await until(() => (void consumer.oldest().then((o) => (oldest = o)), oldest === 1), 'frames 1..3 stored');
    consumer.request(1);
    await until(() => got.length === 1, 'frame 1');
    expect(await consumer.oldest()).toBe(1); // in hand, not acknowledged: still held
    consumer.settle(1);
    await until(() => upTo === 1, 'frame 1 settled');
    expect(await consumer.oldest()).toBe(2);
    consumer.request(2);
    await until(() => got.length === 3, 'frames 2 and 3');
    consumer.settle(2);
    consumer.settle(3);
    await until(() => upTo === 3, 'all settled');
    expect(await consumer.oldest()).toBeUndefined();
    await Promise.all([producer.close(), consumer.close()]);
  });

  it('a first frame may start past seq 1 and arrives marked first; later frames do not, and a jump without first is refused', async () => {
    const c = await carriers('first');
    const consumer = c.consumer();
    const got: DeliveredFrame[] = [];
    await consumer.open({ frame: (f) => got.push(f), link: () => undefined });
    consumer.request(4);
    const producer = c.producer();
    await producer.open(events);
    expect(() => producer.send({ seq: 5, messages: messages(5, 1) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    producer.send({ seq: 7, messages: messages(7, 2), first: true });
    producer.send({ seq: 8, messages: messages(8, 2) });
    expect(() => producer.send({ seq: 10, messages: messages(10, 1), first: true })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' })); // frames outstanding: no jump
    await until(() => got.length === 2, 'both frames');
    expect(got.map((f) => [f.seq, f.first, f.messages.length])).toEqual([[7, true, 2], [8, false, 2]]);
    expect(await consumer.oldest()).toBe(7);
    await Promise.all([producer.close(), consumer.close()]);
  });
});
