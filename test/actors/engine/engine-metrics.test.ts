import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, type EngineMetrics } from '../../../src/index.js';
import { msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';


describe('connection metrics', () => {
  it('latency of delivered messages from the histogram: a lone message waits out the batch window', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16, maxBatchSize: 50 }, { metrics: true });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 20; i++) {
      c.offer(msg(clock));
      clock.increment(16);
    }
    const m = c.metrics();
    expect(m.latency.count).toBe(20);
    expect(m.latency.p50).toBeCloseTo(16, 0);
    expect(m.latency.max).toBe(16);
    expect(m.latency.avg).toBeCloseTo(16, 5);
    engine.dispose();
  });

  it('a batch counts as its oldest and newest messages, half each: the mean is exact for evenly spaced messages', () => {
    const { clock, engine } = simEngine({ batchTimeout: 16, maxBatchSize: 50, batching: 'fixed' }, { metrics: true });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock)); // waits 16 ms
    clock.increment(8);
    c.offer(msg(clock)); // waits 8 ms
    clock.increment(8);
    const m = c.metrics().latency;
    expect(m.count).toBe(2);
    expect(m.avg).toBeCloseTo(12, 5);
    expect(m.max).toBe(16);
    expect(m.p50).toBeLessThan(8.2);
    engine.dispose();
  });

  it('rates and time ratios over a sliding window; metrics$ emits on its interval, never per message', async () => {
    const { clock, engine } = simEngine({ bufferSize: 1000, maxBatchSize: 10 });
    // A consumer that is busy 5 ms of every 10: 50% busy.
    engine.node('t', { process: () => new Promise<void>((r) => clock.setTimeout(r, 5)) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const seen: EngineMetrics[] = [];
    const sub = engine.metrics$(1000).subscribe((m) => seen.push(m));
    for (let t = 0; t < 3000; t++) {
      if (t % 10 === 0) for (let i = 0; i < 10; i++) c.offer(msg(clock)); // 1000 msg/s
      clock.increment(1);
      await flushMicrotasks();
    }
    sub.unsubscribe();
    expect(seen).toHaveLength(3);
    const m = seen[2]!.connections[c.id]!.metrics;
    expect(m.inPerSec).toBeGreaterThan(900);
    expect(seen[2]!.totals.inPerSec).toBeCloseTo(m.inPerSec, 5); // one connection: the engine's rate is its rate
    expect(m.inPerSec).toBeLessThan(1100);
    expect(m.outPerSec).toBeGreaterThan(900);
    expect(m.busyMsPerSec).toBeGreaterThan(400);
    expect(m.busyMsPerSec).toBeLessThan(600);
    expect(m.busyMsPerSec + m.backpressuredMsPerSec + m.idleMsPerSec).toBeCloseTo(1000, 5);
    engine.dispose();
  });

  it('backpressured time, circuit opens and recovery time', async () => {
    const { clock, engine } = simEngine({ bufferSize: 10, maxBatchSize: 1, batchTimeout: 0 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 5, retryDelay: 100, circuitBreaker: { consecutiveFailures: 2, resetTimeout: 300 } }));
    let failing = true;
    engine.node('t', {
      process: () => {
        if (failing) throw new Error('down');
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 9; i++) c.offer(msg(clock)); // fails; the rest buffers: backpressured
    clock.increment(100); // 2nd failure: circuit opens for 300
    expect(c.currentState).toBe('circuitOpen');
    failing = false;
    clock.increment(300); // half-open probe succeeds: flowing again, 400 ms after the first failure
    await flushMicrotasks();
    const m = c.metrics();
    expect(m.circuitOpens).toBe(1);
    expect(m.recovery).toMatchObject({ count: 1, avgMs: 400, maxMs: 400, failingForMs: 0 });
    expect(m.backpressuredMsPerSec).toBeGreaterThan(0);
    engine.dispose();
  });

  it('without metering, latency and busy time are not recorded (the default path stays lean)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(c.metrics().latency.count).toBe(0);
    const sub = engine.metrics$(1000).subscribe();
    c.offer(msg(clock));
    expect(c.metrics().latency.count).toBe(1);
    sub.unsubscribe();
    c.offer(msg(clock));
    expect(c.metrics().latency.count).toBe(1);
    engine.dispose();
  });

  it('engine metrics carry system load where the runtime reports it', () => {
    const { engine } = simEngine();
    const m = engine.getMetrics();
    expect(m.system.eventLoopUtilization === null || (m.system.eventLoopUtilization >= 0 && m.system.eventLoopUtilization <= 1)).toBe(true);
    expect(() => engine.metrics$(0)).toThrow(expect.objectContaining({ field: 'intervalMs' }));
    engine.dispose();
  });

  it('per-node figures sum the connections into and out of each node; event-loop delay while metrics$ runs', async () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    let fail = 3;
    engine.node('t', { process: () => { if (fail-- > 0) throw new Error('x'); } });
    const a = engine.getConnection(engine.createConnection('s', 't', 'out', 'in', { retryDelay: 1 }));
    const b = engine.getConnection(engine.createConnection('t', 'u', 'out', 'in'));
    engine.createWidget('w');
    engine.createConnection('s', 'w', 'out2', 'in');
    expect(engine.getMetrics().system.eventLoopDelay).toBeNull();
    const sub = engine.metrics$(250).subscribe(() => {});
    for (let i = 0; i < 20; i++) a.offer(msg(clock, 's', 't'));
    for (let i = 0; i < 5; i++) b.offer(msg(clock, 't', 'u'));
    for (let i = 0; i < 150; i++) {
      clock.increment(10);
      await flushMicrotasks();
    }
    const m = engine.getMetrics();
    expect(engine.getMetrics().system).toEqual(m.system); // reading has no side effect
    expect(m.nodes['s']).toMatchObject({ kind: 'node', sent: 20, droppedOut: 0 });
    expect(m.nodes['t']).toMatchObject({ kind: 'node', state: 'running', received: 20, sent: 5, errors: 3, retries: 3 });
    expect(m.nodes['u']!.received).toBe(5);
    expect(m.nodes['w']).toMatchObject({ kind: 'widget', state: 'waiting', received: 0 });
    expect(m.system.eventLoopDelay).toEqual({ meanMs: 0, maxMs: 0 }); // simulated time is never late
    expect(m.system.frameTime).toBeNull(); // no animation frames in Node
    sub.unsubscribe();
    engine.dispose();
  });

  // Before, its ticker ran once only to find the engine stopped (a timer after stop()).
  it('metrics$ on a stopped or disposed engine completes at once and starts no ticker', async () => {
    const { clock, engine } = simEngine();
    const stopped = engine.stop();
    clock.increment(10);
    await stopped;
    for (const end of ['stopped', 'disposed']) {
      if (end === 'disposed') engine.dispose();
      let completed = false;
      engine.metrics$(100).subscribe({ complete: () => (completed = true) });
      expect(completed, end).toBe(true);
      expect(pendingTimers(clock), end).toBe(0);
    }
  });
});
