import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../../src/actors/perf/progress.js';

const p = { name: 'Burst Test', fraction: 0.5, sent: 1000, delivered: 990, throughput: 495.4, p99Latency: 3.25 };

describe('formatProgress', () => {
  it("'line' is one plain line: name, percent and figures, no bar and no control characters", () => {
    expect(formatProgress(p, 'line')).toBe('Burst Test: 50%, sent 1000, delivered 990, 495 msg/s, p99 3.3 ms');
  });

  it("'bar' draws a bar to redraw in place, padded to overwrite a longer earlier line", () => {
    const bar = formatProgress(p, 'bar');
    expect(bar).toMatch(/^Burst Test {2}\[#{12}\.{12}\] 50% {2}sent 1000, delivered 990/);
    expect(bar.length).toBeGreaterThanOrEqual(110);
    expect(formatProgress({ ...p, fraction: 1 }, 'bar')).toContain(`[${'#'.repeat(24)}] 100%`);
  });
});
