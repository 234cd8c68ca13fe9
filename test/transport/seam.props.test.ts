import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NUM_RUNS } from '../support/helpers.js';
import { twoEngines, type TargetStep } from './two-engines.js';

// Replay a failure: SEAM_SEED=<seed> (stops at the first failure) or SEAM_EXAMPLE=<counterexample JSON>.
// Each run steps simulated time 1 ms at a time through a whole edge: a tenth of the usual runs
// (NUMRUNS=2000 gives 200).
const RUNS = Math.max(20, Math.round(NUM_RUNS / 10));

const step: fc.Arbitrary<TargetStep> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'fail' as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 15 }).map((ms) => ({ kind: 'slow' as const, ms })) },
);

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  faults: fc.record({
    delayMs: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 6 })).map(([a, b]) => [a, a + b] as [number, number]),
    drop: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    reorder: fc.double({ min: 0, max: 0.3, noNaN: true }),
  }),
  ackWaitMs: fc.integer({ min: 5, max: 60 }),
  bufferSize: fc.integer({ min: 4, max: 60 }),
  batch: fc.integer({ min: 1, max: 12 }),
  overflowStrategy: fc.constantFrom('backpressure' as const, 'dropHead' as const, 'dropNew' as const),
  steps: fc.array(step, { minLength: 1, maxLength: 6 }),
  retryAttempts: fc.integer({ min: 0, max: 2 }),
  count: fc.integer({ min: 1, max: 150 }),
  rate: fc.option(fc.integer({ min: 200, max: 5000 }), { nil: undefined }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** The scenario's edge: two engines on a faulty memory carrier, its source started. */
async function edgeOf(s: Scenario) {
  const t = twoEngines({
    config: { bufferSize: s.bufferSize, maxBatchSize: Math.min(s.batch, s.bufferSize), overflowStrategy: s.overflowStrategy },
    carrier: { seed: s.seed, faults: s.faults, ackWaitMs: s.ackWaitMs },
    steps: s.steps,
    recovery: { retryAttempts: s.retryAttempts, retryDelay: 3, circuitBreaker: { resetTimeout: 20, maxResetTimeout: 40, halfOpenTimeout: 100 } },
  });
  const { p, c } = await t.start(s.count, s.rate);
  const conn = t.producerConnection();
  const maxFrames = Math.ceil(s.bufferSize / Math.min(s.batch, s.bufferSize));
  /** The identity across the edge (from the producer connection alone) and the bounds, now. */
  const checkEdge = () => {
    const st = conn.stats();
    expect(st.accepted).toBe(st.delivered + st.droppedTotal + st.deadLettered + st.inFlight);
    expect(st.inFlight).toBeLessThanOrEqual(s.bufferSize);
    expect(t.carrier.held).toBeLessThanOrEqual(maxFrames);
  };
  return { t, p, c, conn, maxFrames, checkEdge };
}

describe('a connection across processes over a faulty carrier (property)', () => {
  it('delivers in order, each accepted message once or dead-lettered or dropped at the producer, conserved at every sample, bounded everywhere', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { t, p, c, conn, maxFrames, checkEdge } = await edgeOf(s);
        const sample = () => {
          checkEdge();
          const o = t.outlets.get('e1');
          if (o) {
            expect(o.sent).toBe(o.outstandingMessages + o.settledMessages + o.abandonedMessages);
            expect(o.outstandingFrames).toBeLessThanOrEqual(maxFrames);
          }
        };
        const dead = () => t.carrier.deadLetters.reduce((n, d) => n + d.messages.length, 0);
        const done = () => p.status().state === 'completed' && t.received.length + dead() + conn.stats().droppedTotal === s.count;
        expect(await t.run(done, 20_000, sample)).toBe(true);
        const st = conn.stats();
        // FIFO at the target, nothing twice.
        for (let i = 1; i < t.received.length; i++) expect(t.received[i] as number).toBeGreaterThan(t.received[i - 1] as number);
        // Every value once: delivered, dead-lettered (recorded where dead letters go), or dropped at the producer.
        const seen = new Set([...t.received, ...t.carrier.deadLetters.flatMap((d) => d.messages.map((m) => m.data))]);
        expect(seen.size).toBe(t.received.length + dead());
        expect(st).toMatchObject({ accepted: s.count, delivered: t.received.length, deadLettered: dead(), inFlight: 0 });
        expect(t.carrier.maxHeld).toBeLessThanOrEqual(maxFrames);
        await t.stop(c);
      }),
      { numRuns: process.env.SEAM_EXAMPLE ? 0 : RUNS, verbose: 1, ...(process.env.SEAM_SEED ? { seed: Number(process.env.SEAM_SEED), endOnFailure: true } : {}), examples: process.env.SEAM_EXAMPLE ? [[JSON.parse(process.env.SEAM_EXAMPLE)]] : [] },
    );
  }, 600_000);
});

describe('a consumer process replaced mid-stream (property)', () => {
  it('loses nothing: every accepted message is delivered (a replay only within the in-flight window), dead-lettered, or dropped at the producer; each consumer sees FIFO', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 200 }), async (s, replaceAt) => {
        const { t, p, c, conn, maxFrames, checkEdge } = await edgeOf(s);
        await t.run(() => t.clock.now() >= replaceAt, 20_000, checkEdge);
        // The old consumer process goes away (its unsettled frames stay with the carrier) and a new one starts.
        void c.stop({ timeout: 0 });
        const c2 = await t.newConsumer();
        const dead = () => t.carrier.deadLetters.reduce((n, d) => n + d.messages.length, 0);
        const unique = () => new Set(t.received).size;
        const done = () => p.status().state === 'completed' && t.carrier.held === 0;
        expect(await t.run(done, 20_000, checkEdge)).toBe(true);
        for (const list of t.perConsumer) for (let i = 1; i < list.length; i++) expect(list[i] as number).toBeGreaterThan(list[i - 1] as number);
        const st = conn.stats();
        // Settled once per frame: a message the old consumer delivered but did not settle may be
        // dead-lettered by its replacement (at-least-once), so it is counted by its settlement.
        expect(st).toMatchObject({ accepted: s.count, deadLettered: dead(), inFlight: 0 });
        expect(st.delivered + st.deadLettered + st.droppedTotal).toBe(s.count);
        const fates = new Set([...t.received, ...t.carrier.deadLetters.flatMap((d) => d.messages.map((m) => m.data))]);
        expect(fates.size + st.droppedTotal).toBe(s.count);
        // Replayed only what the first consumer had not settled: at most its window of frames.
        expect(t.received.length - unique()).toBeLessThanOrEqual(maxFrames * Math.min(s.batch, s.bufferSize) + s.bufferSize);
        await t.stop(c2);
      }),
      { numRuns: RUNS, verbose: 1 },
    );
  }, 600_000);
});
