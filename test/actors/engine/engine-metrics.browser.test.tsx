// System load in a real browser: frame time between animation frames while metrics$ runs.
import { expect, test } from 'vitest';
import { SimulatedClock } from 'xstate';
import { StreamEngine } from '../../../src/index.js';

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

test('getMetrics().system.frameTime reports animation frames while metrics$ runs, null after', async () => {
  // The frames are real (the browser paints them); the one-second window that closes over
  // them runs on the engine's injected clock, so the test waits for frames, not for a second.
  const clock = new SimulatedClock();
  const engine = new StreamEngine({}, { clock });
  expect(engine.getMetrics().system.frameTime).toBeNull();
  const sub = engine.metrics$(100).subscribe(() => {});
  for (let i = 0; i < 6; i++) await nextFrame(); // the probe's callback runs first in each frame
  expect(engine.getMetrics().system.frameTime).toBeNull(); // no window has closed yet
  for (let t = 0; t < 1100; t += 100) clock.increment(100); // the sampling ticks close one window
  const f = engine.getMetrics().system.frameTime!;
  expect(f.frames).toBeGreaterThan(3);
  expect(f.meanMs).toBeGreaterThan(1);
  expect(f.maxMs).toBeGreaterThanOrEqual(f.meanMs);
  expect(engine.getMetrics().system.eventLoopDelay).not.toBeNull();
  sub.unsubscribe();
  expect(engine.getMetrics().system.frameTime).toBeNull();
  engine.dispose();
});
