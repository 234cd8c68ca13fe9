import { describe, expect, it } from 'vitest';
import { NodeflowError, type Batch, type StreamMessage, GracefulErrorRecovery, DefaultBackpressureHandler } from '../../../src/index.js';
import { conserved, msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { nextMacrotask as tick, flushMicrotasks } from '../../support/flush.js';

/** A target whose deliveries can be held open (a stalled consumer) and released. */
function controllable(engine: ReturnType<typeof simEngine>['engine'], id = 't') {
  const batches: Batch[] = [];
  let stalled = false;
  const waiting: Array<() => void> = [];
  engine.node(id, {
    process: (b) => {
      batches.push(b);
      if (stalled) return new Promise<void>((r) => waiting.push(r));
    },
  });
  return {
    batches,
    stall: () => (stalled = true),
    release: async () => {
      stalled = false;
      while (waiting.length) {
        waiting.shift()!();
        await Promise.resolve();
        await Promise.resolve();
      }
    },
    delivered: () => batches.flatMap((b) => b.messages),
  };
}

describe('batching', () => {
  it('flushes ONE batch synchronously when maxBatchSize is reached, never before', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 5 });
    const t = controllable(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 4; i++) c.offer(msg(clock));
    expect(t.batches).toHaveLength(0);
    c.offer(msg(clock));
    expect(t.batches.map((b) => b.messages.length)).toEqual([5]);
    expect(t.batches[0]!.connectionId).toBe(c.id);
    expect(t.batches[0]!.port).toBe('in');
    engine.dispose();
  });

  it('fixed batching: flushes a partial batch when its first message has waited batchTimeout (simulated time)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50, batchTimeout: 16, batching: 'fixed' });
    const t = controllable(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    clock.increment(10);
    c.offer(msg(clock));
    c.offer(msg(clock));
    clock.increment(5);
    expect(t.batches).toHaveLength(0);
    clock.increment(1); // the first message has now waited 16 ms
    expect(t.batches.map((b) => b.messages.length)).toEqual([3]);
    clock.increment(100);
    expect(t.batches).toHaveLength(1); // never an empty batch
    engine.dispose();
  });

  it('keeps FIFO order across batches', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 7 });
    const t = controllable(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const sent = Array.from({ length: 40 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    clock.increment(16);
    expect(t.delivered()).toEqual(sent);
    engine.dispose();
  });
});

describe('backpressure (flowing ⇄ backpressured)', () => {
  it('enters backpressured at the threshold and flows again only below the low watermark', async () => {
    const { clock, engine } = simEngine({ bufferSize: 100, maxBatchSize: 10, backpressureThreshold: 0.8, lowWatermark: 0.5 });
    const t = controllable(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const w = c.writer;
    expect(w.desiredSize).toBe(1);
    t.stall();
    const outcomes = Array.from({ length: 90 }, () => c.offer(msg(clock)));
    // Occupancy counts the 10 out in the stalled delivery: the 80th message reaches 0.8 x 100.
    expect(outcomes.slice(0, 79).filter((o) => o === 'backpressured')).toHaveLength(0);
    expect(outcomes.slice(79).every((o) => o === 'backpressured')).toBe(true);
    expect(c.stats().bufferUtilization).toBe(0.9);
    expect(c.currentState).toBe('backpressured');
    expect(c.isBackpressured).toBe(true);
    await tick();
    expect(w.desiredSize).toBeLessThanOrEqual(0);
    let ready = false;
    void w.ready.then(() => (ready = true));
    await tick();
    expect(ready).toBe(false);
    // Release the consumer: the batches drain and occupancy falls below the low watermark once.
    const states: string[] = [];
    engine.events$.subscribe((e) => e.type === 'connection.state' && states.push(`${e.from}->${e.to}`));
    await t.release();
    await tick();
    clock.increment(16);
    await t.release();
    await tick();
    expect(c.currentState).toBe('flowing');
    expect(states).toEqual(['backpressured->flowing']);
    expect(ready).toBe(true);
    expect(w.desiredSize).toBe(1);
    expect(c.stats().backpressureEvents).toBe(1);
    engine.dispose();
  });

  it('a full buffer refuses offer() with "full" and send() with BUFFER_FULL, counted as refused only', () => {
    const { clock, engine } = simEngine({ bufferSize: 20, maxBatchSize: 5 });
    const t = controllable(engine);
    t.stall();
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    // 5 out (their room stays reserved) + 15 buffered = bufferSize: the 21st is refused.
    const outcomes = Array.from({ length: 25 }, () => c.offer(msg(clock)));
    expect(outcomes.filter((o) => o === 'full')).toHaveLength(5);
    expect(c.offer(msg(clock))).toBe('full');
    expect(() => c.send(msg(clock))).toThrow(expect.objectContaining({ code: 'BUFFER_FULL' }));
    const s = c.stats();
    expect(s).toMatchObject({ accepted: 20, buffered: 15, inFlight: 20, refused: 7 });
    engine.dispose();
  });

  it('a writer on a full buffer waits for room instead of losing the message', async () => {
    const { clock, engine } = simEngine({ bufferSize: 10, maxBatchSize: 5 });
    const t = controllable(engine);
    t.stall();
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 15; i++) c.offer(msg(clock));
    const last = msg(clock);
    let written = false;
    void c.writer.write(last).then(() => (written = true));
    await tick();
    expect(written).toBe(false);
    await t.release();
    await tick();
    clock.increment(16);
    await t.release();
    await tick();
    expect(written).toBe(true);
    expect(t.delivered()).toContain(last);
    engine.dispose();
  });
});

describe('bad input', () => {
  it('refuses malformed messages with INVALID_MESSAGE and leaves counters unchanged', () => {
    const { clock, engine } = simEngine();
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    const before = c.stats();
    for (const bad of [null, 42, 'x', { id: 1 }, { ...msg(clock), timestamp: 'now' }]) {
      expect(() => c.offer(bad as StreamMessage)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
      expect(() => engine.node('s').output('out').emit(bad as StreamMessage)).toThrow(NodeflowError);
    }
    expect(c.stats()).toEqual(before);
    engine.dispose();
  });

  it('a bad chunk rejects that write with INVALID_MESSAGE; the next writer works', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    const t = controllable(engine);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    await expect(c.writer.write({ nope: true } as never)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await c.writer.write(msg(clock));
    expect(t.delivered()).toHaveLength(1);
    expect(c.stats().accepted).toBe(1);
    engine.dispose();
  });

  it('topology errors are typed and nothing is half-applied', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as NodeflowError).code;
      }
      return 'no error';
    };
    expect(code(() => engine.createConnection('a', 'a', 'out', 'in'))).toBe('SELF_CONNECTION');
    expect(code(() => engine.createConnection('a', 'b', 'out', 'in'))).toBe('DUPLICATE_CONNECTION');
    expect(code(() => engine.createConnection('a', '', 'out', 'in'))).toBe('INVALID_ARGUMENT');
    expect(code(() => engine.createConnection('a', 'c', 'out', 'in', { bufferSize: -1 }))).toBe('INVALID_CONFIG');
    expect(code(() => engine.getConnection('nope'))).toBe('UNKNOWN_CONNECTION');
    expect(engine.listConnections().map((c) => c.id)).toEqual([id]);
    expect(engine.actor.getSnapshot().context.connections).toBe(1);
    engine.dispose();
  });

  it('writing to a closed connection throws CONNECTION_CLOSED', async () => {
    const { clock, engine } = simEngine();
    const id = engine.createConnection('s', 't', 'out', 'in');
    const c = engine.getConnection(id);
    await engine.removeConnection(id);
    expect(() => c.offer(msg(clock))).toThrow(expect.objectContaining({ code: 'CONNECTION_CLOSED' }));
    expect(() => engine.getConnection(id)).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONNECTION' }));
    engine.dispose();
  });
});

describe('routing', () => {
  it('fans one message object out to every connection of a port (never cloned)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 1 });
    const got: Record<string, unknown[]> = { x: [], y: [] };
    engine.node('x', { process: (b) => void got.x!.push(...b.messages) });
    engine.node('y', { process: (b) => void got.y!.push(...b.messages) });
    engine.createConnection('s', 'x', 'out', 'in');
    engine.createConnection('s', 'y', 'out', 'in');
    engine.createConnection('s', 'z', 'other', 'in');
    const m = msg(clock);
    expect(engine.emit('s', 'out', m)).toBe('accepted');
    expect(got.x![0]).toBe(m);
    expect(got.y![0]).toBe(m);
    expect(engine.getConnection('s:other->z:in').stats().accepted).toBe(0);
    expect(engine.emit('s', 'nowhere', m)).toBe('unrouted');
    engine.dispose();
  });
});

describe('lifecycle', () => {
  it('close() delivers the partial batch at once and ends closed; no timer left', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50 });
    const t = controllable(engine);
    const id = engine.createConnection('s', 't', 'out', 'in');
    const c = engine.getConnection(id);
    c.offer(msg(clock));
    c.offer(msg(clock));
    const events: string[] = [];
    engine.events$.subscribe((e) => e.type !== 'node.state' && events.push(e.type === 'connection.state' ? `${e.to}` : e.type));
    await engine.removeConnection(id);
    expect(t.delivered()).toHaveLength(2);
    expect(c.currentState).toBe('closed');
    expect(events).toEqual(['closing', 'closed', 'connection.removed']);
    expect(c.actor.getSnapshot().status).toBe('done');
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('stop() waits for a slow delivery, and after its timeout counts the rest dropped(shutdown)', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const t = controllable(engine);
    t.stall();
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 5; i++) c.offer(msg(clock));
    const stopped = engine.stop({ timeout: 50 });
    await tick();
    expect(engine.state).toBe('stopping');
    clock.increment(50);
    await stopped;
    const s = c.stats();
    expect(s.dropped.shutdown).toBe(5);
    expect(s.inFlight).toBe(0);
    expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
    expect(engine.state).toBe('stopped');
    expect(pendingTimers(clock)).toBe(0);
    expect(engine.listConnections()).toEqual([]);
  });

  it('dispose() stops every actor and counts buffered messages dropped(shutdown)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50 });
    const w = engine.createWidget('w');
    const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
    for (let i = 0; i < 7; i++) c.offer(msg(clock));
    engine.dispose();
    expect(c.stats()).toMatchObject({ accepted: 7, delivered: 0, inFlight: 0, dropped: expect.objectContaining({ shutdown: 7 }) });
    expect(w.actor.getSnapshot().status).not.toBe('active');
    expect(engine.actor.getSnapshot().status).toBe('stopped');
    expect(pendingTimers(clock)).toBe(0);
    expect(() => engine.createConnection('a', 'b', 'o', 'i')).toThrow(expect.objectContaining({ code: 'ENGINE_STOPPED' }));
  });

  it('the readable takes over delivery and ends when the connection closes', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 3 });
    const id = engine.createConnection('s', 't', 'out', 'in');
    const c = engine.getConnection(id);
    const reader = c.readable.getReader();
    const sent = Array.from({ length: 7 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    const closing = engine.removeConnection(id);
    const got: StreamMessage[] = [];
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      got.push(r.value);
    }
    await closing;
    expect(got).toEqual(sent);
    engine.dispose();
  });
});

describe('regressions found by the properties', () => {
  // seed 2122784406: with batchTimeout 0 a lone message waited for the next timer tick.
  it('batchTimeout 0 delivers a message on arrival (no deadline timer at all)', () => {
    const { clock, engine } = simEngine({ bufferSize: 2, maxBatchSize: 2, batchTimeout: 0 });
    const got: number[] = [];
    engine.node('t', { process: (b) => void got.push(b.messages.length) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    c.offer(msg(clock));
    expect(got).toEqual([1]);
    expect(pendingTimers(clock)).toBe(0);
    engine.dispose();
  });
});

describe('no producer waits forever (DefaultBackpressureHandler.maxWaitTime)', () => {
  it('writer.ready is released after maxWaitTime even if the consumer stays stalled, and the write is settled', async () => {
    const { clock, engine } = simEngine({ bufferSize: 10, maxBatchSize: 2, backpressureThreshold: 0.5 });
    const { DefaultBackpressureHandler } = await import('../../../src/index.js');
    engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 1, maxWaitTime: 100 }));
    const t = controllable(engine);
    t.stall();
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    const w = c.writer;
    for (let i = 0; i < 12; i++) c.offer(msg(clock)); // 2 out + 8 buffered: full and pressured
    await tick();
    let ready = false;
    void w.ready.then(() => (ready = true));
    clock.increment(99);
    await tick();
    expect(ready).toBe(false);
    clock.increment(1);
    await tick();
    expect(ready).toBe(true);
    // Still pressured: the next write is held again, but never past maxWaitTime; the buffer is
    // still full then, so its message is dropped(timeout) without a second wait.
    let settled = false;
    void w.write(msg(clock)).then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    clock.increment(100);
    await tick();
    expect(settled).toBe(true);
    expect(c.stats().dropped.timeout).toBe(1);
    const s = c.stats();
    expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
    engine.dispose();
  });
});


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
      await flushMicrotasks();
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
    await flushMicrotasks();
  }
  expect(bufferedAtRelief).toEqual([4]); // 4 < 0.5 x 10; at 5 it was still backpressured
  engine.dispose();
});


describe('regressions found by the model suite', () => {
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

it('a connection failed by overflow stops counting backpressured time (it stays listed, so its metrics must end)', () => {
  const { clock, engine } = simEngine({ bufferSize: 10, maxBatchSize: 5, overflowStrategy: 'fail' });
  engine.node('t', { process: () => new Promise<void>(() => {}) }); // a consumer that never settles
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  let failed = false;
  for (let i = 0; i < 20 && !failed; i++) {
    try {
      c.offer(msg(clock));
    } catch {
      failed = true;
    }
  }
  expect(failed).toBe(true);
  expect(c.currentState).toBe('failed');
  clock.increment(3000);
  expect(c.isBackpressured).toBe(false);
  expect(c.metrics().backpressuredMsPerSec).toBe(0);
  engine.dispose();
});


it('a connection that only carries messages makes no meter and no streams; the first use of either makes it', () => {
  const { clock, engine } = simEngine({ batchTimeout: 5 });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const made = () => {
    const raw = c as unknown as { meterMade?: unknown; streamsMade?: unknown };
    return { meter: raw.meterMade !== undefined, streams: raw.streamsMade !== undefined };
  };
  for (let i = 0; i < 20; i++) c.offer(msg(clock, 's', 't'));
  clock.increment(10);
  expect(c.stats()).toMatchObject({ delivered: 20, busyMs: 0 });
  expect(made()).toEqual({ meter: false, streams: false });
  void c.writer;
  expect(made().streams).toBe(true);
  expect(c.metrics().latency.p50).toBeGreaterThanOrEqual(0);
  expect(made().meter).toBe(true);
  engine.dispose();
});
