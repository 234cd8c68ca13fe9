import { describe, expect, it } from 'vitest';
import { type StreamMessage, GracefulErrorRecovery } from '../../../src/index.js';
import { msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { nextMacrotask as tick } from '../../support/flush.js';
import { controllable } from './controllable.js';

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
