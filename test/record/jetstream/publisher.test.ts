// The writer against a scripted in-memory stream that keeps JetStream's one rule the writer relies
// on (a publish expecting another last sequence is refused): a stored batch whose PubAck is lost
// is not sent twice, a lost publish never lets a later batch in first, and past retryMs the queue
// is dropped, counted, reported once.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import { encodeFrame, readPrefix } from '../../../src/record/jetstream/frame.js';
import { resolveJetStreamOptions } from '../../../src/record/jetstream/options.js';
import { Publisher } from '../../../src/record/jetstream/publisher.js';
import { msgs } from '../support.js';

type Fate = 'ok' | 'lose-ack' | 'lose-publish' | 'down';

function fakeStream(fate: (call: number) => Fate) {
  const stored: Uint8Array[] = [];
  let calls = 0;
  const js = {
    publish: (_subject: string, data: Uint8Array, opts: { expect: { lastSequence: number } }) => {
      const f = fate(++calls);
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          if (f === 'lose-publish' || f === 'down') return reject(new Error('timeout'));
          if (opts.expect.lastSequence !== stored.length) return reject(new Error('wrong last sequence'));
          stored.push(data);
          if (f === 'lose-ack') return reject(new Error('timeout'));
          resolve({ seq: stored.length });
        }, 0),
      );
    },
  } as unknown as JetStreamClient;
  let down = false;
  const jsm = {
    streams: {
      info: async () => {
        if (down) throw new Error('no responders');
        return { state: { last_seq: stored.length } };
      },
      getMessage: async (_s: string, q: { seq: number }) => ({ data: stored[q.seq - 1] }),
    },
  } as unknown as JetStreamManager;
  return { js, jsm, stored, setDown: (d: boolean) => (down = d), calls: () => calls };
}

function publisher(f: ReturnType<typeof fakeStream>, retryMs = 10_000) {
  const errors: NodeflowError[] = [];
  const o = resolveJetStreamOptions({ servers: 'nats://x', stream: 's', retryMs, maxInFlight: 8, onError: (e) => errors.push(e) });
  return { p: new Publisher(f.js, f.jsm, o, 0), errors };
}

const add = (p: Publisher, from: number, to: number) => {
  for (let s = from; s <= to; s++) p.add(s, 1, encodeFrame({ seq: s, at: s, messages: msgs(s, 1) }, s));
};
const seqs = (stored: Uint8Array[]) => stored.map((d) => readPrefix(d, 's').seq);

describe('Publisher', () => {
  it('a batch stored whose PubAck was lost is not published twice; the rest follow in order', async () => {
    const f = fakeStream((n) => (n === 3 ? 'lose-ack' : 'ok'));
    const { p, errors } = publisher(f);
    add(p, 1, 20);
    await p.sync();
    expect(seqs(f.stored)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(p.stats).toMatchObject({ droppedBatches: 0 });
    // The batches after it were stored too (their expectations held): the recovery finds all of
    // them in the stream and publishes nothing again.
    expect(f.calls()).toBe(20);
    expect(p.stats.retries).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a lost publish lets no later batch in before it', async () => {
    const f = fakeStream((n) => (n === 2 || n === 11 ? 'lose-publish' : 'ok'));
    const { p } = publisher(f);
    add(p, 1, 30);
    await p.sync();
    expect(seqs(f.stored)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(p.stats.retries).toBeGreaterThan(0); // the lost ones and those refused after them went again
  });

  it('past retryMs everything queued is dropped, counted, reported once; later batches are stored', async () => {
    let down = true;
    const f = fakeStream(() => (down ? 'down' : 'ok'));
    f.setDown(true);
    const { p, errors } = publisher(f, 100);
    add(p, 1, 5);
    await expect(p.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED', details: expect.objectContaining({ op: 'publish', droppedBatches: 5, droppedMessages: 5 }) });
    expect(errors).toHaveLength(1);
    expect(p.pending).toBe(0);
    down = false;
    f.setDown(false);
    add(p, 6, 8);
    await p.sync();
    expect(seqs(f.stored)).toEqual([6, 7, 8]);
    expect(p.stats).toMatchObject({ droppedBatches: 5, droppedMessages: 5, writeErrors: 1 });
  });

  it('a batch the server refuses for good while it answers otherwise is dropped after retryMs, not retried forever', async () => {
    const f = fakeStream(() => 'lose-publish'); // every publish fails; stream info answers
    const { p, errors } = publisher(f, 200);
    add(p, 1, 3);
    await expect(p.sync()).rejects.toMatchObject({ code: 'LOG_WRITE_FAILED' });
    expect(p.stats).toMatchObject({ droppedBatches: 3, writeErrors: 1 });
    expect(errors).toHaveLength(1);
  });

  it('close() drops what is still queued, counted', async () => {
    const f = fakeStream(() => 'down');
    const { p, errors } = publisher(f);
    add(p, 1, 3);
    p.close();
    expect(p.stats).toMatchObject({ droppedBatches: 3, writeErrors: 1 });
    expect(errors.map((e) => e.details)).toEqual([expect.objectContaining({ cause: 'ECLOSED' })]);
  });
});
