import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { GracefulErrorRecovery, StreamEngine, WorkflowEngine, type StreamMessage } from '../../src/index.js';
import type { ConsumerCarrier, ConsumerEvents } from '../../src/transport/carrier.js';
import { inletNodeType } from '../../src/transport/inlet.js';
import { flushMicrotasks } from '../support/flush.js';

/** A consumer carrier the test drives by hand: it records what the inlet asked and settled. */
function handCarrier(start: number | undefined) {
  let events: ConsumerEvents | undefined;
  const log = { oldest: undefined as number | undefined, floor: undefined as number | undefined, floorFails: false, floorAsked: 0, asked: 0, requested: 0, settled: [] as number[], working: [] as number[], dead: [] as Array<{ seq: number; count: number }> };
  const carrier: ConsumerCarrier = {
    open: async (e) => ((events = e), start),
    oldest: async () => (log.asked++, log.oldest),
    settledBelow: async () => {
      log.floorAsked++;
      if (log.floorFails) throw new Error('no answer');
      return log.floor;
    },
    request: (n) => void (log.requested += n),
    settle: (seq) => void log.settled.push(seq),
    deadLetter: (seq, messages) => void log.dead.push({ seq, count: messages.length }),
    working: (seq) => void log.working.push(seq),
    close: async () => {},
  };
  const frame = (seq: number, values: number[], redelivered = false, first = false) =>
    events!.frame({ seq, redelivered, first, messages: values.map((v): StreamMessage => ({ id: v, timestamp: 0, sourceNodeId: 'src', targetNodeId: 'o', port: 'out', data: v })) });
  return { carrier, log, frame };
}

async function inletRun(options: { start?: number; fail?: (v: number) => boolean; slow?: (v: number) => false | Promise<void>; retryAttempts?: number } = {}) {
  const clock = new SimulatedClock();
  const hand = handCarrier('start' in options ? options.start : 1);
  const engine = new StreamEngine({ bufferSize: 20, maxBatchSize: 5 }, { clock });
  engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: options.retryAttempts ?? 0, retryDelay: 10 }));
  const wf = new WorkflowEngine({ streamEngine: engine });
  wf.registerNodeType(inletNodeType(() => hand.carrier));
  const got: number[] = [];
  wf.registerNodeType({
    type: 'test.sink',
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process: (b) => {
        if (b.messages.some((m) => options.fail?.(m.data as number))) throw new Error('no');
        const wait = options.slow?.(b.messages[0]!.data as number);
        const take = () => void got.push(...b.messages.map((m) => m.data as number));
        if (wait) return wait.then(take);
        take();
      },
    }),
  });
  const run = await wf.executeWorkflow({
    nodes: [
      { id: 'i', type: 'transport.inlet', config: { edge: 'e1' } },
      { id: 'sink', type: 'test.sink' },
    ],
    edges: [{ source: 'i', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
  });
  const step = async (ms = 1) => {
    for (let i = 0; i < ms; i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
  };
  await step();
  return { ...hand, got, run, step, counters: () => run.status().nodes.i?.io?.counters ?? {} };
}

describe('transport.inlet', () => {
  it('asks for as many whole frames as its connection has room for (bufferSize 20 / batch 5: 4)', async () => {
    const { log } = await inletRun();
    expect(log.requested).toBe(4);
  });

  it('restores seq order, drops duplicates (counted), and settles each frame once its messages are delivered', async () => {
    const { frame, log, got, step, counters } = await inletRun();
    frame(2, [3, 4]);
    frame(1, [1, 2]);
    frame(1, [1, 2], true); // a redelivery of what was already offered
    await step(2);
    expect(got).toEqual([1, 2, 3, 4]);
    expect(log.settled).toEqual([1, 2]);
    expect(counters()).toMatchObject({ framesReceived: 3, duplicates: 1, redelivered: 1, framesSettled: 2 });
  });

  it('resumes from the seq open() resolved: an older frame is a duplicate, a newer one waits for its turn', async () => {
    const { frame, got, step, counters } = await inletRun({ start: 5 });
    frame(4, [40]);
    frame(6, [60]);
    await step(2);
    expect(got).toEqual([]);
    frame(5, [50]);
    await step(2);
    expect(got).toEqual([50, 60]);
    expect(counters()).toMatchObject({ duplicates: 1 });
  });

  it('with a carrier that holds none, starts at the first frame seen', async () => {
    const { frame, got, step } = await inletRun({ start: undefined });
    frame(9, [9]);
    frame(10, [10]);
    await step(2);
    expect(got).toEqual([9, 10]);
  });

  it("moves past a new producer incarnation's gap only once the carrier holds nothing older than its first frame", async () => {
    const { frame, log, got, step, counters } = await inletRun({ start: 5 });
    frame(5, [50]);
    log.oldest = 6; // the dead incarnation's frame 6 is still stored: it comes first
    frame(9001, [90], false, true); // the replacement's first frame: 6 .. 9000 never came (yet)
    await step(2);
    expect(got).toEqual([50]);
    expect(log.asked).toBeGreaterThanOrEqual(1); // and it did not move past 6
    frame(6, [60]);
    log.oldest = 9001; // nothing older is held now: 7 never got stored
    await step(2);
    expect(got).toEqual([50, 60, 90]);
    expect(log.asked).toBeGreaterThanOrEqual(2);
    expect(log.settled).toEqual([5, 6, 9001]);
    expect(counters()).toMatchObject({ gapsSkipped: 1 });
    expect(counters().duplicates ?? 0).toBe(0);
    frame(7, [70], true); // a late stray of the dead incarnation: a duplicate now
    await step(2);
    expect(got).toEqual([50, 60, 90]);
  });

  it('waits at a gap while an older frame of its own is unsettled, and asks again once it settled', async () => {
    let release: (() => void) | undefined;
    const { frame, log, got, step } = await inletRun({ start: 1, slow: (v) => v === 10 && new Promise<void>((r) => (release = r)) });
    frame(1, [10]);
    log.oldest = 1; // ours, offered, not settled yet
    frame(500, [20], false, true);
    await step(2);
    expect(got).toEqual([]);
    expect(log.asked).toBeGreaterThanOrEqual(1); // and it did not move past 6
    log.oldest = 500;
    release!();
    await step(2);
    expect(log.asked).toBeGreaterThanOrEqual(2); // asked again when its own frame settled, no timer
    expect(got).toEqual([10, 20]);
    expect(log.settled).toEqual([1, 500]);
  });

  it('takes a first frame at the expected seq as just a frame', async () => {
    const { frame, log, got, step, counters } = await inletRun({ start: 3001 });
    frame(3001, [1], false, true);
    frame(3002, [2]);
    await step(2);
    expect(got).toEqual([1, 2]);
    expect(log.asked).toBe(0);
    expect(counters().gapsSkipped ?? 0).toBe(0);
  });

  it('dead-letters a failed batch through the carrier, then settles its frame; keeps a retrying frame working', async () => {
    const { frame, log, step } = await inletRun({ fail: (v) => v === 7, retryAttempts: 1 });
    frame(1, [7]);
    await step(1);
    expect(log.working).toEqual([1]); // backing off for its retry
    expect(log.settled).toEqual([]);
    await step(20);
    expect(log.dead).toEqual([{ seq: 1, count: 1 }]);
    expect(log.settled).toEqual([1]);
  });

  it('frames waiting past a missing one: after 500 ms it asks the producer, and moves past what that says is settled elsewhere (up to the first frame held)', async () => {
    const { frame, log, got, step, counters } = await inletRun({ start: 1 });
    frame(3, [30]);
    frame(4, [40]);
    await step(600);
    expect(got).toEqual([]); // the producer cannot tell (undefined): nothing is skipped
    expect(log.floorAsked).toBeGreaterThanOrEqual(1);
    log.floor = 2; // frame 1 was settled by a consumer end since replaced; 2 not yet
    await step(600);
    expect(got).toEqual([]);
    expect(counters()).toMatchObject({ settledElsewhere: 1 });
    frame(2, [20]);
    await step(2);
    expect(got).toEqual([20, 30, 40]);
    expect(log.settled).toEqual([2, 3, 4]);
    frame(1, [10]); // a late copy of the frame settled elsewhere: a duplicate
    await step(2);
    expect(got).toEqual([20, 30, 40]);
    expect(counters()).toMatchObject({ duplicates: 1 });
  });

  it('never skips past the first frame it holds, nor when the producer says the missing frame is unsettled', async () => {
    const { frame, log, got, step, counters } = await inletRun({ start: 1 });
    frame(3, [30]);
    log.floor = 9; // settled up to 8, but 3 is here: only 1 and 2 are skipped
    await step(600);
    expect(got).toEqual([30]);
    expect(counters()).toMatchObject({ settledElsewhere: 2 });
    frame(5, [50]);
    log.floor = 4; // 4 is not settled: it will come
    await step(1200);
    expect(got).toEqual([30]);
    frame(4, [40]);
    await step(2);
    expect(got).toEqual([30, 40, 50]);
  });

  it('a carrier that fails to answer settledBelow skips nothing, and is asked again while stalled', async () => {
    const { frame, log, got, step } = await inletRun({ start: 1 });
    log.floorFails = true;
    log.floor = 2;
    frame(2, [20]);
    await step(1200);
    expect(log.floorAsked).toBeGreaterThanOrEqual(2);
    expect(got).toEqual([]);
    log.floorFails = false;
    await step(600);
    expect(got).toEqual([20]);
  });
});
