import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { StreamEngine, WorkflowEngine } from '../../src/index.js';
import type { Frame, ProducerCarrier, ProducerEvents } from '../../src/transport/carrier.js';
import { OutletReadouts, framesFor, outletNodeType } from '../../src/transport/outlet.js';
import { incarnationBase } from '../../src/transport/outlet-end.js';
import { flushMicrotasks } from '../support/flush.js';

/** A producer carrier the test settles by hand. */
function handCarrier() {
  const sent: Frame[] = [];
  let events: ProducerEvents | undefined;
  let closed = 0;
  const carrier: ProducerCarrier = {
    open: async (e) => void (events = e),
    send: (f) => void sent.push(f),
    close: async () => void closed++,
  };
  return { carrier, sent, settle: (upTo: number) => events!.settled(upTo), deadLettered: (seq: number, n: number) => events!.deadLettered(seq, n), closed: () => closed };
}

async function outletRun(config = { bufferSize: 20, maxBatchSize: 5 }, count = 100) {
  const clock = new SimulatedClock();
  const hand = handCarrier();
  const outlets = new OutletReadouts();
  const wf = new WorkflowEngine({ streamEngine: new StreamEngine(config, { clock }) });
  wf.registerNodeType(outletNodeType(() => hand.carrier, outlets));
  const run = await wf.executeWorkflow({
    nodes: [
      { id: 'src', type: 'source.sequential', config: { count } },
      { id: 'o', type: 'transport.outlet', config: { edge: 'e1' } },
    ],
    edges: [{ source: 'src', sourcePort: 'out', target: 'o', targetPort: 'in' }],
  });
  const conn = wf.getStreamEngine().getConnection(run.connectionId('src.out->o.in'));
  const step = async (ms = 1) => {
    for (let i = 0; i < ms; i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
  };
  return { clock, hand, outlets, run, conn, step };
}

describe('transport.outlet', () => {
  it('sends one frame per batch and holds at maxFrames = ceil(bufferSize / maxBatchSize) outstanding', async () => {
    const { clock, hand, outlets, conn, step } = await outletRun();
    await step(20);
    expect(framesFor({ bufferSize: 20, maxBatchSize: 5 })).toBe(4);
    // seq = base + 1, 2, ...: the base is this incarnation's (past any predecessor's), flagged on the first frame.
    const base = hand.sent[0]!.seq - 1;
    expect(base).toBeGreaterThanOrEqual(clock.now() * 1000 - 20_000);
    expect(hand.sent.map((f) => f.seq - base)).toEqual([1, 2, 3, 4]);
    expect(hand.sent.map((f) => f.first === true)).toEqual([true, false, false, false]);
    const sent = hand.sent.reduce((n, f) => n + f.messages.length, 0);
    expect(hand.sent.every((f) => f.messages.length >= 1 && f.messages.length <= 5)).toBe(true);
    expect(outlets.get('e1')).toMatchObject({ framesSent: 4, sent, outstandingFrames: 4, outstandingMessages: sent, settledMessages: 0, maxFrames: 4 });
    // Outstanding messages are the connection's occupancy (buffered + in transit <= bufferSize).
    const s = conn.stats();
    expect(s.delivered).toBe(0);
    // in flight: buffered + frames outstanding + the one batch waiting at the cap
    expect(s.inFlight - s.buffered - sent).toBeGreaterThanOrEqual(0);
    expect(s.inFlight - s.buffered - sent).toBeLessThanOrEqual(5);
    expect(s.inFlight).toBeLessThanOrEqual(20);
    expect(s.bufferUtilization).toBe(s.inFlight / 20);
    expect(s.inFlight).toBeGreaterThanOrEqual(16); // at the high watermark
    expect(conn.isBackpressured).toBe(true);
  });

  it('settling frames releases them from occupancy: delivered rises, the producer moves on, the watermark relieves', async () => {
    const { hand, outlets, conn, step } = await outletRun();
    await step(20);
    const two = hand.sent[0]!.messages.length + hand.sent[1]!.messages.length;
    const before = conn.stats().inFlight;
    hand.settle(hand.sent[1]!.seq);
    expect(conn.stats()).toMatchObject({ delivered: two, inFlight: before - two });
    await step(5);
    expect(hand.sent.length).toBeGreaterThan(4);
    expect(hand.sent.length - 2).toBeLessThanOrEqual(4);
    const r = outlets.get('e1')!;
    expect(r.settledMessages).toBe(two);
    expect(r.sent).toBe(r.outstandingMessages + r.settledMessages);
    const s = conn.stats();
    expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
  });

  it('counts what the far end dead-lettered as dead-lettered at the producer, once per frame', async () => {
    const { hand, outlets, conn, step } = await outletRun();
    await step(20);
    const n = hand.sent[0]!.messages.length;
    hand.deadLettered(hand.sent[0]!.seq, n);
    hand.deadLettered(hand.sent[0]!.seq, n); // a repeated report changes nothing
    hand.settle(hand.sent[0]!.seq);
    expect(conn.stats()).toMatchObject({ delivered: 0, deadLettered: n });
    expect(outlets.get('e1')).toMatchObject({ deadLetteredMessages: n, settledMessages: n });
  });

  it('completes only once every frame is settled, then closes the carrier', async () => {
    const { hand, run, step } = await outletRun({ bufferSize: 20, maxBatchSize: 5 }, 10);
    await step(10);
    expect(run.status().state).toBe('running');
    hand.settle(hand.sent.at(-2)!.seq);
    await step(5);
    expect(run.status().state).toBe('running'); // the last frame is still outstanding
    hand.settle(hand.sent.at(-1)!.seq);
    await step(5);
    expect(run.status().state).toBe('completed');
    expect(hand.closed()).toBe(1);
  });

  it('reports what is outstanding at a stop, counted dropped(shutdown) by its connection', async () => {
    const { outlets, run, conn, step } = await outletRun();
    await step(20);
    const outstanding = outlets.get('e1')!.outstandingMessages;
    void run.stop({ timeout: 0 });
    await step(5);
    expect(outlets.get('e1')).toMatchObject({ abandonedMessages: outstanding, outstandingMessages: 0 });
    const s = conn.stats();
    expect(s.inFlight).toBe(0);
    expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered);
    expect(run.status().nodes.o?.io?.counters.abandoned).toBe(outstanding);
    expect(s.dropped.shutdown).toBeGreaterThanOrEqual(outstanding);
  });

  it('starts each incarnation past every seq an earlier one used, even within the same millisecond', async () => {
    const a = await outletRun();
    await a.step(20);
    const last = a.hand.sent.at(-1)!.seq;
    // A second producer end (a replacement) on a clock that has not moved on: still past `last`.
    const b = await outletRun();
    await b.step(20);
    expect(b.hand.sent[0]).toMatchObject({ first: true });
    expect(b.hand.sent[0]!.seq).toBeGreaterThan(last);
    expect(incarnationBase(0)).toBeGreaterThanOrEqual(b.hand.sent.at(-1)!.seq);
    // On the real clock: ms since the epoch times 1000, well inside the safe integers.
    const now = Date.now(); // once: a second read may be a millisecond later
    expect(incarnationBase(now)).toBeGreaterThanOrEqual(now * 1000);
    expect(Number.isSafeInteger(incarnationBase(Date.UTC(2250, 0, 1)) + 1e9)).toBe(true);
  });

  it('refuses a config without an edge or with a bad maxFrames, up front', () => {
    const def = outletNodeType(() => handCarrier().carrier);
    expect(def.validateConfig!({})).toEqual(['edge is required']);
    expect(def.validateConfig!({ edge: 'e', maxFrames: 0, x: 1 })).toHaveLength(2);
  });
});
