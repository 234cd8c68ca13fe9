import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NUM_RUNS } from '../support/helpers.js';
import { descents, processes } from './processes.js';

// Three processes stepped 1 ms at a time: a twentieth of the usual runs (NUMRUNS=2000 gives 100).
const RUNS = Math.max(15, Math.round(NUM_RUNS / 20));

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  faults: fc.record({
    delayMs: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 })).map(([a, b]) => [a, a + b] as [number, number]),
    drop: fc.double({ min: 0, max: 0.2, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
    reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
  }),
  ackWaitMs: fc.integer({ min: 10, max: 60 }),
  bufferSize: fc.integer({ min: 4, max: 40 }),
  batch: fc.integer({ min: 1, max: 10 }),
  /** B's map → outlet edge: its own batch size and window, so the map's outputs can wait there. */
  outBatch: fc.integer({ min: 1, max: 12 }),
  outTimeout: fc.integer({ min: 1, max: 10 }),
  sinkMs: fc.integer({ min: 0, max: 4 }),
  count: fc.integer({ min: 1, max: 150 }),
  rate: fc.option(fc.integer({ min: 300, max: 5000 }), { nil: undefined }),
  killAt: fc.integer({ min: 1, max: 250 }),
});

describe('a relay process (inlet → map → outlet) killed mid-stream and replaced (property)', () => {
  it('loses nothing end to end: every value reaches C, one step back at most (the replay), duplicates only what was redelivered', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const batch = Math.min(s.batch, s.bufferSize);
        const t = processes({ config: { bufferSize: s.bufferSize, maxBatchSize: batch }, carrier: { seed: s.seed, faults: s.faults, ackWaitMs: s.ackWaitMs }, sinkMs: s.sinkMs });
        const out = { maxBatchSize: Math.min(s.outBatch, s.bufferSize), batchTimeout: s.outTimeout, batching: 'fixed' as const };
        const a = await t.producer(s.count, 0, s.rate);
        const b = await t.relay(out);
        const c = await t.consumer();
        const maxFrames = Math.ceil(s.bufferSize / batch);
        const sample = () => {
          expect(t.e1.held).toBeLessThanOrEqual(maxFrames);
          const r = a.outlets.get('e1');
          if (r) expect(r.sent).toBe(r.outstandingMessages + r.settledMessages + r.abandonedMessages);
        };
        await t.run(() => t.clock.now() >= s.killAt, 20_000, sample);
        b.kill();
        const b2 = await t.relay(out);
        const all = () => new Set(t.received).size === s.count && a.run.status().state === 'completed';
        expect(await t.run(all, 30_000, sample)).toBe(true);
        expect(Math.min(...t.received)).toBe(0);
        expect(Math.max(...t.received)).toBe(s.count - 1);
        expect(descents(t.received)).toBeLessThanOrEqual(1);
        const dupes = t.received.length - s.count;
        expect(dupes).toBeLessThanOrEqual((b2.counters('i').redelivered ?? 0) * batch);
        expect(a.outlets.get('e1')).toMatchObject({ accepted: s.count, settledMessages: s.count, outstandingFrames: 0 });
        expect(c.counters('i').duplicates ?? 0).toBeLessThanOrEqual(t.e2.duplicates + t.e2.redeliveries);
        await t.stop(b2, c);
      }),
      { numRuns: RUNS, verbose: 1 },
    );
  }, 600_000);
});
