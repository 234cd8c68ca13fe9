import { describe, expect, it } from 'vitest';
import { DefaultBackpressureHandler } from '../../../src/index.js';
import { conserved, msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';

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
