import { describe, expect, it } from 'vitest';
import { NodeflowError, type StreamMessage } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';
import { nextMacrotask as tick } from '../../support/flush.js';
import { controllable } from './controllable.js';

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
