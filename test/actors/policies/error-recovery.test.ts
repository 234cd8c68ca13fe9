import { describe, expect, it } from 'vitest';
import { ConfigError, GracefulErrorRecovery, backoffDelay, type DeadLetter } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';
import { flaky } from './flaky.js';

describe('backoffDelay (pure)', () => {
  it('doubles from retryDelay, caps at maxRetryDelay, adds jitter x u, never NaN or negative', () => {
    const o = { retryDelay: 100, maxRetryDelay: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((k) => backoffDelay(k, o, 0.9))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(2, { ...o, jitter: 0.5 }, 0.5)).toBe(250);
    expect(backoffDelay(1, { ...o, jitter: 1 }, 2)).toBe(100); // u outside [0,1) is ignored
    expect(backoffDelay(99999, o, 0)).toBe(1000);
    expect(backoffDelay(1, { retryDelay: 0, maxRetryDelay: 0, jitter: 0 }, 0)).toBe(0);
  });
});

describe('GracefulErrorRecovery caps left out', () => {
  it('follow a base set above their default (no ConfigError for a 60 s delay alone); a cap given below its base is still refused', () => {
    expect(new GracefulErrorRecovery({ retryDelay: 60_000 }).maxRetryDelay).toBe(60_000);
    expect(new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: 60_000 } }).breaker.maxResetTimeout).toBe(60_000);
    expect(new GracefulErrorRecovery({ retryDelay: 10 }).maxRetryDelay).toBe(30_000);
    expect(new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: 10 } }).breaker.maxResetTimeout).toBe(30_000);
    expect(() => new GracefulErrorRecovery({ retryDelay: 60_000, maxRetryDelay: 30_000 })).toThrow(ConfigError);
    expect(() => new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: 60_000, maxResetTimeout: 30_000 } })).toThrow(/circuitBreaker.maxResetTimeout/);
  });
});

describe('retrying', () => {
  it('retries a failed batch after retryDelay, then 2x, and nothing behind it moves meanwhile', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2, retryDelay: 100 });
    const t = flaky(engine, 2);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const sent = Array.from({ length: 6 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    expect(c.currentState).toBe('retrying');
    expect(t.attempts).toHaveLength(1);
    clock.increment(99);
    expect(t.attempts).toHaveLength(1);
    clock.increment(1); // retry 1 fails too → next delay 200
    expect(t.attempts).toHaveLength(2);
    expect(c.currentState).toBe('retrying');
    clock.increment(200); // retry 2 succeeds; the rest follows in order
    expect(c.currentState).toBe('flowing');
    expect(t.delivered).toEqual(sent);
    expect(c.stats()).toMatchObject({ delivered: 6, failedAttempts: 2, retries: 2, deadLettered: 0, inFlight: 0 });
    engine.dispose();
  });

  it('dead-letters after 1 + retryAttempts attempts and carries on with the next batch', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2, retryAttempts: 2, retryDelay: 10 });
    const t = flaky(engine, 3);
    const dead: DeadLetter[] = [];
    engine.deadLetters$.subscribe((d) => dead.push(d));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const sent = Array.from({ length: 4 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    clock.increment(10);
    clock.increment(20);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ connectionId: c.id, attempts: 3, messages: sent.slice(0, 2) });
    expect(t.delivered).toEqual(sent.slice(2));
    const s = c.stats();
    expect(s).toMatchObject({ deadLettered: 2, delivered: 2, state: 'flowing' });
    expect(s.accepted).toBe(s.delivered + s.deadLettered + s.droppedTotal + s.inFlight);
    engine.dispose();
  });

  it('a non-retryable error is attempted once; a rejected promise counts as a failure', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ isRetryable: (e) => !(e instanceof TypeError) }));
    let calls = 0;
    engine.node('t', {
      process: () => {
        calls++;
        return Promise.reject(new TypeError('bad data'));
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(c.stats().deadLettered).toBe(1);
    engine.dispose();
  });

  it('a delivery that hangs past deliveryTimeout fails and is retried', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ deliveryTimeout: 50, retryDelay: 10 }));
    let calls = 0;
    engine.node('t', {
      process: () => {
        calls++;
        if (calls === 1) return new Promise<void>(() => {}); // hangs forever
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(50);
    expect(c.currentState).toBe('retrying');
    clock.increment(10);
    expect(calls).toBe(2);
    expect(c.stats()).toMatchObject({ delivered: 1, failedAttempts: 1 });
    engine.dispose();
  });

  it('validates recovery options with typed errors naming the field', () => {
    for (const [field, opts] of [
      ['retryAttempts', { retryAttempts: -1 }],
      ['retryAttempts', { retryAttempts: 1.5 }],
      ['retryDelay', { retryDelay: Number.NaN }],
      ['jitter', { jitter: 2 }],
      ['deliveryTimeout', { deliveryTimeout: 0 }],
      ['circuitBreaker.consecutiveFailures', { circuitBreaker: { consecutiveFailures: 0 } }],
    ] as const) {
      expect(() => new GracefulErrorRecovery(opts as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field }));
    }
  });
});

it("a connection's own retryAttempts wins over the engine-wide recovery", () => {
  const { clock, engine } = simEngine({ maxBatchSize: 1 });
  engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3 }));
  let calls = 0;
  engine.node('t', {
    process: () => {
      calls++;
      throw new Error('x');
    },
  });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in', { retryAttempts: 0 }));
  c.offer(msg(clock));
  expect(calls).toBe(1);
  expect(c.stats().deadLettered).toBe(1);
  engine.dispose();
});
