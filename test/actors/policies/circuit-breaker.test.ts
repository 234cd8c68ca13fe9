import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, backoffDelay } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';
import { flaky } from './flaky.js';

describe('circuit breaker (consecutive failures)', () => {
  it('opens after N failures in a row, makes zero attempts while open, probes in halfOpen, closes on success', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1, retryAttempts: 0 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 0, circuitBreaker: { consecutiveFailures: 3, resetTimeout: 1000 } }));
    const t = flaky(engine, 1000);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 3; i++) c.offer(msg(clock));
    expect(c.currentState).toBe('circuitOpen');
    expect(t.attempts).toHaveLength(3);
    // Messages keep buffering while open; nothing reaches the target.
    for (let i = 0; i < 5; i++) expect(c.offer(msg(clock))).toBe('accepted');
    clock.increment(999);
    expect(t.attempts).toHaveLength(3);
    t.heal();
    clock.increment(1); // halfOpen: one probe batch, it succeeds → flowing, the rest follows
    expect(c.currentState).toBe('flowing');
    expect(t.delivered).toHaveLength(5);
    expect(c.stats()).toMatchObject({ deadLettered: 3, delivered: 5, inFlight: 0 });
    engine.dispose();
  });

  it('a failed probe re-opens for twice as long', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 10, retryDelay: 1, circuitBreaker: { consecutiveFailures: 2, resetTimeout: 100 } }));
    const t = flaky(engine, 1000);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(1); // 2nd failure → open for 100
    expect(c.currentState).toBe('circuitOpen');
    clock.increment(100); // probe fails → open for 200
    expect(t.attempts).toHaveLength(3);
    expect(c.currentState).toBe('circuitOpen');
    expect(c.actor.getSnapshot().context.openFor).toBe(200);
    clock.increment(199);
    expect(t.attempts).toHaveLength(3);
    t.heal();
    clock.increment(1);
    expect(c.currentState).toBe('flowing');
    expect(t.delivered).toHaveLength(1); // the same batch, retried as the probe: never lost
    engine.dispose();
  });
});

describe('circuit breaker (sliding window, manual control, bounded half-open, late results)', () => {
  it('opens on the failure rate over the window once minimumThroughput attempts were seen', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 0, circuitBreaker: { consecutiveFailures: 100, windowSize: 10, minimumThroughput: 4, failureRateThreshold: 0.5 } }));
    let n = 0;
    engine.node('t', {
      process: () => {
        if (n++ % 2 === 1) throw new Error('every other one fails');
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 3; i++) c.offer(msg(clock)); // ok, fail, ok: 1/3 < minimumThroughput anyway
    expect(c.currentState).toBe('flowing');
    c.offer(msg(clock)); // fail: 2 of 4 = 50%
    expect(c.currentState).toBe('circuitOpen');
    expect(c.stats().breaker).toMatchObject({ windowAttempts: 4, windowFailures: 2 });
    engine.dispose();
  });

  it('a single failure never opens it by rate (minimumThroughput >= 2 is enforced)', () => {
    expect(() => new GracefulErrorRecovery({ circuitBreaker: { minimumThroughput: 1 } })).toThrow(expect.objectContaining({ field: 'circuitBreaker.minimumThroughput' }));
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 0, circuitBreaker: { minimumThroughput: 2, failureRateThreshold: 0.1 } }));
    engine.node('t', { process: () => Promise.reject(new Error('x')) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(c.currentState).toBe('flowing');
    engine.dispose();
  });

  it('manual open: zero attempts while open, buffering continues; manual close resumes; reset forgets the backoff', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const t = flaky(engine, 0);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.openCircuit();
    expect(c.currentState).toBe('circuitOpen');
    for (let i = 0; i < 6; i++) c.offer(msg(clock));
    expect(t.attempts).toHaveLength(0);
    expect(c.stats().buffered).toBe(6);
    c.closeCircuit();
    expect(c.currentState).toBe('flowing');
    expect(t.delivered).toHaveLength(6);
    c.openCircuit();
    c.closeCircuit();
    c.openCircuit();
    expect(c.actor.getSnapshot().context.openFor).toBe(1000); // a close starts the open-time backoff over
    c.resetCircuit();
    expect(c.currentState).toBe('flowing');
    engine.dispose();
  });

  it('half-open is bounded in time: a probe that never answers re-opens it, and its late success does not close it', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 5, retryDelay: 1, circuitBreaker: { consecutiveFailures: 1, resetTimeout: 100, halfOpenTimeout: 50 } }));
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    let release: (() => void) | undefined;
    engine.node('t', {
      process: () => {
        if (mode === 'fail') throw new Error('down');
        if (mode === 'hang') return new Promise<void>((r) => (release = r));
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(c.currentState).toBe('circuitOpen');
    mode = 'hang';
    clock.increment(100); // halfOpen: the probe hangs
    expect(c.currentState).toBe('halfOpen');
    clock.increment(50); // half-open timed out → open again (for 200)
    expect(c.currentState).toBe('circuitOpen');
    release!();
    await new Promise((r) => setImmediate(r));
    expect(c.currentState).toBe('circuitOpen'); // the late success did not close it
    expect(c.stats().delivered).toBe(1); // ...but the batch did arrive, and is counted once
    mode = 'ok';
    clock.increment(200);
    c.offer(msg(clock)); // the next probe
    expect(c.currentState).toBe('flowing');
    engine.dispose();
  });

  it('emits one debug event per retry and per real state change (none for re-entering retrying)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1, retryDelay: 10 });
    flaky(engine, 3);
    const events: string[] = [];
    engine.events$.subscribe((e) => e.type !== 'node.state' && events.push(e.type === 'connection.state' ? `${e.from}->${e.to}` : e.type));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(10);
    clock.increment(20);
    clock.increment(40);
    expect(events).toEqual([
      'connection.created',
      'delivery.failed', 'delivery.retry', 'flowing->retrying',
      'delivery.failed', 'delivery.retry',
      'delivery.failed', 'delivery.retry',
      'retrying->flowing',
    ]);
    engine.dispose();
  });
});

// Found by the connection model: after the probe closed the breaker, the next batch went out
// while the machine still read halfOpen (its probeSucceeded was queued).
it('half-open lets exactly halfOpenProbes attempts through; the rest waits for flowing', () => {
  const { clock, engine } = simEngine({ bufferSize: 2, maxBatchSize: 1, batchTimeout: 0 });
  engine.setErrorRecovery(new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: 5, halfOpenProbes: 1 } }));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const states: string[] = [];
  engine.node('t', { process: () => void states.push(c.currentState) });
  c.openCircuit();
  c.offer(msg(clock));
  c.offer(msg(clock));
  clock.increment(5);
  // 2 buffered of 2 was backpressured; 1 left is not below the low watermark (0.5 x 2) yet.
  expect(states).toEqual(['halfOpen', 'backpressured']);
  engine.dispose();
});


it('the breaker in force is the one installed now (halfOpenProbes read when half-open begins)', () => {
  const { clock, engine } = simEngine({ maxBatchSize: 1 });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  engine.setErrorRecovery(new GracefulErrorRecovery({ retryDelay: 1, circuitBreaker: { consecutiveFailures: 1, resetTimeout: 20, halfOpenProbes: 2 } }));
  let failures = 1;
  engine.node('t', {
    process: () => {
      if (failures-- > 0) throw new Error('once');
    },
  });
  c.offer(msg(clock));
  expect(c.currentState).toBe('circuitOpen');
  c.offer(msg(clock));
  c.offer(msg(clock));
  clock.increment(20); // two probes: the retried batch and the next one
  expect(c.currentState).toBe('flowing');
  expect(c.stats()).toMatchObject({ delivered: 3, inFlight: 0 });
  engine.dispose();
});

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
    await flushMicrotasks();
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
