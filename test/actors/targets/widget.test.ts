import { describe, expect, it } from 'vitest';
import type { WidgetFrame, WidgetMetrics, WidgetStatus } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';

describe('widget actor', () => {
  it('keeps a bounded window and notifies once per batch, never per message', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 10 });
    const w = engine.createWidget('chart', { bufferSize: 25 });
    const c = engine.getConnection(engine.createConnection('s', 'chart', 'out', 'in'));
    const frames: WidgetFrame[] = [];
    const metrics: WidgetMetrics[] = [];
    const status: WidgetStatus[] = [];
    w.data$.subscribe((f) => frames.push(f));
    w.metrics$.subscribe((m) => metrics.push(m));
    w.status$.subscribe((s) => status.push(s));
    const sent = Array.from({ length: 100 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    expect(frames).toHaveLength(10);
    expect(metrics).toHaveLength(11); // the current value on subscribe, then one per batch
    expect(w.window.size).toBe(25);
    expect(w.window.toArray()).toEqual(sent.slice(75));
    expect(w.window.latest()).toBe(sent[99]);
    expect(w.metrics()).toMatchObject({ messageCount: 100, batchCount: 10, windowSize: 25 });
    engine.dispose();
    expect(status).toEqual(['waiting', 'live', 'stopped']);
  });

  it('averageLatency is the mean of delivery time − timestamp (simulated clock)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50, batchTimeout: 16 });
    const w = engine.createWidget('w');
    const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
    c.offer(msg(clock)); // waits 16
    clock.increment(6);
    c.offer(msg(clock)); // waits 10
    clock.increment(10);
    expect(w.metrics().messageCount).toBe(2);
    expect(w.metrics().averageLatency).toBe(13);
    engine.dispose();
  });

  it('refuses duplicate ids and bad sizes with typed errors', () => {
    const { engine } = simEngine();
    engine.createWidget('w');
    engine.node('n');
    expect(() => engine.createWidget('w')).toThrow(expect.objectContaining({ code: 'DUPLICATE_ID' }));
    expect(() => engine.createWidget('n')).toThrow(expect.objectContaining({ code: 'DUPLICATE_ID' }));
    expect(() => engine.createWidget('x', { bufferSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => engine.createConnection('w', 'n', 'out', 'in')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    engine.dispose();
  });
});

describe('node actor', () => {
  it('pause holds deliveries (the connection backs up), resume delivers them in order', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const got: unknown[] = [];
    const node = engine.node('t', { process: (b) => void got.push(...b.messages) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    node.pause();
    expect(node.actor.getSnapshot().value).toBe('paused');
    const sent = Array.from({ length: 6 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    expect(got).toHaveLength(0);
    expect(c.stats().inFlight).toBe(6);
    node.resume();
    await flushMicrotasks();
    expect(got).toEqual(sent);
    engine.dispose();
  });

  it('batches$ sees every batch delivered to the node', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 3 });
    const sizes: number[] = [];
    engine.node('t').batches$.subscribe((b) => sizes.push(b.messages.length));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 7; i++) c.offer(msg(clock));
    clock.increment(16);
    expect(sizes).toEqual([3, 3, 1]);
    engine.dispose();
  });
});
