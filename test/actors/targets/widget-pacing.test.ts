import { describe, expect, it } from 'vitest';
import type { WidgetStatus } from '../../../src/index.js';
import type { Batch } from '../../../src/message.js';
import { PacerSet } from '../../../src/actors/targets/widget-pacing.js';
import { msg, simEngine } from '../../support/helpers.js';

describe('widget pacing (enableBackpressure)', () => {
  it('holds the next batch while the consumer lags, so the connection backs up; ack takes it', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 10, bufferSize: 40, backpressureThreshold: 0.5, lowWatermark: 0.25 });
    const w = engine.createWidget('chart', { bufferSize: 20 });
    const c = engine.getConnection(engine.createConnection('s', 'chart', 'out', 'in'));
    const pacer = w.pace();
    for (let i = 0; i < 20; i++) c.offer(msg(clock));
    expect(w.metrics().messageCount).toBe(20); // the credit (window capacity) is used up
    expect(w.actor.getSnapshot().value).toBe('live');
    for (let i = 0; i < 40; i++) c.offer(msg(clock));
    // The 3rd batch is held: nothing new reaches the window, the connection fills up.
    expect(w.metrics().messageCount).toBe(20);
    expect(pacer.holding).toBe(true);
    expect(w.actor.getSnapshot().value).toBe('backpressured');
    expect(c.currentState).toBe('backpressured');
    expect(c.offer(msg(clock))).toBe('full');
    expect(w.metrics().pushbacks).toBe(1);
    pacer.ack(); // the UI drew a frame
    await Promise.resolve();
    expect(w.metrics().messageCount).toBeGreaterThan(20);
    expect(w.actor.getSnapshot().value).not.toBe('waiting');
    pacer.release();
    await Promise.resolve();
    clock.increment(100);
    await Promise.resolve();
    expect(w.metrics().messageCount).toBe(60);
    expect(c.stats().droppedTotal).toBe(0);
    engine.dispose();
  });

  it('an inactive (hidden) or released pacer never holds deliveries', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 10, bufferSize: 100 });
    const w = engine.createWidget('w', { bufferSize: 10 });
    const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
    const pacer = w.pace();
    pacer.setActive(false);
    for (let i = 0; i < 50; i++) c.offer(msg(clock));
    expect(w.metrics().messageCount).toBe(50);
    expect(w.isObserved).toBe(true);
    pacer.release();
    expect(w.isObserved).toBe(false);
    engine.dispose();
  });

  it('stopping the widget rejects a held delivery instead of leaving it pending', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 5, bufferSize: 50 });
    const w = engine.createWidget('w', { bufferSize: 5 });
    const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
    w.pace();
    for (let i = 0; i < 10; i++) c.offer(msg(clock));
    expect(w.metrics().messageCount).toBe(5);
    engine.dispose();
    await Promise.resolve();
    const s = c.stats();
    expect(s.accepted).toBe(s.delivered + s.droppedTotal + s.deadLettered + s.inFlight);
    expect(w.metrics().messageCount).toBe(5);
  });

  it('stopping the widget rejects the held delivery with TARGET_STOPPED', async () => {
    const { clock, engine } = simEngine();
    const w = engine.createWidget('w', { bufferSize: 4 });
    const batch = (): Batch => ({ connectionId: 'c', port: 'in', messages: [msg(clock), msg(clock), msg(clock)] });
    w.pace();
    expect(w.deliver(batch())).toBeUndefined(); // taken: the consumer had seen everything
    const held = w.deliver(batch());
    expect(held).toBeInstanceOf(Promise); // 3 unseen + 3 > credit 4: held for the consumer
    engine.removeWidget('w');
    await expect(held).rejects.toMatchObject({ code: 'TARGET_STOPPED', details: { widgetId: 'w' } });
    expect(w.metrics().messageCount).toBe(3);
    engine.dispose();
  });

  it('status$ reports backpressured while a batch is held for the consumer, live once it catches up', async () => {
    const { clock, engine } = simEngine();
    const w = engine.createWidget('w', { bufferSize: 4 });
    const status: WidgetStatus[] = [];
    w.status$.subscribe((s) => status.push(s));
    const batch = (): Batch => ({ connectionId: 'c', port: 'in', messages: [msg(clock), msg(clock), msg(clock)] });
    const pacer = w.pace();
    w.deliver(batch());
    const held = w.deliver(batch());
    expect(status).toEqual(['waiting', 'live', 'backpressured']);
    expect(w.actor.getSnapshot().value).toBe('backpressured'); // the status is the machine's state
    pacer.ack();
    await expect(held).resolves.toBeUndefined();
    expect(status).toEqual(['waiting', 'live', 'backpressured', 'live']);
    expect(w.actor.getSnapshot().value).toBe('live');
    expect(w.metrics().messageCount).toBe(6);
    engine.dispose();
    expect(status.at(-1)).toBe('stopped');
  });

  it('PacerSet: lags only past an active pacer\'s credit, never with nothing unseen', () => {
    let seen = 0;
    let changes = 0;
    const pacers = new PacerSet();
    const p = pacers.add(10, () => seen, () => changes++, () => false);
    expect(pacers.lagging(seen, 50)).toBe(false); // everything seen: one batch always goes, whatever its size
    seen = 8;
    expect(pacers.lagging(seen, 2)).toBe(false); // 10 unseen: exactly the credit
    expect(pacers.lagging(seen, 3)).toBe(true);
    p.setActive(false);
    seen = 100;
    expect(pacers.lagging(seen, 3)).toBe(false); // inactive (hidden) never holds
    p.setActive(true);
    seen = 108;
    expect(pacers.lagging(seen, 3)).toBe(true); // active again, counted from when it came back
    p.ack();
    expect(pacers.lagging(seen, 3)).toBe(false);
    p.release();
    expect(pacers.size).toBe(0);
    expect(changes).toBe(4);
    expect(() => pacers.add(0, () => seen, () => {}, () => false)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
