import { describe, expect, it } from 'vitest';
import type { JetStreamManager } from '@nats-io/jetstream';
import { SettlePoll } from '../../../src/transport/jetstream/settle-poll.js';
import { carrierSetup } from '../../../src/transport/jetstream/options.js';
import { until } from './helpers.js';

/**
 * A JetStreamManager that answers as a nats-server 2.9.10 killed hard did: the consumer's ack
 * floor stuck at 120 though everything delivered up to 208 was acknowledged, and the work-queue
 * stream still holding only the sequences in `stored`. Every request is logged in order.
 */
function stuckServer(stored: Set<number>) {
  const log: string[] = [];
  const jsm = {
    consumers: {
      info: async () => (log.push('consumer info'), { ack_floor: { stream_seq: 120 }, delivered: { stream_seq: 208 } }),
    },
    streams: {
      getMessage: async (stream: string, q: { seq?: number; last_by_subj?: string }) => {
        log.push(q.seq !== undefined ? `get ${q.seq}` : `last dead letter of ${stream}`);
        if (q.seq === undefined) return { seq: 3 };
        return stored.has(q.seq) ? { seq: q.seq } : null;
      },
    },
  };
  return { jsm: jsm as unknown as JetStreamManager, log };
}

const setup = carrierSetup({ servers: ['nats://127.0.0.1:1'], run: 'r', edge: 'e', maxFrames: 16, settlePollMs: 10 });

describe('SettlePoll', () => {
  it('frames above a stuck ack floor that the work-queue stream removed are settled: asked oldest first, up to the first still stored, then the dead letters', async () => {
    const { jsm, log } = stuckServer(new Set([204, 230]));
    const calls: Array<{ floor: number; deadTarget: number; gone: readonly number[] }> = [];
    const poll = new SettlePoll(jsm, setup, (floor, deadTarget, gone) => calls.push({ floor, deadTarget, gone }), () => [119, 201, 202, 203, 204, 205]);
    poll.outstanding(true);
    await until(() => calls.length > 0, 'a poll');
    poll.close();
    expect(calls[0]).toEqual({ floor: 120, deadTarget: 3, gone: [201, 202, 203] });
    // 119 is under the floor (not asked), 204 is still stored (the rest waits behind it), and the
    // dead letters are read after the stream: a termination seen there has its record by then.
    expect(log.slice(0, 6)).toEqual(['consumer info', 'get 201', 'get 202', 'get 203', 'get 204', `last dead letter of ${setup.names.deadLetterStream}`]);
  });

  it('never asks for a frame the consumer was not handed yet: it is still stored', async () => {
    const { jsm, log } = stuckServer(new Set());
    const calls: Array<readonly number[]> = [];
    const poll = new SettlePoll(jsm, setup, (_f, _d, gone) => calls.push(gone), () => [207, 208, 209, 210]);
    poll.outstanding(true);
    await until(() => calls.length > 0, 'a poll');
    poll.close();
    expect(calls[0]).toEqual([207, 208]);
    expect(log.filter((l) => l.startsWith('get ')).slice(0, 2)).toEqual(['get 207', 'get 208']);
    expect(log).not.toContain('get 209');
  });
});
