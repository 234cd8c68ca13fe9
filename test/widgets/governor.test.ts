import { describe, expect, it } from 'vitest';
import { createGovernor, govern, MAX_INTERVAL_MS, RECOVER_AFTER_MS } from '../../src/widgets/governor.js';

const REFRESH = 1000 / 60;

describe('render governor law', () => {
  it('widens on slow frames up to the cap, then narrows back to the base while frames are healthy', () => {
    let g = createGovernor(16);
    let t = 0;
    for (let i = 0; i < 20; i++) g = govern(g, 60, REFRESH, (t += 50));
    expect(g.interval).toBe(MAX_INTERVAL_MS);
    const start = t;
    while (g.interval > 16 && t - start < 60_000) g = govern(g, 16.7, REFRESH, (t += g.interval));
    expect(g.interval).toBe(16);
    // Step by step, not at once (it settles instead of oscillating), but within seconds.
    expect(t - start).toBeGreaterThan(4 * RECOVER_AFTER_MS);
    expect(t - start).toBeLessThan(4000);
  });

  it('keeps the requested interval while frames are healthy, and never goes below it', () => {
    const g = createGovernor(100);
    expect(govern(g, 17, REFRESH, 0)).toBe(g);
    expect(govern(g, 30, REFRESH, 0).interval).toBe(150);
  });

  it('a slow frame during recovery restarts the healthy period', () => {
    let g = govern(createGovernor(16), 40, REFRESH, 0); // 24
    g = govern(g, 16.7, REFRESH, 100); // healthy since 100
    g = govern(g, 40, REFRESH, 200); // slow again: 36
    g = govern(g, 16.7, REFRESH, 300);
    expect(govern(g, 16.7, REFRESH, 300 + RECOVER_AFTER_MS - 1).interval).toBe(36);
    expect(govern(g, 16.7, REFRESH, 300 + RECOVER_AFTER_MS).interval).toBe(24);
  });

  it('an interval of 0 (every frame) widens on slow frames and snaps back to 0 when healthy', () => {
    let g = govern(createGovernor(0), 40, REFRESH, 0);
    expect(g.interval).toBeCloseTo(REFRESH * 1.5, 5);
    let t = 0;
    for (let i = 0; i < 10 && g.interval > 0; i++) g = govern(g, 16.7, REFRESH, (t += RECOVER_AFTER_MS));
    expect(g.interval).toBe(0);
  });
});
