import { describe, expect, it } from 'vitest';
import type { OutgoingMessage, StreamConfig, StreamMessage } from '../../../src/index.js';
import { simEngine } from '../../support/helpers.js';

let seq = 0;
const out = (clock: { now(): number }, data: unknown = ++seq): OutgoingMessage => ({ id: ++seq, timestamp: clock.now(), sourceNodeId: 's', port: 'out', data });

// Source `s` with one output port feeding targets that record what they get. A `stuck` target
// takes one batch and never settles it, so everything after it stays in its connection's buffer.
function fanOut(targets: Record<string, { stuck?: boolean; config?: Partial<StreamConfig> }>) {
  const { clock, engine } = simEngine({ maxBatchSize: 1, batchTimeout: 0 });
  const got: Record<string, StreamMessage[]> = {};
  const conns = Object.entries(targets).map(([id, t]) => {
    got[id] = [];
    engine.node(id, { process: (b) => (got[id]!.push(...b.messages), t.stuck ? new Promise<void>(() => {}) : undefined) });
    return engine.getConnection(engine.createConnection('s', id, 'out', 'in', t.config));
  });
  const src = engine.node('s');
  return { clock, engine, got, conns, src, port: src.output('out') };
}

describe('OutputPort', () => {
  it('a port with no connection returns unrouted and counts it on the node', () => {
    const { clock, engine } = simEngine();
    const src = engine.node('s');
    const port = src.output('out');
    expect(port.emit(out(clock))).toBe('unrouted');
    expect(port.emit(out(clock))).toBe('unrouted');
    expect((src as unknown as { unrouted: number }).unrouted).toBe(2);
    engine.dispose();
  });

  it('one connection: the message reaches its target as the same object', () => {
    const { clock, engine, got, port, conns } = fanOut({ a: {} });
    const m = out(clock);
    expect(port.emit(m)).toBe('accepted');
    expect(got.a).toHaveLength(1);
    expect(got.a![0]).toBe(m);
    expect(conns[0]!.stats().accepted).toBe(1);
    engine.dispose();
  });

  it('fans out the SAME object to every connection (never cloned per edge)', () => {
    const { clock, engine, got, port } = fanOut({ a: {}, b: {}, c: {} });
    const m = out(clock);
    expect(port.emit(m)).toBe('accepted');
    expect(got.a![0]).toBe(m);
    expect(got.b![0]).toBe(m);
    expect(got.c![0]).toBe(m);
    engine.dispose();
  });

  it('all or nothing: when one edge is full no edge takes the message, so an offer again never duplicates it', () => {
    // b: one batch out and stuck; the batch out counts against its buffer of 2.
    const { clock, engine, got, port, conns } = fanOut({ a: {}, b: { stuck: true, config: { bufferSize: 2, overflowStrategy: 'backpressure' } } });
    const [a, b] = conns as [NonNullable<(typeof conns)[0]>, NonNullable<(typeof conns)[0]>];
    expect([port.emit(out(clock)), port.emit(out(clock))]).toEqual(['accepted', 'backpressured']);
    expect(a.stats().accepted).toBe(2); // positive control: the fast edge took each one
    expect(got.a).toHaveLength(2);
    const refused = out(clock);
    expect(port.emit(refused)).toBe('full');
    expect(a.stats().accepted).toBe(2); // the fast edge did NOT take it either
    expect(got.a).not.toContain(refused);
    expect(b.stats().refused).toBe(1); // the refusal is counted where it happened
    expect(a.stats().refused).toBe(0);
    engine.dispose();
  });

  it('returns the worst outcome over the edges: backpressured beats accepted', () => {
    const { clock, engine, port, conns } = fanOut({ a: {}, b: { stuck: true, config: { bufferSize: 8, backpressureThreshold: 0.5, lowWatermark: 0.25 } } });
    const results = Array.from({ length: 5 }, () => port.emit(out(clock)));
    // b reaches its threshold (4 of 8, the batch out included) at the 4th message; a never does.
    expect(results).toEqual(['accepted', 'accepted', 'accepted', 'backpressured', 'backpressured']);
    expect(conns.map((c) => c.stats().accepted)).toEqual([5, 5]);
    engine.dispose();
  });

  it('returns the worst outcome over the edges: dropped beats backpressured', () => {
    const { clock, engine, port, conns } = fanOut({
      b: { stuck: true, config: { bufferSize: 8, backpressureThreshold: 0.25, lowWatermark: 0.125 } },
      c: { stuck: true, config: { bufferSize: 3, overflowStrategy: 'dropNew' } },
    });
    const results = Array.from({ length: 5 }, () => port.emit(out(clock)));
    // b backpressures from the 2nd message on; c (3 places) drops the newcomer from the 4th.
    expect(results).toEqual(['accepted', 'backpressured', 'backpressured', 'dropped', 'dropped']);
    const [b, c] = conns;
    expect(b!.stats()).toMatchObject({ accepted: 5, droppedTotal: 0 }); // b still took them
    expect(c!.stats()).toMatchObject({ accepted: 5, droppedTotal: 2 });
    engine.dispose();
  });

  it('validates once before any edge sees the message: an invalid one reaches none', () => {
    const { clock, engine, got, port, conns } = fanOut({ a: {}, b: {} });
    expect(() => port.emit({ ...out(clock), timestamp: 'now' } as unknown as OutgoingMessage)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    expect(() => port.emit(null as unknown as OutgoingMessage)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    expect(conns.map((c) => c.stats().accepted)).toEqual([0, 0]);
    port.emit(out(clock)); // positive control: a valid one reaches both
    expect([got.a!.length, got.b!.length]).toEqual([1, 1]);
    engine.dispose();
  });

  it('engine.emit goes through the node\'s port (same routing and result)', () => {
    const { clock, engine, got } = fanOut({ a: {} });
    expect(engine.emit('s', 'out', out(clock))).toBe('accepted');
    expect(engine.emit('s', 'other', out(clock))).toBe('unrouted');
    expect(got.a).toHaveLength(1);
    engine.dispose();
  });
});
