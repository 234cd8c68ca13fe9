// Deviations from semantics.md found by a review, pinned so they stay fixed.
import { describe, expect, it } from 'vitest';
import { AdaptiveBackpressureHandler, DefaultBackpressureHandler, GracefulErrorRecovery, backoffDelay, type Connection, type StreamMessage } from '../../src/index.js';
import { msg, simEngine } from '../support/helpers.js';

const settle = async () => {
  for (let i = 0; i < 8; i++) await Promise.resolve();
};
const conserved = (c: Connection) => {
  const s = c.stats();
  return s.accepted === s.delivered + s.droppedTotal + s.deadLettered + s.inFlight;
};

describe('breaker and late results', () => {
  it('a failure from before the open, arriving in halfOpen, neither retries nor re-opens; the probe decides', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1, batchTimeout: 0 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 1000, circuitBreaker: { resetTimeout: 100 } }));
    let rejectFirst: ((e: Error) => void) | undefined;
    let calls = 0;
    engine.node('t', {
      process: () => {
        if (++calls === 1) return new Promise<void>((_, reject) => (rejectFirst = reject));
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const states: string[] = [];
    engine.events$.subscribe((e) => e.type === 'connection.state' && states.push(e.to));
    c.offer(msg(clock));
    c.openCircuit();
    clock.increment(100);
    expect(c.currentState).toBe('halfOpen');
    rejectFirst!(new Error('late'));
    await settle();
    // No retrying, no re-open: the failed batch went out again as the half-open probe, at
    // once (no retry delay), and its success closed the breaker.
    expect(states).toEqual(['circuitOpen', 'halfOpen', 'flowing']);
    expect(calls).toBe(2);
    expect(c.stats()).toMatchObject({ delivered: 1, inFlight: 0, breaker: expect.objectContaining({ reopens: 0 }) });
    engine.dispose();
  });

  it('retry delays never exceed maxRetryDelay, jitter included', () => {
    const o = { retryDelay: 100, maxRetryDelay: 250, jitter: 1 };
    for (let k = 1; k < 6; k++) expect(backoffDelay(k, o, 0.999)).toBeLessThanOrEqual(250);
  });
});

describe('accounting at the moment events fire', () => {
  it('conservation holds inside every drop and state-change event', async () => {
    for (const setup of [
      { config: { bufferSize: 3, overflowStrategy: 'dropNew' as const }, handler: false },
      { config: { bufferSize: 4, maxBatchSize: 2 }, handler: true },
    ]) {
      const { clock, engine } = simEngine(setup.config);
      if (setup.handler) engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.5 }));
      let release: (() => void) | undefined;
      engine.node('t', { process: () => new Promise<void>((r) => (release = r)) });
      const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
      const broken: string[] = [];
      engine.events$.subscribe((e) => {
        if (!conserved(c)) broken.push(e.type);
      });
      for (let i = 0; i < 8; i++) c.offer({ ...msg(clock), priority: i % 2 ? 'low' : 'normal' });
      release?.();
      await settle();
      expect(broken).toEqual([]);
      engine.dispose();
    }
  });

  it('bufferSize bounds buffered plus the batch out', () => {
    const { clock, engine } = simEngine({ bufferSize: 3, maxBatchSize: 3 });
    engine.node('t', { process: () => new Promise<void>(() => {}) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 10; i++) c.offer(msg(clock));
    expect(c.stats()).toMatchObject({ accepted: 3, inFlight: 3, refused: 7 });
    engine.dispose();
  });
});

describe('critical is never shed while a handler is installed', () => {
  it.each(['dropHead', 'dropTail', 'dropBuffer', 'dropNew', 'conflate'] as const)('%s keeps every critical message and refuses a critical one it cannot place', (overflowStrategy) => {
    const { clock, engine } = simEngine({ bufferSize: 3, overflowStrategy });
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 1 }));
    const got: StreamMessage[] = [];
    engine.node('t', { process: (b) => void got.push(...b.messages) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.openCircuit();
    const outcomes = [1, 2, 3, 4, 5].map((i) => c.offer({ ...msg(clock), id: i, priority: 'critical', key: `k${i}` }));
    expect(outcomes).toEqual(['accepted', 'accepted', 'backpressured', 'full', 'full']);
    c.closeCircuit();
    c.flush();
    expect(got.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(c.stats().droppedTotal).toBe(0);
    engine.dispose();
  });
});

// Also the single-write case (a review found one write held twice maxWaitTime): counted once.
it('queued writes each settle within one maxWaitTime of being written, each counted once', async () => {
  const { clock, engine } = simEngine({ bufferSize: 4, maxBatchSize: 4 });
  engine.setBackpressureHandler(new DefaultBackpressureHandler({ maxWaitTime: 100 }));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  c.openCircuit();
  for (let i = 0; i < 4; i++) c.offer({ ...msg(clock), priority: 'critical' });
  const w = c.writer;
  const settledAt: number[] = [];
  for (let i = 0; i < 10; i++) void w.write({ ...msg(clock), priority: 'critical' }).then(() => settledAt.push(clock.now()));
  for (let t = 0; t < 300 && settledAt.length < 10; t++) {
    clock.increment(1);
    await settle();
  }
  expect(settledAt).toHaveLength(10);
  expect(Math.max(...settledAt)).toBeLessThanOrEqual(100 + 5); // maxWaitTime + scheduling slack
  expect(c.stats()).toMatchObject({ refused: 0, dropped: expect.objectContaining({ timeout: 10 }) });
  engine.dispose();
});

it('the adaptive handler brings a connection it adopts within its bounds', () => {
  const { clock, engine } = simEngine({ batchTimeout: 100, maxBatchSize: 5 });
  engine.setBackpressureHandler(new AdaptiveBackpressureHandler({ dropThreshold: 0.5, adjustmentInterval: 10, probe: { sample: () => 0, stop() {} } }));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  clock.increment(10);
  expect(c.knobs()).toEqual({ maxBatchSize: 10, batchTimeout: 64, dropThreshold: 0.8 });
  engine.dispose();
});

it('flows again only below the low watermark (hysteresis)', async () => {
  const { clock, engine } = simEngine({ bufferSize: 10, maxBatchSize: 1, backpressureThreshold: 0.8, lowWatermark: 0.5 });
  const releases: Array<() => void> = [];
  engine.node('t', { process: () => new Promise<void>((r) => releases.push(r)) });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  for (let i = 0; i < 10; i++) c.offer(msg(clock)); // 1 out + 9 buffered
  expect(c.isBackpressured).toBe(true);
  const bufferedAtRelief: number[] = [];
  engine.events$.subscribe((e) => e.type === 'connection.state' && e.to === 'flowing' && bufferedAtRelief.push(c.stats().buffered));
  while (releases.length && !bufferedAtRelief.length) {
    releases.shift()!();
    await settle();
  }
  expect(bufferedAtRelief).toEqual([4]); // 4 < 0.5 x 10; at 5 it was still backpressured
  engine.dispose();
});

describe('regressions found by the model suite after the review fixes', () => {
  it('closing with the circuit open lets the batch already out settle and counts it as it ends', async () => {
    const { clock, engine } = simEngine({ bufferSize: 1, maxBatchSize: 1, batchTimeout: 0 });
    let release: (() => void) | undefined;
    let seen = 0;
    engine.node('t', { process: () => new Promise<void>((r) => (release = () => ((seen = 1), r()))) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    c.openCircuit();
    const stopping = engine.stop();
    release!();
    await stopping;
    expect(seen).toBe(1);
    expect(c.stats()).toMatchObject({ delivered: 1, droppedTotal: 0, inFlight: 0 });
  });

  it('conflate never supersedes a critical message while a handler is installed', () => {
    const { clock, engine } = simEngine({ bufferSize: 4, maxBatchSize: 4, overflowStrategy: 'conflate' });
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 1 }));
    const got: unknown[] = [];
    engine.node('t', { process: (b) => void got.push(...b.messages.map((m) => m.id)) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 1; i <= 3; i++) c.offer({ ...msg(clock), id: i, key: 'same', priority: 'critical' });
    c.flush();
    expect(got).toEqual([1, 2, 3]);
    engine.dispose();
  });
});
