// Problems a new-user review found, pinned so they stay fixed.
import { describe, expect, it } from 'vitest';
import { DefaultBackpressureHandler, GracefulErrorRecovery, type StreamMessage } from '../../src/index.js';
import { msg, pendingTimers, simEngine } from '../support/helpers.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('closing never strands a held batch', () => {
  it('removeConnection while retrying: the batch gets one last attempt, the buffer is delivered, it resolves', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1, retryDelay: 200 });
    let fail = true;
    const got: unknown[] = [];
    engine.node('t', {
      process: (b) => {
        if (fail) throw new Error('down');
        got.push(...b.messages);
      },
    });
    const id = engine.createConnection('s', 't', 'out', 'in');
    const c = engine.getConnection(id);
    for (let i = 0; i < 3; i++) c.offer(msg(clock));
    expect(c.currentState).toBe('retrying');
    fail = false;
    await engine.removeConnection(id);
    expect(got).toHaveLength(3);
    expect(c.stats()).toMatchObject({ delivered: 3, inFlight: 0, deadLettered: 0 });
    expect(engine.hasConnection(id)).toBe(false);
    engine.dispose();
  });

  it('stop() with the circuit open makes no attempt: what is left is dropped(circuitOpen), at once', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 0, circuitBreaker: { consecutiveFailures: 1 } }));
    let fail = true;
    engine.node('t', {
      process: () => {
        if (fail) throw new Error('down');
      },
    });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    for (let i = 0; i < 4; i++) c.offer(msg(clock));
    expect(c.currentState).toBe('circuitOpen');
    fail = false;
    await engine.stop({ timeout: 10_000 }); // resolves without the clock moving
    expect(c.stats()).toMatchObject({ delivered: 0, deadLettered: 1, dropped: expect.objectContaining({ circuitOpen: 4 }), inFlight: 0 });
    expect(pendingTimers(clock)).toBe(0);
  });
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

it('cancelling the readable hands the unread rest back to the node, nothing lost; a new readable can be taken', async () => {
  const { clock, engine } = simEngine({ maxBatchSize: 10 });
  const got: unknown[] = [];
  engine.node('t', { process: (b) => void got.push(...b.messages.map((m) => m.id)) });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const reader = c.readable.getReader();
  const sent: StreamMessage[] = Array.from({ length: 30 }, () => msg(clock));
  for (const m of sent) c.offer(m);
  const read: unknown[] = [];
  for (let i = 0; i < 13; i++) read.push((await reader.read()).value!.id);
  await reader.cancel();
  await tick();
  c.flush();
  await tick();
  expect([...read, ...got]).toEqual(sent.map((m) => m.id));
  expect(c.readable.locked).toBe(false);
  engine.dispose();
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

describe('bounded bookkeeping', () => {
  it('nodes that exist only for a connection go with it; removeNode refuses a node in use', async () => {
    const { engine } = simEngine();
    for (let i = 0; i < 50; i++) {
      const id = engine.createConnection(`a${i}`, `b${i}`, 'out', 'in');
      await engine.removeConnection(id);
    }
    expect((engine as unknown as { nodes: Map<string, unknown> }).nodes.size).toBe(0);
    engine.node('kept', { process: () => {} });
    const id = engine.createConnection('src', 'kept', 'out', 'in');
    expect(() => engine.removeNode('kept')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await engine.removeConnection(id);
    expect(() => engine.node('kept')).not.toThrow(); // user-owned nodes stay
    engine.removeNode('kept');
    engine.dispose();
  });

  it('final counters stay readable after stop() as retired totals', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 5; i++) c.offer(msg(clock));
    await engine.stop();
    expect(engine.getMetrics().retired).toMatchObject({ connections: 1, accepted: 5, delivered: 5, inFlight: 0 });
  });
});

describe('API edges', () => {
  it('ids cannot collide when names contain separators', () => {
    const { engine } = simEngine();
    const a = engine.createConnection('a:b', 'd', 'c', 'e');
    const b = engine.createConnection('a', 'd', 'b:c', 'e');
    expect(a).not.toBe(b);
    expect(engine.getConnection(b).outputPort).toBe('b:c');
    engine.dispose();
  });

  it('refuses empty port names, nodes on a stopped engine, unknown option keys', async () => {
    const { engine } = simEngine();
    expect(() => engine.node('n').output('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new GracefulErrorRecovery({ retries: 5 } as never)).toThrow(expect.objectContaining({ field: 'retries' }));
    expect(() => new GracefulErrorRecovery({ circuitBreaker: { threshold: 1 } } as never)).toThrow(expect.objectContaining({ field: 'circuitBreaker.threshold' }));
    expect(() => new DefaultBackpressureHandler({ dropAt: 1 } as never)).toThrow(expect.objectContaining({ field: 'dropAt' }));
    expect(() => engine.createWidget('w', { size: 3 } as never)).toThrow(expect.objectContaining({ field: 'size' }));
    expect(() => engine.node('m', { proc: () => {} } as never)).toThrow(expect.objectContaining({ field: 'proc' }));
    const first = engine.stop();
    expect(engine.stop()).toBe(first); // a second stop() waits for the same drain
    await first;
    expect(() => engine.node('late')).toThrow(expect.objectContaining({ code: 'ENGINE_STOPPED' }));
  });
});
