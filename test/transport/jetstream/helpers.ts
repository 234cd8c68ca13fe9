import { until as waitUntil } from '../../support/until.js';
import { afterAll, beforeAll } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { StreamMessage } from '../../../src/message.js';
import type { CarrierLinkState, ConsumerCarrier, DeliveredFrame, ProducerCarrier } from '../../../src/transport/carrier.js';
import { natsServer } from '../../support/nats-server.js';

/** Waits until `check()` is truthy (every 10 ms, up to `ms`), else throws with `what`. */
/** `until` with this folder's default of 15 s (a JetStream redelivery can take an ack_wait). */
export const until = (check: () => unknown, what: string, ms = 15_000): Promise<void> => waitUntil(check, what, ms);

/** One nats-server (JetStream, temp store) and a raw connection to it for the test file: started before its tests, removed after. */
export function useNatsServer() {
  const f = {} as { nats: Awaited<ReturnType<typeof natsServer>>; nc: NatsConnection };
  beforeAll(async () => {
    f.nats = await natsServer();
    f.nc = await raw(f.nats.url);
  });
  afterAll(async () => {
    await f.nc.close();
    await f.nats.remove();
  });
  return f;
}

export const raw = (servers: string | string[]): Promise<NatsConnection> => connect({ servers, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });

/** `n` messages of one frame, ids `<seq>:<i>`. */
export function messages(seq: number, n: number): StreamMessage[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${seq}:${i}`, timestamp: 1, sourceNodeId: 'a', targetNodeId: 'b', port: 'in', data: { seq, i } }));
}

/**
 * A producer end as the outlet drives it: frames 1..total, at most `cap` outstanding, the next
 * sent when `settled(upTo)` frees room. Records everything the carrier reported.
 */
export function driveProducer<P extends ProducerCarrier>(carrier: P, total: number, cap: number, size = 5) {
  const state = { sent: 0, upTo: 0, dead: new Map<number, number>(), links: [] as CarrierLinkState[], settledCalls: 0 };
  const fill = () => {
    while (state.sent < total && state.sent - state.upTo < cap) carrier.send({ seq: ++state.sent, messages: messages(state.sent, size) });
  };
  const opened = carrier.open({
    settled: (upTo) => {
      if (upTo <= state.upTo) throw new Error(`settled went back: ${upTo} after ${state.upTo}`);
      state.upTo = upTo;
      state.settledCalls++;
      fill();
    },
    deadLettered: (seq, count) => {
      if (seq <= state.upTo) throw new Error(`dead letters of ${seq} came after its settlement`);
      state.dead.set(seq, count);
    },
    link: (s) => state.links.push(s),
  });
  return { state, carrier, start: async () => (await opened, fill()) };
}

/**
 * A consumer end as the inlet drives it: `credit` frames requested up front, one more for each
 * settled; restores order by seq; drops (and counts) frames it already settled. `hold` keeps
 * frames unsettled (a stalled inlet); `holdFrom` holds that seq and later ones.
 */
export function driveConsumer(carrier: ConsumerCarrier, credit: number) {
  const state = { delivered: [] as number[], frames: [] as DeliveredFrame[], duplicates: 0, redelivered: 0, hold: false, holdFrom: Infinity, next: 0, inHand: 0, maxInHand: 0 };
  const early = new Map<number, DeliveredFrame>();
  const take = (f: DeliveredFrame) => {
    state.delivered.push(f.seq);
    state.frames.push(f);
    state.next = f.seq + 1;
    carrier.settle(f.seq);
    state.inHand--;
    carrier.request(1);
  };
  const drain = () => {
    for (let f = early.get(state.next); f && !state.hold && f.seq < state.holdFrom; f = early.get(state.next)) {
      early.delete(state.next);
      take(f);
    }
  };
  return {
    state,
    carrier,
    release: () => ((state.hold = false), drain()),
    open: async () => {
      const oldest = await carrier.open({
        frame: (f) => {
          if (f.redelivered) state.redelivered++;
          if (state.next === 0) state.next = f.seq; // nothing was left on the server: start at the first
          if (f.seq < state.next || early.has(f.seq)) {
            state.duplicates++;
            carrier.settle(f.seq); // acknowledged, so the server forgets the copy
            return carrier.request(1);
          }
          state.inHand++;
          state.maxInHand = Math.max(state.maxInHand, state.inHand);
          early.set(f.seq, f);
          drain();
        },
        link: () => undefined,
      });
      state.next = oldest ?? 0;
      carrier.request(credit);
      return oldest;
    },
  };
}
