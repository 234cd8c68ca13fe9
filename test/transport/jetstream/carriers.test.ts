import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { jetStreamCarriers } from '../../../src/transport/jetstream/carriers.js';
import { ensureRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import type { ConsumerCarrier } from '../../../src/transport/carrier.js';
import { driveConsumer, driveProducer, messages, raw, until, useNatsServer } from './helpers.js';

const f = useNatsServer();

const setUp = async (run: string, maxFrames: number, ackWaitMs = 1000) => {
  await ensureRunStreams(f.nc, { run, edges: [{ edge: 'e', maxFrames, ackWaitMs }] });
  return jetStreamCarriers({ servers: [f.nats.url], run, edge: 'e', maxFrames, settlePollMs: 200 });
};

/**
 * Opens a consumer end as an inlet whose target fails all of frame 2 and two messages of frame 3
 * (dead letters), settling the rest; four frames of credit, one more per frame. The seqs seen.
 */
async function failTwoAndThree(end: ConsumerCarrier): Promise<number[]> {
  const got: number[] = [];
  await end.open({
    frame: (f) => {
      got.push(f.seq);
      if (f.seq === 2) end.deadLetter(2, f.messages, 'target failed'); // the whole frame: settles it
      else if (f.seq === 3) {
        end.deadLetter(3, f.messages.slice(0, 2), 'two failed');
        end.settle(3);
      } else end.settle(f.seq);
      end.request(1);
    },
    link: () => undefined,
  });
  end.request(4);
  return got;
}

describe('JetStream carriers on one nats-server', () => {
  it('moves frames in order, each once, and the producer sees them all settled', async () => {
    const c = await setUp('order', 8);
    const consumer = driveConsumer(c.consumer(), 8);
    expect(await consumer.open()).toBeUndefined();
    const producer = driveProducer(c.producer(), 500, 8, 50);
    await producer.start();
    await until(() => producer.state.upTo === 500, 'all 500 frames settled');
    expect(consumer.state.delivered).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(consumer.state.frames[41]!.messages).toEqual(messages(42, 50));
    expect(consumer.state.duplicates).toBe(0);
    expect(consumer.state.maxInHand).toBeLessThanOrEqual(8);
    const jsm = await jetstreamManager(f.nc);
    expect((await jsm.streams.info('nodeflow_order')).state.messages).toBe(0); // WorkQueue: acked frames are gone
    await Promise.all([producer.carrier.close(), consumer.carrier.close()]);
  });

  it('backpressure: a consumer that requests nothing leaves frames outstanding and the server holds at most maxFrames of them', async () => {
    const c = await setUp('stall', 4);
    const consumer = driveConsumer(c.consumer(), 0);
    await consumer.open();
    const producerEnd = c.producer();
    await producerEnd.open({ settled: () => expect.fail('nothing was consumed'), deadLettered: () => undefined, link: () => undefined });
    for (let seq = 1; seq <= 6; seq++) producerEnd.send({ seq, messages: messages(seq, 3) }); // beyond the bound on purpose
    const jsm = await jetstreamManager(f.nc);
    const onSubject = async () => (await jsm.streams.info('nodeflow_stall', { subjects_filter: 'nodeflow.stall.e' })).state.subjects?.['nodeflow.stall.e'] ?? 0;
    const retries = () => producerEnd.retries;
    // Frames 5 and 6 are refused (per-subject bound, discard new) and retried: let that happen twice.
    await until(() => retries() >= 4, 'the refused frames retried twice');
    expect(await onSubject()).toBe(4);
    expect(consumer.state.delivered).toEqual([]);
    await producerEnd.close();
    await consumer.carrier.close();
  });

  it('settles from the ack floor alone when every hint is lost', async () => {
    const c = await setUp('nohints', 4);
    const deaf = jetStreamCarriers({ servers: [f.nats.url], run: 'nohints', edge: 'e', maxFrames: 4, hintSubject: 'nowhere' });
    const consumer = driveConsumer(deaf.consumer(), 4);
    await consumer.open();
    const producer = driveProducer(c.producer(), 40, 4);
    await producer.start();
    await until(() => producer.state.upTo === 40, 'all 40 frames settled by polling');
    expect(consumer.state.delivered).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await Promise.all([producer.carrier.close(), consumer.carrier.close()]);
  });

  it.each([
    ['hints', undefined],
    ['the ack floor (hints lost)', 'nowhere'],
  ])('dead letters are stored in the DL stream, the frame is terminated, and the producer learns each count before the settlement, via %s', async (_, hintSubject) => {
    const run = hintSubject ? 'dlpoll' : 'dlhint';
    const c = await setUp(run, 4);
    const end = jetStreamCarriers({ servers: [f.nats.url], run, edge: 'e', maxFrames: 4, ...(hintSubject ? { hintSubject } : {}) }).consumer();
    const got = await failTwoAndThree(end);
    const producer = driveProducer(c.producer(), 5, 4);
    await producer.start();
    await until(() => producer.state.upTo === 5, 'all settled');
    expect([...producer.state.dead]).toEqual([[2, 5], [3, 2]]);
    const jsm = await jetstreamManager(f.nc);
    const dl = await jsm.streams.info(`nodeflow_dl_${run}`);
    expect(dl.state.messages).toBe(2);
    const first = await jsm.streams.getMessage(`nodeflow_dl_${run}`, { seq: dl.state.first_seq });
    expect([first!.subject, first!.header.get('Nodeflow-Seq'), first!.header.get('Nodeflow-Count'), first!.header.get('Nodeflow-Reason')]).toEqual([`nodeflow.dl.${run}.e`, '2', '5', 'target failed']);
    expect(first!.json<unknown[]>()).toHaveLength(5);
    expect((await jsm.streams.info(`nodeflow_${run}`)).state.messages).toBe(0); // terminated frames are gone
    expect(got).toEqual([1, 2, 3, 4, 5]);
    await Promise.all([producer.carrier.close(), end.close()]);
  });

  it('hints lost and the ack floor stuck (a nats-server killed hard): the consumer end says its settled frames again when asked, dead letters exact', async () => {
    const c = await setUp('stuck', 4);
    const end = c.consumer();
    await failTwoAndThree(end);
    const producer = driveProducer(c.producer(), 20, 4);
    await producer.start();
    // What the server killed hard left: every hint lost, a floor that never moves.
    const inner = producer.carrier as unknown as { hints: { unsubscribe(): void }; poll: { jsm: { consumers: { info: (...a: unknown[]) => Promise<unknown> } } } };
    inner.hints.unsubscribe();
    const info = inner.poll.jsm.consumers.info.bind(inner.poll.jsm.consumers);
    inner.poll.jsm.consumers.info = async (...a: unknown[]) => ({ ...((await info(...a)) as object), ack_floor: { stream_seq: 0, consumer_seq: 0 } });
    // ...and the poll's own read of the last dead letter finds nothing: the answer's dlSeq alone
    // must lead the producer end to the records of frames 2 and 3.
    const streams = (inner.poll.jsm as unknown as { streams: { getMessage: (stream: string, q: { last_by_subj?: string }) => Promise<unknown> } }).streams;
    const get = streams.getMessage.bind(streams);
    streams.getMessage = async (stream, q) => (q.last_by_subj !== undefined ? null : get(stream, q));
    await until(() => producer.state.upTo === 20, 'all 20 settled by asking the consumer end');
    expect([...producer.state.dead]).toEqual([[2, 5], [3, 2]]);
    await Promise.all([producer.carrier.close(), end.close()]);
  });

  it('a replacement consumer end gets the unacknowledged frames redelivered and open() tells the oldest', async () => {
    const c = await setUp('replace', 6, 1000);
    const producer = driveProducer(c.producer(), 10, 6);
    await producer.start();
    // The first consumer end settles frames 1 and 2, holds 3..8, then its process dies: its
    // connection closes with no nak and no ack, so only ack_wait (1 s) hands the frames back.
    const doomed = await raw(f.nats.url);
    const first = driveConsumer(jetStreamCarriers({ connection: doomed, run: 'replace', edge: 'e', maxFrames: 6 }).consumer(), 6);
    first.state.holdFrom = 3;
    await first.open();
    await until(() => first.state.delivered.length === 2, 'two frames delivered');
    await until(() => first.state.inHand === 6, 'frames 3..8 in hand');
    await doomed.close();
    await until(() => producer.state.upTo === 2, 'the first two settled');
    const second = driveConsumer(c.consumer(), 6);
    expect(await second.open()).toBe(3);
    await until(() => producer.state.upTo === 10, 'all settled after the replacement');
    expect(second.state.delivered).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(second.state.frames.slice(0, 6).every((f) => f.redelivered)).toBe(true);
    await Promise.all([producer.carrier.close(), second.carrier.close()]);
  });

  it('a graceful close hands held frames back at once (nak), so the replacement resumes without waiting for ack_wait', async () => {
    const c = await setUp('handback', 4, 60_000);
    const producer = driveProducer(c.producer(), 8, 4);
    const first = driveConsumer(c.consumer(), 4);
    await first.open();
    first.state.hold = true;
    await producer.start();
    await until(() => first.state.inHand === 4, 'four held');
    await first.carrier.close();
    const second = driveConsumer(c.consumer(), 4);
    expect(await second.open()).toBe(1);
    await until(() => producer.state.upTo === 8, 'all settled (ack_wait is a minute)');
    expect(second.state.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await Promise.all([producer.carrier.close(), second.carrier.close()]);
  });

  it('credit bounds what reaches the inlet: request(2) with five frames stored hands out exactly two, the rest wait in hand within maxFrames', async () => {
    const c = await setUp('credit', 8);
    const producer = driveProducer(c.producer(), 5, 8);
    await producer.start();
    const jsm = await jetstreamManager(f.nc);
    let stored = 0;
    await until(() => (void jsm.streams.info('nodeflow_credit').then((i) => (stored = i.state.messages)), stored === 5), 'five stored');
    const end = c.consumer();
    const got: number[] = [];
    await end.open({ frame: (f) => got.push(f.seq), link: () => undefined });
    end.request(2);
    await until(() => got.length === 2, 'two frames');
    // The one open pull brings the other three into the carrier (max_ack_pending = maxFrames
    // bounds that); they reach the inlet only with credit.
    let inHand = 0;
    await until(() => (void jsm.consumers.info('nodeflow_credit', 'e').then((i) => (inHand = i.num_ack_pending)), inHand === 5), 'all five in hand');
    expect(got).toEqual([1, 2]);
    end.request(3);
    await until(() => got.length === 5, 'the other three');
    expect(got).toEqual([1, 2, 3, 4, 5]);
    await Promise.all([producer.carrier.close(), end.close()]);
  });

  it('a frame waiting in hand for credit past ack_wait is replaced by its redelivered copy, not doubled', async () => {
    const c = await setUp('waiting', 2, 300);
    const end = c.consumer();
    const got: number[] = [];
    await end.open({ frame: (f) => (got.push(f.seq), end.settle(f.seq)), link: () => undefined });
    const producer = driveProducer(c.producer(), 2, 2);
    await producer.start();
    const jsm = await jetstreamManager(f.nc);
    let deliveries = 0;
    // Both frames delivered, then delivered again twice after ack_wait, all while no credit was given.
    await until(() => (void jsm.consumers.info('nodeflow_waiting', 'e').then((i) => (deliveries = i.delivered.consumer_seq)), deliveries >= 6), 'two redeliveries of each');
    end.request(6);
    await until(() => producer.state.upTo === 2, 'both settled');
    expect(got).toEqual([1, 2]);
    await Promise.all([producer.carrier.close(), end.close()]);
  });

  it('frames in hand are kept from redelivery while the consumer end lives (working() every ack_wait / 2)', async () => {
    const c = await setUp('working', 2, 500);
    const end = c.consumer();
    const got: number[] = [];
    await end.open({ frame: (f) => got.push(f.seq), link: () => undefined });
    end.request(2);
    const producer = driveProducer(c.producer(), 2, 2);
    await producer.start();
    await until(() => got.length === 2, 'both frames');
    // Unsettled for three times ack_wait, with credit for copies: none comes back while this
    // end lives (a frame backing off, or waiting on a relay's far end, is not a dead consumer).
    end.request(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(got).toEqual([1, 2]);
    const info = await jetstreamManager(f.nc).then((m) => m.consumers.info('nodeflow_working', 'e'));
    expect(info.num_redelivered).toBe(0);
    end.settle(1);
    end.settle(2);
    await until(() => producer.state.upTo === 2, 'both settled');
    await Promise.all([producer.carrier.close(), end.close()]);
  });

  it('settledBelow(): the producer end answers its lowest unsettled seq, what a consumer end stalled past a missing frame asks; no producer, no answer', async () => {
    const c = await setUp('floor', 8);
    const consumer = driveConsumer(c.consumer(), 8);
    consumer.state.hold = true; // frames stay in hand until settled here by hand
    await consumer.open();
    const producer = driveProducer(c.producer(), 3, 8, 5);
    await producer.start();
    await until(() => consumer.state.inHand === 3, 'three frames in hand');
    const floor = () => consumer.carrier.settledBelow!();
    expect(await floor()).toBe(1);
    consumer.carrier.settle(2); // settled out of order (as a consumer end since replaced might)
    let seen = 0;
    await until(async () => (seen = (await floor()) ?? 0) === 1 && producer.state.settledCalls === 0, 'still 1: frame 1 is not settled');
    consumer.carrier.settle(1);
    await until(async () => (seen = (await floor()) ?? 0) === 3, `floor 3 (last ${seen})`);
    await producer.carrier.close();
    expect(await floor()).toBeUndefined();
    await consumer.carrier.close();
  });
});
