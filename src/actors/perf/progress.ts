import type { PerformanceProgress } from './performance-test-suite.js';

/**
 * How a progress report is drawn: `bar` redraws one line in place (a terminal: the caller
 * writes it after a carriage return), `line` is a plain line of its own (a pipe, a log file or
 * a CI job, where carriage returns and bars only make noise).
 *
 * @example
 * ```ts
 * const style: ProgressStyle = process.stderr.isTTY ? 'bar' : 'line';
 * ```
 * @internal
 */
export type ProgressStyle = 'bar' | 'line';

const BAR_WIDTH = 24;
// Wide enough to overwrite the longest earlier bar (the test name varies between tests).
const BAR_PAD = 110;

/**
 * One progress report as text, without a line ending.
 *
 * @example
 * ```ts
 * suite.runTest(test, { onProgress: (p) => process.stderr.write(`${formatProgress(p, 'line')}\n`) });
 * // → "High Volume Stress Test (quick): 50%, sent 1000, delivered 990, 495 msg/s, p99 3.2 ms"
 * ```
 * @internal
 */
export function formatProgress(p: PerformanceProgress, style: ProgressStyle): string {
  const pct = Math.round(p.fraction * 100);
  const figures = `sent ${p.sent}, delivered ${p.delivered}, ${Math.round(p.throughput)} msg/s, p99 ${p.p99Latency.toFixed(1)} ms`;
  if (style === 'line') return `${p.name}: ${pct}%, ${figures}`;
  const done = Math.round(p.fraction * BAR_WIDTH);
  return `${p.name}  [${'#'.repeat(done)}${'.'.repeat(BAR_WIDTH - done)}] ${pct}%  ${figures}`.padEnd(BAR_PAD);
}
