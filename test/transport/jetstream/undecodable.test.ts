import { beforeAll, describe, expect, it } from 'vitest';
import { headers } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { jetStreamCarriers } from '../../../src/transport/jetstream/carriers.js';
import { ensureRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import { driveConsumer, driveProducer, until, useNatsServer } from './helpers.js';

const f = useNatsServer();
let jsm: JetStreamManager;
beforeAll(async () => {
  jsm = await jetstreamManager(f.nc);
});

const JUNK = new TextEncoder().encode('not json');

/** Stores an unreadable body on the run's edge subject, with a seq header and, if given, a msg id. */
async function junk(run: string, seq: number, msgID?: string): Promise<number> {
  const h = headers();
  h.set('Nodeflow-Seq', String(seq));
  return (await jsm.jetstream().publish(`nodeflow.${run}.e`, JUNK, { headers: h, ...(msgID ? { msgID } : {}) })).seq;
}

const dlRecords = async (run: string) => {
  const info = await jsm.streams.info(`nodeflow_dl_${run}`);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(`nodeflow_dl_${run}`, { seq });
    if (m) out.push({ seq: m.header.get('Nodeflow-Seq'), streamSeq: m.header.get('Nodeflow-Stream-Seq'), size: m.header.get('Nodeflow-Raw-Size'), reason: m.header.get('Nodeflow-Reason'), body: m.data.length });
  }
  return out;
};

describe('JetStream carriers: a frame nobody can decode never counts as delivered', () => {
  it.each([
    ['hints', undefined],
    ['the ack floor (hints lost)', 'nowhere'],
  ])("one of the producer's own frames: recorded in the DL stream, terminated, the producer reports its messages dead-lettered, via %s", async (_, hintSubject) => {
    const run = hintSubject ? 'undpoll' : 'undhint';
    await ensureRunStreams(f.nc, { run, edges: [{ edge: 'e', maxFrames: 4, ackWaitMs: 1000 }] });
    // Frame 1 as the producer's id names it, but unreadable: the producer's own publish of
    // frame 1 is de-duplicated onto it, exactly as if its codec had written garbage.
    const streamSeq = await junk(run, 1, `${run}.e.1`);
    const errors: Error[] = [];
    const c = jetStreamCarriers({ servers: [f.nats.url], run, edge: 'e', maxFrames: 4, settlePollMs: 200, onError: (e) => errors.push(e), ...(hintSubject ? { hintSubject } : {}) });
    const consumer = driveConsumer(c.consumer(), 4);
    expect(await consumer.open()).toBe(1);
    const producer = driveProducer(jetStreamCarriers({ servers: [f.nats.url], run, edge: 'e', maxFrames: 4, settlePollMs: 200 }).producer(), 3, 4, 5);
    await producer.start();
    await until(() => producer.state.upTo === 3, 'all three settled');
    // The identity at the producer: 15 accepted = 10 delivered + 5 dead-lettered.
    expect([...producer.state.dead]).toEqual([[1, 5]]);
    // The inlet got frame 1 empty (so order moves on), then frames 2 and 3 whole.
    expect(consumer.state.delivered).toEqual([1, 2, 3]);
    expect(consumer.state.frames.map((f) => f.messages.length)).toEqual([0, 5, 5]);
    expect(errors[0]).toMatchObject({ name: 'FrameDecodeError', code: 'INVALID_MESSAGE' });
    const records = await dlRecords(run);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ seq: '1', streamSeq: String(streamSeq), size: String(JUNK.length), body: 0 });
    expect(records[0]!.reason).toContain('malformed frame');
    expect((await jsm.streams.info(`nodeflow_${run}`)).state.messages).toBe(0); // terminated, gone
    await Promise.all([producer.carrier.close(), consumer.carrier.close()]);
  });

  it('a foreign message on the subject is recorded and terminated, never handed on, its credit not spent, and no frame of the producer is counted for it', async () => {
    await ensureRunStreams(f.nc, { run: 'junk', edges: [{ edge: 'e', maxFrames: 4, ackWaitMs: 1000 }] });
    const errors: Error[] = [];
    const end = jetStreamCarriers({ servers: [f.nats.url], run: 'junk', edge: 'e', maxFrames: 4, onError: (e) => errors.push(e) }).consumer();
    const got: number[] = [];
    await end.open({ frame: (f) => got.push(f.seq), link: () => undefined });
    const streamSeq = await junk('junk', 1); // no msg id: not the producer's frame 1
    const producer = driveProducer(jetStreamCarriers({ servers: [f.nats.url], run: 'junk', edge: 'e', maxFrames: 4, settlePollMs: 200 }).producer(), 1, 1);
    await producer.start();
    end.request(1);
    await until(() => got.length === 1, 'the real frame');
    expect(got).toEqual([1]);
    expect(errors[0]).toMatchObject({ name: 'FrameDecodeError', code: 'INVALID_MESSAGE' });
    end.settle(1);
    await until(() => producer.state.upTo === 1, 'settled');
    expect(producer.state.dead.size).toBe(0);
    expect(await dlRecords('junk')).toMatchObject([{ seq: '1', streamSeq: String(streamSeq), size: String(JUNK.length) }]);
    await Promise.all([producer.carrier.close(), end.close()]);
  });
});
