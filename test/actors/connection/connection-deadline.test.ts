// When a partial batch leaves (semantics.md, "Buffer, batching"): adaptive cuts at the end of
// the task, fixed waits out batchTimeout; full batches leave at once in both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { StreamEngine, type Batch } from '../../../src/index.js';
import { NUM_RUNS, msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks, nextMacrotask } from '../../support/flush.js';

function sink(engine: StreamEngine, id = 't', slow?: () => Promise<void>) {
  const batches: Batch[] = [];
  engine.node(id, {
    process: (b) => {
      batches.push(b);
      return slow?.();
    },
  });
  return batches;
}

describe('adaptive batching (default)', () => {
  it('a lone message leaves at the end of its task, not after batchTimeout', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16 });
    const batches = sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(batches).toHaveLength(0); // not inside the producer's task
    clock.increment(0); // the simulated clock's end of task
    expect(batches.map((b) => b.messages.length)).toEqual([1]);
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('a synchronous burst still forms full batches, with one partial at the end', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50 });
    const batches = sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 120; i++) c.offer(msg(clock));
    expect(batches.map((b) => b.messages.length)).toEqual([50, 50]);
    clock.increment(0);
    expect(batches.map((b) => b.messages.length)).toEqual([50, 50, 20]);
    engine.dispose();
  });

  it('five hops run in one task: what a node emits while it handles a batch leaves as one batch when that delivery returns', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16 });
    const hops = 5;
    for (let i = 0; i < hops; i++) {
      const next = `n${i + 1}`;
      engine.node(`n${i}`, { process: (b) => b.messages.forEach((m) => engine.emit(`n${i}`, 'out', { ...m, port: 'out' })) });
      engine.createConnection(`n${i}`, next, 'out', 'in');
    }
    const last = sink(engine, `n${hops}`);
    const src = engine.getConnection(engine.createConnection('src', 'n0', 'out', 'in'));
    for (let i = 0; i < 7; i++) src.offer(msg(clock, 'src', 'n0'));
    clock.increment(0); // one end of task: every hop, at the same simulated instant
    expect(last.map((b) => b.messages.length)).toEqual([7]);
    for (const c of engine.listConnections()) expect(engine.getConnection(c.id).stats().batches).toBe(1);
    engine.dispose();
  });

  it('while a batch is out the next one grows, and leaves as soon as the first settles', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50, batchTimeout: 1000 });
    let release: (() => void) | undefined;
    const batches = sink(engine, 't', () => new Promise<void>((r) => (release = r)));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(0);
    expect(batches.map((b) => b.messages.length)).toEqual([1]);
    for (let i = 0; i < 3; i++) {
      c.offer(msg(clock));
      clock.increment(0); // ends of tasks while the first batch is out: nothing more leaves
    }
    expect(batches).toHaveLength(1);
    release!();
    await flushMicrotasks();
    expect(batches.map((b) => b.messages.length)).toEqual([1, 3]); // no wait for batchTimeout
    release!();
    await flushMicrotasks();
    engine.dispose();
  });

  it('a fast producer (end-of-task cuts under 0.05 ms apart) lets the next partial batch grow for one 1 ms tick', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16 });
    const batches = sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(0); // first cut: at once
    for (let i = 0; i < 3; i++) {
      c.offer(msg(clock));
      clock.increment(0); // same instant: a fast producer; these wait
    }
    expect(batches.map((b) => b.messages.length)).toEqual([1]);
    clock.increment(1);
    expect(batches.map((b) => b.messages.length)).toEqual([1, 3]);
    clock.increment(5);
    c.offer(msg(clock));
    clock.increment(0); // 5 ms later: not fast, leaves at once
    expect(batches.map((b) => b.messages.length)).toEqual([1, 3, 1]);
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });

  it("on the real clock a lone message leaves before any timer would fire (Node's setImmediate)", async () => {
    const engine = new StreamEngine({ batchTimeout: 1000 });
    const batches = sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const sent = performance.now();
    c.offer(msg(engine.clock));
    await nextMacrotask();
    expect(batches).toHaveLength(1);
    expect(performance.now() - sent).toBeLessThan(1000);
    await engine.stop();
  });

  it('stop() and dispose() leave no end-of-task callback behind', () => {
    const { clock, engine } = simEngine();
    sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
    expect(c.stats().droppedTotal).toBe(1);
  });
});

describe("batching: 'fixed'", () => {
  it('holds a partial batch until its first message has waited batchTimeout', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16, batching: 'fixed' });
    const batches = sink(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(15);
    expect(batches).toHaveLength(0);
    clock.increment(1);
    expect(batches.map((b) => b.messages.length)).toEqual([1]);
    engine.dispose();
  });

  it('is refused unless adaptive or fixed', () => {
    expect(() => new StreamEngine({ batching: 'smart' as never })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'batching' }));
  });
});

describe('adaptive batching, as a property', () => {
  // Rule: a batch leaves no later than the end of its first message's task or the moment the
  // batch before it settles, whichever is later; and never later than batchTimeout after its
  // first message unless the batch before it was still out. An asynchronous consumer of random
  // cost and random bursts and gaps, on simulated time (one tick = the end of a task).
  it("a batch leaves when its first message's task ends or the batch out settles, never after batchTimeout otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 12 }), gap: fc.integer({ min: 0, max: 8 }) }), { maxLength: 30 }),
        async (maxBatchSize, batchTimeout, cost, sends) => {
          const clock = new SimulatedClock();
          const engine = new StreamEngine({ maxBatchSize, batchTimeout, bufferSize: 1000, batching: 'adaptive' }, { clock });
          const acceptedAt = new Map<number, number>();
          const out: { start: number; end: number; ids: number[] }[] = [];
          engine.node('t', {
            process: (b) => {
              const rec = { start: clock.now(), end: clock.now(), ids: b.messages.map((m) => m.id as number) };
              out.push(rec);
              if (cost === 0) return;
              return new Promise<void>((resolve) => clock.setTimeout(() => ((rec.end = clock.now()), resolve()), cost));
            },
          });
          engine.createConnection('s', 't', 'out', 'in');
          let id = 0;
          const delivered = () => out.reduce((a, b) => a + b.ids.length, 0);
          for (const step of sends) {
            for (let i = 0; i < step.n; i++) {
              engine.emit('s', 'out', { id: ++id, timestamp: clock.now(), sourceNodeId: 's', port: 'out', data: id });
              acceptedAt.set(id, clock.now());
            }
            for (let k = 0; k < step.gap; k++) {
              clock.increment(1);
              await flushMicrotasks();
            }
          }
          for (let k = 0; k < 2000 && delivered() < id; k++) {
            clock.increment(1);
            await flushMicrotasks();
          }
          expect(delivered()).toBe(id);
          for (let i = 0; i < out.length; i++) {
            const b = out[i]!;
            const first = acceptedAt.get(b.ids[0]!)!;
            const previousSettled = i > 0 ? out[i - 1]!.end : -Infinity;
            expect(b.start, `batch ${i} [${b.ids}]`).toBeLessThanOrEqual(Math.max(first + 1, previousSettled));
            expect(b.start - first).toBeLessThanOrEqual(Math.max(batchTimeout, previousSettled - first));
          }
          engine.dispose();
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
