// Fault injection: targets that throw, reject, hang, crawl or recover; a producer that never
// awaits `ready`. In every case: no stuck state, a bounded buffer, counters that add up.
import { describe, expect, it } from 'vitest';
import { DefaultBackpressureHandler, GracefulErrorRecovery, type Connection, type ProcessFn } from '../../../src/index.js';
import { msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';


function conserved(c: Connection) {
  const s = c.stats();
  expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
  expect(s.buffered).toBeLessThanOrEqual(c.config.bufferSize);
  return s;
}

/** Produces `perMs` messages every simulated ms for `ms`, checking the laws after each ms. */
async function drive(process: ProcessFn, opts: { perMs: number; ms: number; handler?: boolean; recovery?: GracefulErrorRecovery }) {
  const { clock, engine } = simEngine({ bufferSize: 200, maxBatchSize: 10 });
  if (opts.handler) engine.setBackpressureHandler(new DefaultBackpressureHandler({ maxWaitTime: 20 }));
  if (opts.recovery) engine.setErrorRecovery(opts.recovery);
  engine.node('t', { process });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  let refused = 0;
  for (let t = 0; t < opts.ms; t++) {
    for (let i = 0; i < opts.perMs; i++) if (c.offer(msg(clock)) === 'full') refused++;
    clock.increment(1);
    await flushMicrotasks();
    conserved(c);
  }
  const stopping = engine.stop({ timeout: 500 });
  for (let t = 0; t < 600 && engine.state !== 'stopped'; t++) {
    clock.increment(1);
    await flushMicrotasks();
  }
  await stopping;
  const s = conserved(c);
  expect(s.inFlight).toBe(0);
  expect(s.refused).toBe(refused);
  expect(pendingTimers(clock)).toBe(0);
  expect(engine.state).toBe('stopped');
  return s;
}

describe('fault injection', () => {
  it('a target that always throws: retried, dead-lettered, circuit opens, nothing stuck', async () => {
    const s = await drive(() => {
      throw new Error('boom');
    }, { perMs: 5, ms: 300, recovery: new GracefulErrorRecovery({ retryAttempts: 2, retryDelay: 5, circuitBreaker: { resetTimeout: 50 } }) });
    expect(s.delivered).toBe(0);
    expect(s.deadLettered).toBeGreaterThan(0);
    expect(s.accepted).toBe(s.deadLettered + s.droppedTotal);
  });

  it('a target that always rejects: same, through the promise path', async () => {
    const s = await drive(() => Promise.reject(new Error('nope')), { perMs: 5, ms: 300, handler: true, recovery: new GracefulErrorRecovery({ retryAttempts: 1, retryDelay: 5, circuitBreaker: { resetTimeout: 30 } }) });
    expect(s.delivered).toBe(0);
    expect(s.deadLettered + s.droppedTotal).toBe(s.accepted);
  });

  it('a target that hangs: deliveryTimeout turns it into failures; the stop never waits on it', async () => {
    const s = await drive(() => new Promise<void>(() => {}), { perMs: 2, ms: 200, recovery: new GracefulErrorRecovery({ retryAttempts: 1, retryDelay: 5, deliveryTimeout: 20 }) });
    expect(s.delivered).toBe(0);
    expect(s.failedAttempts).toBeGreaterThan(0);
  });

  it('a target that hangs with no deliveryTimeout: stop() gives up after its timeout and counts dropped(shutdown)', async () => {
    const s = await drive(() => new Promise<void>(() => {}), { perMs: 2, ms: 50 });
    expect(s.dropped.shutdown).toBeGreaterThan(0);
  });

  it('a target 100x slower than the producer: the buffer stays bounded, the handler sheds, latency does not grow without bound', async () => {
    const { clock, engine } = simEngine({ bufferSize: 200, maxBatchSize: 10 });
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ maxWaitTime: 20 }));
    // 10 messages per ms offered; the target needs 10 ms per batch of 10: 100x slower.
    engine.node('t', { process: () => new Promise<void>((r) => clock.setTimeout(r, 10)) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let t = 0; t < 500; t++) {
      for (let i = 0; i < 10; i++) c.offer(msg(clock));
      clock.increment(1);
      await flushMicrotasks();
      conserved(c);
    }
    const s = c.stats();
    expect(s.delivered).toBeGreaterThanOrEqual(400); // ~1 msg/ms gets through
    expect(s.dropped.priority).toBeGreaterThan(4000);
    expect(s.buffered).toBeLessThanOrEqual(200);
    engine.dispose();
  });

  it('a target that recovers after N failures: everything after it is delivered in order', async () => {
    let failures = 7;
    const s = await drive(() => {
      if (failures-- > 0) throw new Error('warming up');
    }, { perMs: 3, ms: 600, recovery: new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 2, circuitBreaker: { consecutiveFailures: 3, resetTimeout: 10 } }) });
    expect(s.delivered).toBeGreaterThan(0);
    expect(s.state).toBe('closed');
  });

  it('a producer that never awaits ready: every write settles (accepted or dropped(timeout)), counts exact', async () => {
    const { clock, engine } = simEngine({ bufferSize: 50, maxBatchSize: 10 });
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 1, maxWaitTime: 10 }));
    engine.node('t', { process: () => new Promise<void>(() => {}) }); // stalled for good
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const w = c.writer;
    let settled = 0;
    for (let i = 0; i < 300; i++) void w.write({ ...msg(clock), priority: i % 2 ? 'critical' : 'normal' }).then(() => settled++);
    for (let t = 0; t < 300 * 25 && settled < 300; t++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    expect(settled).toBe(300);
    const s = conserved(c);
    expect(s.accepted).toBe(300);
    expect(s.refused).toBe(0);
    expect(s.inFlight).toBeLessThanOrEqual(60);
    engine.dispose();
  });
});
