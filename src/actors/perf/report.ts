import { ConfigError } from '../../errors.js';
import type { PerformanceResult } from './perf-test.js';

/**
 * Report formats of PerformanceTestSuite.generateReport.
 *
 * @example
 * ```ts
 * const f: ReportFormat = 'markdown';
 * ```
 */
export type ReportFormat = 'text' | 'markdown' | 'json';

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => `${v.toFixed(1)}ms`;
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
// Two rates that answer different questions, each named by what it divides: messages lost (the
// spec's error rate) and failed delivery attempts (most of which a retry then delivers).
const lost = (r: PerformanceResult) => `${pct(r.errorRate)} of messages lost (dead-lettered or refused: ${n0(r.errorRate * r.totalMessages)} of ${n0(r.totalMessages)})`;
const failedAttempts = (r: PerformanceResult) => `${pct(r.deliveryAttempts === 0 ? 0 : r.failedAttempts / r.deliveryAttempts)} of delivery attempts (${n0(r.failedAttempts)} of ${n0(r.deliveryAttempts)}; a failed attempt is retried, and lost only when dead-lettered)`;

/**
 * Formats results: 'text' is the spec's benchmark block, one per test; 'markdown' a table;
 * 'json' the results themselves (versioned).
 *
 * @example
 * ```ts
 * console.log(formatReport(results, 'text'));
 * ```
 */
export function formatReport(results: readonly PerformanceResult[], format: ReportFormat): string {
  if (!['text', 'markdown', 'json'].includes(format)) throw new ConfigError('format', "'text' | 'markdown' | 'json'", format);
  if (format === 'json') return JSON.stringify({ version: 1, results }, null, 2);
  if (format === 'markdown') {
    const head = '| Test | Duration | Rate | Connections | Total | Throughput | Avg | P95 | P99 | Lost (of messages) | Failed (of attempts) | Retries | Backpressure | Dropped |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
    const attempts = (r: PerformanceResult) => pct(r.deliveryAttempts === 0 ? 0 : r.failedAttempts / r.deliveryAttempts);
    const rows = results.map((r) => `| ${r.name} | ${r.duration}ms | ${n0(r.messageRate)}/s | ${r.concurrentConnections} | ${n0(r.totalMessages)} | ${n0(r.averageThroughput)} msg/s | ${ms(r.averageLatency)} | ${ms(r.p95Latency)} | ${ms(r.p99Latency)} | ${pct(r.errorRate)} | ${attempts(r)} | ${n0(r.retries)} | ${r.backpressureEvents} | ${n0(r.dropped)} |`);
    return [head, ...rows].join('\n');
  }
  return results
    .map((r) =>
      [
        `Test: ${r.name}`,
        `Duration: ${r.duration}ms`,
        `Message Rate: ${n0(r.messageRate)}/s`,
        `Concurrent Connections: ${r.concurrentConnections}`,
        '',
        'Results:',
        `- Total Messages: ${n0(r.totalMessages)}`,
        `- Average Throughput: ${n0(r.averageThroughput)} msg/s`,
        `- Average Latency: ${ms(r.averageLatency)}`,
        `- P95 Latency: ${ms(r.p95Latency)}`,
        `- P99 Latency: ${ms(r.p99Latency)}`,
        `- Error Rate: ${lost(r)}`,
        `- Failed Attempts: ${failedAttempts(r)}`,
        `- Backpressure Events: ${r.backpressureEvents}`,
        `- Dropped: ${n0(r.dropped)} (shed by the backpressure or overflow policy; not counted as errors)`,
        // Beyond the spec's block, only when they say something.
        ...(r.retries > 0 || r.deadLettered > 0 ? [`- Retries: ${n0(r.retries)} (dead-lettered: ${n0(r.deadLettered)} messages)`] : []),
        ...(r.fanOut && r.fanOut > 1 ? [`- Fan-out: ${r.fanOut} receivers per message (throughput counts deliveries)`] : []),
        ...(r.burst ? [`- Bursts: ${r.burst.onMs} ms at the message rate, ${r.burst.offMs} ms silent`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}
