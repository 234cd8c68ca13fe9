import { expect } from 'vitest';
import { SimulatedClock } from 'xstate';
import { StreamEngine, WorkflowEngine, type StreamConfig, type WorkflowRun } from '../../src/index.js';
import { flushMicrotasks } from './flush.js';

/** Lets promise callbacks (async deliveries, drains) run. */
export { flushMicrotasks } from './flush.js';

/**
 * A WorkflowEngine on simulated time, with two test node types: `test.recorder` (keeps every
 * batch with its connection, per node) and slow sinks made by `slowSink(type, ms)`.
 */
export function simWorkflow(config: Partial<StreamConfig> = {}) {
  const clock = new SimulatedClock();
  const wf = new WorkflowEngine({ streamEngine: new StreamEngine(config, { clock }) });
  const recorded = new Map<string, { connectionId: string; values: unknown[] }[]>();
  wf.registerNodeType({
    type: 'test.recorder',
    kind: 'sink',
    inputs: { in: { type: 'any' } },
    create: (ctx) => {
      const batches: { connectionId: string; values: unknown[] }[] = [];
      recorded.set(ctx.nodeId, batches);
      return { process: (b) => void batches.push({ connectionId: b.connectionId, values: b.messages.map((m) => m.data) }) };
    },
  });
  /** Steps the clock 1 ms at a time until the run is done (and asserts it got there). */
  const runToEnd = async (run: WorkflowRun, maxMs = 200_000) => {
    let done = false;
    void run.done.then(() => (done = true));
    for (let t = 0; t < maxMs && !done; t++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    expect(done).toBe(true);
    return run.done;
  };
  /** A sink taking `ms` of simulated time per batch. */
  const slowSink = (type: string, ms: number) =>
    wf.registerNodeType({ type, kind: 'sink', inputs: { in: {} }, create: () => ({ process: () => new Promise<void>((r) => clock.setTimeout(r, ms)) }) });
  return { clock, wf, recorded, runToEnd, slowSink };
}
