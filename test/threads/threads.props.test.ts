import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, StreamEngine, type DeadLetter } from '../../src/index.js';
import { ThreadPool } from '../../src/threads/pool.js';
import { threadNode } from '../../src/threads/thread-node.js';
import { NUM_RUNS } from '../support/helpers.js';
import { stepUntil } from '../transport/step.js';
import { fakeWorkers, type JobFate } from './fake-workers.js';

// Replay a failure: THREADS_SEED=<seed>. Each run steps simulated time 1 ms at a time.
const RUNS = Math.max(30, Math.round(NUM_RUNS / 5));

const fate: fc.Arbitrary<JobFate> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }).map((ms) => ({ kind: 'ok' as const, ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }).map((ms) => ({ kind: 'fail' as const, ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }).map((ms) => ({ kind: 'crash' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
);

const scenario = fc.record({
  fates: fc.array(fate, { minLength: 1, maxLength: 12 }),
  size: fc.integer({ min: 1, max: 3 }),
  perWorker: fc.integer({ min: 1, max: 4 }),
  bufferSize: fc.integer({ min: 4, max: 60 }),
  batch: fc.integer({ min: 1, max: 12 }),
  overflowStrategy: fc.constantFrom('backpressure' as const, 'dropHead' as const, 'dropNew' as const),
  retryAttempts: fc.integer({ min: 0, max: 2 }),
  delivery: fc.constantFrom('ordered' as const, 'unordered' as const),
  count: fc.integer({ min: 1, max: 150 }),
  perMs: fc.integer({ min: 1, max: 8 }),
  // Every n-th message's data is a function, which structured clone cannot copy (0: none): its
  // frame fails alone at the post, and is retried or dead-lettered like any failed frame.
  poisonEvery: fc.constantFrom(0, 0, 3, 7, 20),
});

describe('a node on worker threads with random worker timing and faults (property)', () => {
  it('conserves every accepted message at every step, keeps frames at the workers within the credit, and delivers FIFO in ordered mode', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = new SimulatedClock();
        const engine = new StreamEngine({}, { clock });
        // The breaker sees the workers' failures (a run of hanging or failing frames opens it): short
        // open times, so every scenario settles within the step bound while it is exercised.
        const circuitBreaker = { resetTimeout: 10, maxResetTimeout: 40, halfOpenTimeout: 200 };
        engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: s.retryAttempts, retryDelay: 2, jitter: 0, deliveryTimeout: 30, circuitBreaker }));
        const dead: DeadLetter[] = [];
        engine.deadLetters$.subscribe((d) => dead.push(d));
        const workers = fakeWorkers(clock, s.fates);
        const pool = new ThreadPool(workers.spawn, { size: s.size, perWorker: s.perWorker, clock, maxCrashes: 2 });
        const batch = Math.min(s.batch, s.bufferSize);
        const heavy = threadNode(engine, 'heavy', { kind: 'function', fn: (v) => v }, { pool, delivery: s.delivery });
        const inId = engine.createConnection('src', 'heavy', 'out', 'in', { bufferSize: s.bufferSize, maxBatchSize: batch, batchTimeout: 2, overflowStrategy: s.overflowStrategy });
        engine.createConnection('heavy', 'sink', 'out', 'in', { bufferSize: 100_000, maxBatchSize: 50, batchTimeout: 1 });
        const got: number[] = [];
        engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data as number)) });
        const conn = engine.getConnection(inId);
        const maxFrames = Math.ceil(s.bufferSize / batch);
        let next = 0;
        const check = () => {
          // Offer this ms's messages (a refused one is offered again next ms).
          for (let k = 0; k < s.perMs && next < s.count; k++) {
            const data = s.poisonEvery > 0 && next % s.poisonEvery === s.poisonEvery - 1 ? Object.assign(() => 0, { n: next }) : next;
            if (conn.offer({ id: next, timestamp: clock.now(), sourceNodeId: 'src', targetNodeId: 'heavy', port: 'out', data }) === 'full') break;
            next++;
          }
          const st = conn.stats();
          expect(st.accepted).toBe(st.delivered + st.droppedTotal + st.deadLettered + st.inFlight);
          expect(st.inFlight).toBeLessThanOrEqual(s.bufferSize);
          const r = heavy.readout();
          expect(r.sent).toBe(r.outstandingMessages + r.settledMessages + r.abandonedMessages);
          expect(r.outstandingFrames).toBeLessThanOrEqual(maxFrames);
          const p = pool.stats();
          expect(p.queued + p.running).toBeLessThanOrEqual(maxFrames);
          expect(p.running).toBeLessThanOrEqual(s.size * s.perWorker);
          expect(workers.live.size).toBeLessThanOrEqual(s.size);
        };
        const run = stepUntil(clock);
        const settled = () => next === s.count && conn.stats().inFlight === 0;
        expect(await run(settled, 50_000, check)).toBe(true);
        await run(() => false, 5); // the sink's last batch
        const st = conn.stats();
        const deadValues = dead.flatMap((d) => d.messages.map((m) => (typeof m.data === 'function' ? (m.data as unknown as { n: number }).n : (m.data as number))));
        expect(got.every((v) => typeof v === 'number')).toBe(true); // no poison value got through
        expect(st).toMatchObject({ accepted: s.count, deadLettered: deadValues.length });
        expect(st.delivered + st.deadLettered + st.droppedTotal).toBe(s.count);
        // Outputs: each delivered input's value doubled, once; FIFO in ordered mode.
        expect(got.length).toBe(st.delivered);
        if (s.delivery === 'ordered') for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
        expect(new Set([...got.map((v) => v / 2), ...deadValues]).size).toBe(got.length + deadValues.length);
        engine.dispose();
        await Promise.resolve();
        expect(workers.live.size).toBe(0);
      }),
      {
        numRuns: RUNS,
        verbose: 1,
        ...(process.env.THREADS_SEED ? { seed: Number(process.env.THREADS_SEED), endOnFailure: true } : {}),
        // Found by this property, kept: a delivery held at the frame cap that deliveryTimeout
        // failed was sent anyway (inFlight went negative); one that the timeout failed in the turn
        // it went out was counted delivered and dead-lettered (fixed by Connection.takeOver).
        examples: [
          [{ fates: [{ kind: 'hang' }], size: 1, perWorker: 1, bufferSize: 4, batch: 2, overflowStrategy: 'backpressure', retryAttempts: 0, delivery: 'ordered', count: 6, perMs: 1, poisonEvery: 0 }],
          [{ fates: [{ kind: 'hang' }, { kind: 'fail', ms: 0 }], size: 1, perWorker: 1, bufferSize: 8, batch: 2, overflowStrategy: 'backpressure', retryAttempts: 0, delivery: 'ordered', count: 9, perMs: 1, poisonEvery: 0 }],
        ],
      },
    );
  }, 600_000);
});
