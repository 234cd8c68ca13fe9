import { describe, expect, expectTypeOf, it } from 'vitest';
import type { WidgetFrame, WidgetMetrics, WidgetStatus } from '../../../src/index.js';
import type { Batch } from '../../../src/message.js';
import { msg, simEngine } from '../../support/helpers.js';

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
    // Typed from the widget machine (tsc checks this line): backpressured included.
    expectTypeOf<WidgetStatus>().toEqualTypeOf<'waiting' | 'live' | 'backpressured' | 'stopped'>();
  });

  it('total counts every ingested message and tail(n) copies only the newest n of the window', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 10 });
    const w = engine.createWidget('chart', { bufferSize: 25 });
    const c = engine.getConnection(engine.createConnection('s', 'chart', 'out', 'in'));
    expect(w.total).toBe(0);
    expect(w.tail(5)).toEqual([]);
    const sent = Array.from({ length: 47 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    c.flush();
    expect(w.total).toBe(47);
    expect(w.tail(3)).toEqual(sent.slice(44));
    expect(w.tail(100)).toEqual(sent.slice(22)); // clamped to the window
    engine.dispose();
  });

  it('averageLatency is the mean of delivery time − timestamp (simulated clock)', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 50, batchTimeout: 16, batching: 'fixed' });
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

  it('a stopped widget refuses a delivery with TARGET_STOPPED (not a connection failure)', () => {
    const { clock, engine } = simEngine();
    const w = engine.createWidget('w');
    const batch: Batch = { connectionId: 'c', port: 'in', messages: [msg(clock)] };
    w.deliver(batch); // positive control: a running widget takes it
    expect(w.metrics().messageCount).toBe(1);
    engine.removeWidget('w');
    expect(() => w.deliver(batch)).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED', details: { widgetId: 'w' } }));
    expect(w.metrics().messageCount).toBe(1);
    engine.dispose();
  });

  it('while widgets are inspected each batch goes through the actor, unhooked from the event that carried it', () => {
    const { clock, engine } = simEngine();
    const w = engine.createWidget('w');
    const stop = engine.inspect(() => {}, { kinds: ['widget'] });
    const sent: { type: string; batch?: unknown }[] = [];
    const send = w.actor.send.bind(w.actor);
    w.actor.send = ((e: { type: string; batch?: unknown }) => {
      sent.push(e);
      send(e as never);
    }) as typeof w.actor.send;
    w.deliver({ connectionId: 'c', port: 'in', messages: [msg(clock), msg(clock)] });
    w.deliver({ connectionId: 'c', port: 'in', messages: [msg(clock)] });
    expect(w.metrics().messageCount).toBe(3);
    expect(sent).toEqual([{ type: 'batch.ready', batch: null }, { type: 'batch.ready', batch: null }]);
    stop();
    w.deliver({ connectionId: 'c', port: 'in', messages: [msg(clock)] });
    expect(sent).toHaveLength(2); // nobody inspects: a plain call
    expect(w.metrics().messageCount).toBe(4);
    engine.dispose();
  });

  it('while nobody inspects widgets the first batch moves it to live without starting its actor', () => {
    const { clock, engine } = simEngine();
    const w = engine.createWidget('w');
    w.deliver({ connectionId: 'c', port: 'in', messages: [msg(clock)] });
    expect(w.state).toBe('live');
    expect((w as unknown as { slot: { awake: boolean } }).slot.awake).toBe(false);
    expect(w.actor.getSnapshot().value).toBe('live');
    engine.dispose();
  });
});
