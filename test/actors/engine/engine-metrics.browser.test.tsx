// System load in a real browser: frame time between animation frames while metrics$ runs.
import { expect, test } from 'vitest';
import { StreamEngine } from '../../../src/index.js';

test('getMetrics().system.frameTime reports animation frames while metrics$ runs, null after', async () => {
  const engine = new StreamEngine();
  expect(engine.getMetrics().system.frameTime).toBeNull();
  const sub = engine.metrics$(100).subscribe(() => {});
  await new Promise((r) => setTimeout(r, 1400)); // one closed window of about a second
  const f = engine.getMetrics().system.frameTime!;
  expect(f.frames).toBeGreaterThan(3);
  expect(f.meanMs).toBeGreaterThan(1);
  expect(f.maxMs).toBeGreaterThanOrEqual(f.meanMs);
  expect(engine.getMetrics().system.eventLoopDelay).not.toBeNull();
  sub.unsubscribe();
  expect(engine.getMetrics().system.frameTime).toBeNull();
  engine.dispose();
});
