import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERFLOW_STRATEGIES, type OverflowStrategy, type StreamMessage } from '../../../src/index.js';
import { NUM_RUNS, simEngine } from '../../support/helpers.js';

/**
 * semantics.md: "With capacity k, no consumer and n > k sends: dropHead keeps the last k;
 * dropTail the first k-1 plus the last; dropNew the first k; dropBuffer everything since the
 * last clear." No consumer = the circuit is held open, so nothing is delivered while sending.
 */
function run(strategy: OverflowStrategy, k: number, n: number, keys?: (i: number) => string | undefined) {
  const { clock, engine } = simEngine({ bufferSize: k, maxBatchSize: Math.min(k, 7), overflowStrategy: strategy });
  const got: StreamMessage[] = [];
  engine.node('t', { process: (b) => void got.push(...b.messages) });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  c.openCircuit();
  const outcomes: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = keys?.(i);
    outcomes.push(c.offer({ id: i, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i, ...(key === undefined ? {} : { key }) }));
  }
  const before = c.stats();
  c.closeCircuit();
  c.flush();
  const after = c.stats();
  engine.dispose();
  return { kept: got.map((m) => m.id as number), outcomes, before, after };
}

const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
const kn = fc.integer({ min: 1, max: 30 }).chain((k) => fc.tuple(fc.constant(k), fc.integer({ min: k + 1, max: 3 * k + 5 })));

describe('overflow strategies (capacity k, no consumer, n > k sends)', () => {
  it('dropHead keeps the last k', () => {
    fc.assert(fc.property(kn, ([k, n]) => void expect(run('dropHead', k, n).kept).toEqual(range(n - k, n))), { numRuns: NUM_RUNS });
  });
  it('dropTail keeps the first k-1 plus the last', () => {
    fc.assert(fc.property(kn, ([k, n]) => void expect(run('dropTail', k, n).kept).toEqual([...range(0, k - 1), n - 1])), { numRuns: NUM_RUNS });
  });
  it('dropNew keeps the first k and reports the rest dropped', () => {
    fc.assert(
      fc.property(kn, ([k, n]) => {
        const r = run('dropNew', k, n);
        expect(r.kept).toEqual(range(0, k));
        expect(r.outcomes.slice(k).every((o) => o === 'dropped')).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('dropBuffer keeps everything since the last clear', () => {
    fc.assert(
      fc.property(kn, ([k, n]) => {
        // Clears happen at sends k, 2k+1, 3k+2, ...: each full buffer is cleared, then takes the new one.
        const lastClear = k + Math.floor((n - 1 - k) / k) * k;
        expect(run('dropBuffer', k, n).kept).toEqual(range(lastClear, n));
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('backpressure never sheds: the k+1th offer is refused as full, nothing accepted is lost', () => {
    fc.assert(
      fc.property(kn, ([k, n]) => {
        const r = run('backpressure', k, n);
        expect(r.kept).toEqual(range(0, k));
        expect(r.outcomes.slice(k).every((o) => o === 'full')).toBe(true);
        expect(r.after.refused).toBe(n - k);
        expect(r.after.droppedTotal).toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('every strategy conserves: accepted = delivered + dropped (+ dead-lettered + in flight)', () => {
    const strategies = OVERFLOW_STRATEGIES.filter((s) => s !== 'fail');
    fc.assert(
      fc.property(kn, fc.constantFrom(...strategies), ([k, n], strategy) => {
        const r = run(strategy, k, n, (i) => `k${i % 3}`);
        for (const s of [r.before, r.after]) expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
        expect(r.after.inFlight).toBe(0);
        expect(r.before.buffered).toBeLessThanOrEqual(k);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('conflate keeps only the newest message per key, in send order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', undefined), { minLength: 1, maxLength: 40 }), (keys) => {
        const r = run('conflate', 50, keys.length, (i) => keys[i]);
        const expected = keys.map((key, i) => ({ key, i })).filter(({ key, i }) => key === undefined || keys.lastIndexOf(key) === i).map(({ i }) => i);
        expect(r.kept).toEqual(expected);
        expect(r.after.dropped.overflow).toBe(keys.length - expected.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('conflate takes a key function', () => {
    const { clock, engine } = simEngine({ overflowStrategy: 'conflate', conflateKey: (m) => (m.data as { series: string }).series });
    const got: unknown[] = [];
    engine.node('t', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (const [series, v] of [['x', 1], ['y', 2], ['x', 3]] as const) c.offer({ id: v, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: { series, v } });
    c.flush();
    expect(got).toEqual([{ series: 'y', v: 2 }, { series: 'x', v: 3 }]);
    engine.dispose();
  });
  it('fail: the overflowing offer throws CONNECTION_FAILED, the connection is failed, what it held is counted', () => {
    const { clock, engine } = simEngine({ bufferSize: 3, overflowStrategy: 'fail' });
    const id = engine.createConnection('s', 't', 'out', 'in');
    const c = engine.getConnection(id);
    c.openCircuit();
    const states: string[] = [];
    engine.events$.subscribe((e) => e.type === 'connection.state' && states.push(e.to));
    const m = (i: number): StreamMessage => ({ id: i, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i });
    for (let i = 0; i < 3; i++) c.offer(m(i));
    expect(() => c.offer(m(3))).toThrow(expect.objectContaining({ code: 'CONNECTION_FAILED' }));
    expect(c.currentState).toBe('failed');
    expect(states).toEqual(['failed']);
    // seed 539924859: a failed connection kept reporting backpressure over an empty buffer.
    expect(c.isBackpressured).toBe(false);
    expect(c.stats()).toMatchObject({ accepted: 3, dropped: expect.objectContaining({ overflow: 3 }), inFlight: 0 });
    expect(() => c.offer(m(4))).toThrow(expect.objectContaining({ code: 'CONNECTION_FAILED' }));
    expect(engine.listConnections().map((x) => x.state)).toEqual(['failed']);
    return engine.removeConnection(id).then(() => {
      expect(engine.listConnections()).toEqual([]);
      engine.dispose();
    });
  });
  it('refuses an unknown strategy with a ConfigError naming the field', () => {
    const { engine } = simEngine();
    expect(() => engine.createConnection('a', 'b', 'o', 'i', { overflowStrategy: 'dropOldest' as never })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'overflowStrategy' }));
    expect(() => engine.createConnection('a', 'b', 'o', 'i', { conflateKey: 'key' as never })).toThrow(expect.objectContaining({ field: 'conflateKey' }));
    engine.dispose();
  });
});
