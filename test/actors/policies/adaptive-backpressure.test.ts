import { describe, expect, it } from 'vitest';
import { AdaptiveBackpressureHandler, DefaultBackpressureHandler, type BackpressureHandler, type EngineEvent } from '../../../src/index.js';
import { pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';


/**
 * A slow consumer whose cost is mostly per batch (5 ms + 0.01 ms per message, on simulated
 * time), fed 15 msg/ms for `ms` simulated milliseconds.
 */
async function slowConsumer(handler: BackpressureHandler, ms: number) {
  const { clock, engine } = simEngine({ bufferSize: 1000, maxBatchSize: 50 });
  engine.setBackpressureHandler(handler);
  let latencySum = 0;
  let delivered = 0;
  engine.node('t', {
    process: (b) =>
      new Promise<void>((resolve) =>
        clock.setTimeout(() => {
          const now = clock.now();
          for (const m of b.messages) latencySum += now - m.timestamp;
          delivered += b.messages.length;
          resolve();
        }, 5 + 0.01 * b.messages.length),
      ),
  });
  const events: EngineEvent[] = [];
  engine.events$.subscribe((e) => e.type === 'handler.adjusted' && events.push(e));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  let id = 0;
  for (let t = 0; t < ms; t++) {
    for (let i = 0; i < 15; i++) c.offer({ id: ++id, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i });
    clock.increment(1);
    await flushMicrotasks();
  }
  const s = c.stats();
  engine.dispose();
  return { dropped: s.droppedTotal, meanLatency: latencySum / delivered, delivered, events, accepted: s.accepted };
}

describe('AdaptiveBackpressureHandler', () => {
  it('under a slow consumer it sheds less and keeps latency lower than the fixed default, then settles', async () => {
    const fixed = await slowConsumer(new DefaultBackpressureHandler(), 6000);
    const adaptive = await slowConsumer(new AdaptiveBackpressureHandler({ probe: { sample: () => 0, stop() {} } }), 6000);
    expect(adaptive.dropped).toBeLessThan(fixed.dropped / 2);
    expect(adaptive.meanLatency).toBeLessThan(fixed.meanLatency);
    expect(adaptive.delivered).toBeGreaterThan(fixed.delivered);
    // Settles under constant load: every change happens in the first half of the run.
    expect(adaptive.events.length).toBeGreaterThan(0);
    expect(adaptive.events.every((e) => e.at < 3000)).toBe(true);
  });

  it('makes at most one change per adjustment interval, each one an event and a metric', async () => {
    const handler = new AdaptiveBackpressureHandler({ adjustmentInterval: 100, probe: { sample: () => 0, stop() {} } });
    const r = await slowConsumer(handler, 2000);
    const times = r.events.map((e) => e.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(r.events[0]).toMatchObject({ type: 'handler.adjusted', knob: 'maxBatchSize', from: 50, to: 100 });
  });

  it('a slow event loop stretches the flush interval, within bounds', async () => {
    const { clock, engine } = simEngine();
    const handler = new AdaptiveBackpressureHandler({ adjustmentInterval: 10, probe: { sample: () => 80, stop() {} } });
    engine.setBackpressureHandler(handler);
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 20; i++) clock.increment(10);
    expect(c.knobs().batchTimeout).toBe(64);
    expect(handler.metrics()[c.id]).toMatchObject({ knobs: { batchTimeout: 64 }, base: { batchTimeout: 16 } });
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('refuses bad options with typed errors', () => {
    expect(() => new AdaptiveBackpressureHandler({ adjustmentInterval: 0 })).toThrow(expect.objectContaining({ field: 'adjustmentInterval' }));
    expect(() => new AdaptiveBackpressureHandler({ dropThreshold: 2 })).toThrow(expect.objectContaining({ field: 'dropThreshold' }));
    expect(() => new AdaptiveBackpressureHandler({ intervall: 5 } as never)).toThrow(expect.objectContaining({ field: 'intervall' }));
  });
});

describe('connection.tune', () => {
  it('changes batch size and flush interval live, validated', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 10 });
    const sizes: number[] = [];
    engine.node('t', { process: (b) => void sizes.push(b.messages.length) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 8; i++) c.offer({ id: i, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i });
    expect(c.tune({ maxBatchSize: 4 })).toMatchObject({ maxBatchSize: 4 });
    expect(sizes).toEqual([4, 4]); // the 8 waiting went out as batches of the new size
    c.tune({ batchTimeout: 3 });
    c.offer({ id: 9, timestamp: clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: 9 });
    clock.increment(3);
    expect(sizes).toEqual([4, 4, 1]);
    expect(() => c.tune({ maxBatchSize: 0 })).toThrow(expect.objectContaining({ field: 'maxBatchSize' }));
    expect(() => c.tune({ batch: 3 } as never)).toThrow(expect.objectContaining({ field: 'batch' }));
    engine.dispose();
  });
});


it('the adaptive handler brings a connection it adopts within its bounds', () => {
  const { clock, engine } = simEngine({ batchTimeout: 100, maxBatchSize: 5 });
  engine.setBackpressureHandler(new AdaptiveBackpressureHandler({ dropThreshold: 0.5, adjustmentInterval: 10, probe: { sample: () => 0, stop() {} } }));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  clock.increment(10);
  expect(c.knobs()).toEqual({ maxBatchSize: 10, batchTimeout: 64, dropThreshold: 0.8 });
  engine.dispose();
});
