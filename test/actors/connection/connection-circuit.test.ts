// The connection's circuit and delivery edges (src/actors/connection/connection-circuit.ts and
// connection-delivery.ts): the regressions of issue 11, each failing before its fix.
import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, NodeflowError, type DeadLetter, type EngineEvent, type StreamMessage } from '../../../src/index.js';
import { conserved, msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';

/** Steps simulated time in small increments so every timer fires at its own moment. */
function advance(clock: { increment(ms: number): void }, ms: number, step = 10) {
  for (let t = 0; t < ms; t += step) clock.increment(step);
}


/** Offers one message on a new s -> t connection and returns its only dead letter's error. */
function deadLetterOfOne(engine: ReturnType<typeof simEngine>['engine'], clock: ReturnType<typeof simEngine>['clock']) {
  const dead: DeadLetter[] = [];
  engine.deadLetters$.subscribe((d) => dead.push(d));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  c.offer(msg(clock));
  expect(dead).toHaveLength(1);
  return { c, error: dead[0]!.error as NodeflowError };
}

describe('a batch held for retry when the circuit opens (bug 1)', () => {
  const ways = [
    { name: 'openCircuit() during the retry wait, then closeCircuit()', trip: false, close: 'closeCircuit' as const },
    { name: 'openCircuit() during the retry wait, then resetCircuit()', trip: false, close: 'resetCircuit' as const },
    { name: 'the breaker trips on the retry, then closeCircuit()', trip: true, close: 'closeCircuit' as const },
    { name: 'the breaker trips on the retry, then resetCircuit()', trip: true, close: 'resetCircuit' as const },
  ];
  for (const way of ways) {
    it(`${way.name}: the held batch goes again at once, then everything behind it`, () => {
      const { clock, engine } = simEngine({ maxBatchSize: 1 });
      engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 5, retryDelay: 100, circuitBreaker: { consecutiveFailures: 2, resetTimeout: 30_000 } }));
      let failures = way.trip ? 2 : 1;
      const delivered: StreamMessage[] = [];
      engine.node('t', {
        process: (b) => {
          if (failures-- > 0) throw new Error('down');
          delivered.push(...b.messages);
        },
      });
      const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
      const first = msg(clock);
      c.offer(first);
      expect(c.currentState).toBe('retrying');
      if (way.trip) clock.increment(100); // the retry fails too: 2 in a row trips the breaker
      else c.openCircuit();
      expect(c.currentState).toBe('circuitOpen');
      const behind = [msg(clock), msg(clock)];
      for (const m of behind) c.offer(m);
      c[way.close]();
      expect(c.currentState).toBe('flowing');
      // "Deliveries resume at once": no time passes, and the held batch still goes first.
      expect(delivered).toEqual([first, ...behind]);
      advance(clock, 20_000);
      expect(c.stats()).toMatchObject({ delivered: 3, inFlight: 0, deadLettered: 0, state: 'flowing' });
      expect(conserved(c)).toBe(true);
      engine.dispose();
      expect(pendingTimers(clock)).toBe(0);
    });
  }
});

describe('a half-open probe that never settles (bug 2)', () => {
  it('with no deliveryTimeout, a probe outliving halfOpenTimeout counts as a failed attempt: the batch is dead-lettered in time and the next one flows', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 2, retryDelay: 10, circuitBreaker: { consecutiveFailures: 1, resetTimeout: 100, maxResetTimeout: 400, halfOpenTimeout: 50 } }));
    const stuck = msg(clock);
    const delivered: StreamMessage[] = [];
    let calls = 0;
    engine.node('t', {
      process: (b) => {
        calls++;
        if (b.messages[0] !== stuck) return void delivered.push(...b.messages);
        if (calls === 1) throw new Error('down'); // opens the circuit
        return new Promise<void>(() => {}); // every probe of it hangs, and nothing times it out
      },
    });
    const dead: DeadLetter[] = [];
    engine.deadLetters$.subscribe((d) => dead.push(d));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(stuck);
    expect(c.currentState).toBe('circuitOpen');
    const next = msg(clock);
    c.offer(next);
    advance(clock, 20_000);
    await flushMicrotasks();
    // 1 + retryAttempts attempts of the stuck batch (two of them probes that timed out), then on.
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempts).toBe(3);
    expect(dead[0]!.error).toBeInstanceOf(NodeflowError);
    expect((dead[0]!.error as NodeflowError).code).toBe('DELIVERY_TIMEOUT');
    expect(delivered).toEqual([next]);
    expect(c.currentState).toBe('flowing');
    expect(c.stats()).toMatchObject({ delivered: 1, deadLettered: 1, inFlight: 0 });
    engine.dispose();
  });

  it('a late success of the timed-out probe counts once and is not sent again', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 5, circuitBreaker: { consecutiveFailures: 1, resetTimeout: 100, halfOpenTimeout: 50 } }));
    let calls = 0;
    let release: (() => void) | undefined;
    engine.node('t', {
      process: () => {
        if (++calls === 1) throw new Error('down');
        if (calls === 2) return new Promise<void>((r) => (release = r));
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(100); // halfOpen: the probe hangs
    clock.increment(50); // timed out: a failed attempt, open again (for 200)
    expect(c.currentState).toBe('circuitOpen');
    expect(c.stats()).toMatchObject({ failedAttempts: 2, inFlight: 1 });
    release!();
    await flushMicrotasks();
    expect(c.stats()).toMatchObject({ delivered: 1, inFlight: 0 });
    advance(clock, 1000);
    expect(calls).toBe(2);
    engine.dispose();
  });
});

describe('manual open (bug 3)', () => {
  it('openCircuit() on an open circuit changes nothing: it half-opens at the first reset time', () => {
    const { clock, engine } = simEngine();
    engine.setErrorRecovery(new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: 1000 } }));
    const states: string[] = [];
    engine.events$.subscribe((e: EngineEvent) => e.type === 'connection.state' && states.push(`${clock.now()}:${e.to}`));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.openCircuit();
    clock.increment(500);
    c.openCircuit();
    expect(c.actor.getSnapshot().context.openFor).toBe(1000);
    expect(c.stats().breaker.reopens).toBe(1);
    clock.increment(500);
    expect(c.currentState).toBe('halfOpen');
    expect(states).toEqual(['0:circuitOpen', '1000:halfOpen']);
    engine.dispose();
  });
});

describe('what a failed delivery reports', () => {
  it('a delivery past deliveryTimeout fails with DELIVERY_TIMEOUT; its late success before the retry counts once', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ deliveryTimeout: 50, retryDelay: 100 }));
    const errors: unknown[] = [];
    engine.events$.subscribe((e) => e.type === 'delivery.failed' && errors.push(e.error));
    let calls = 0;
    engine.node('t', { process: () => (++calls, new Promise<void>((r) => clock.setTimeout(r, 70))) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(50);
    expect((errors[0] as NodeflowError).code).toBe('DELIVERY_TIMEOUT');
    expect(c.currentState).toBe('retrying');
    clock.increment(20); // it did arrive, late
    await flushMicrotasks();
    expect(c.currentState).toBe('flowing');
    advance(clock, 500);
    expect(calls).toBe(1);
    expect(c.stats()).toMatchObject({ delivered: 1, failedAttempts: 1, inFlight: 0 });
    engine.dispose();
  });

  it('an isRetryable that throws is reported: the dead letter says so and keeps both errors', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    const bug = new Error('predicate bug');
    engine.setErrorRecovery(new GracefulErrorRecovery({ isRetryable: () => { throw bug; } }));
    const boom = new Error('boom');
    engine.node('t', { process: () => { throw boom; } });
    const { c, error } = deadLetterOfOne(engine, clock);
    expect(error).toBeInstanceOf(NodeflowError);
    expect(error.code).toBe('RETRY_CHECK_FAILED');
    expect(error.message).toContain('predicate bug');
    expect(error.details).toMatchObject({ connectionId: c.id, error: boom, thrown: bug });
    expect(c.stats()).toMatchObject({ deadLettered: 1, failedAttempts: 1, retries: 0 });
    engine.dispose();
  });
});

describe("a custom recovery's retryDelayFor", () => {
  const base = new GracefulErrorRecovery();
  const custom = (retryDelayFor: (k: number) => number) => ({ retryAttempts: 2, retryDelayFor, isRetryable: () => true, deliveryTimeout: undefined, breaker: { ...base.breaker, consecutiveFailures: 100 } });

  it('a delay past what a timer honours is bounded to 2^31 - 1 ms, never clamped by Node to 1 ms', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(custom(() => 2 ** 40));
    let calls = 0;
    engine.node('t', { process: () => { calls++; throw new Error('down'); } });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(calls).toBe(1);
    clock.increment(10_000);
    expect(calls).toBe(1); // still waiting: the delay was not turned into "at once"
    expect(c.currentState).toBe('retrying');
    expect(c.actor.getSnapshot().context.retry?.delay).toBe(2 ** 31 - 1);
    engine.dispose();
  });

  it('a retryDelayFor that throws is reported like a throwing isRetryable: dead-lettered with RETRY_CHECK_FAILED', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    const bug = new Error('delay bug');
    engine.setErrorRecovery(custom(() => { throw bug; }));
    engine.node('t', { process: () => { throw new Error('down'); } });
    const { c, error } = deadLetterOfOne(engine, clock);
    expect(error.code).toBe('RETRY_CHECK_FAILED');
    expect(error.details).toMatchObject({ thrown: bug });
    expect(c.stats()).toMatchObject({ deadLettered: 1, retries: 0, inFlight: 0 });
    engine.dispose();
  });
});

describe('failing by overflow while a batch waits for its retry', () => {
  it('the waiting batch is dropped(overflow) with the buffer, so close() resolves and the counts add up', async () => {
    const { clock, engine } = simEngine({ bufferSize: 3, maxBatchSize: 1, overflowStrategy: 'fail' });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryDelay: 1000 }));
    engine.node('t', {
      process: () => {
        throw new Error('down');
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(c.currentState).toBe('retrying');
    c.offer(msg(clock));
    c.offer(msg(clock));
    expect(() => c.offer(msg(clock))).toThrow(expect.objectContaining({ code: 'CONNECTION_FAILED' }));
    expect(c.currentState).toBe('failed');
    // Later writes fail with the same code and reason as the first.
    expect(() => c.offer(msg(clock))).toThrow(expect.objectContaining({ code: 'CONNECTION_FAILED', details: { connectionId: c.id, reason: 'overflow' } }));
    expect(c.stats()).toMatchObject({ inFlight: 0, dropped: expect.objectContaining({ overflow: 3 }) });
    expect(conserved(c)).toBe(true);
    let closed = false;
    void c.close().then(() => (closed = true));
    await flushMicrotasks();
    expect(closed).toBe(true);
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });
});
