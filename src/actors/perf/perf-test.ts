import type { StreamConfig } from '../../config.js';
import type { DataPattern } from '../workflow/patterns.js';

/**
 * A performance test, as the spec's `runTest` takes it, plus optional scenario knobs.
 * `messageRate` is the total offered rate (msg/s) across `concurrentConnections`, so the spec's
 * High Volume Stress Test (1000/s for 120 s) sends 120,000 messages.
 *
 * @example
 * ```ts
 * const customTest: PerformanceTest = { name: 'Custom High Load Test', duration: 30000, messageRate: 2000, messageSize: 1000, concurrentConnections: 10, dataPattern: 'random' };
 * ```
 */
export interface PerformanceTest {
  readonly name: string;
  /** ms */
  readonly duration: number;
  /** Total msg/s offered, spread evenly over the connections. */
  readonly messageRate: number;
  /** Bytes of payload per message. */
  readonly messageSize: number;
  readonly concurrentConnections: number;
  readonly dataPattern: DataPattern;
  /** StreamConfig of the test's connections. */
  readonly config?: Partial<StreamConfig>;
  /** Bursts: offer for `onMs`, then pause for `offMs`, repeatedly. */
  readonly burst?: { readonly onMs: number; readonly offMs: number };
  /** Consumer cost per batch, ms (asynchronous, so the producer keeps its schedule). */
  readonly consumerCostMs?: number;
  /** Seed of the data pattern and of injected failures (default 1): same seed, same run. */
  readonly seed?: number;
  /** Share of deliveries that fail (seeded), to exercise retries and the breaker. */
  readonly failureRate?: number;
  /** Sinks per source: each connection's source fans out to this many sinks. */
  readonly fanOut?: number;
  /** Installs DefaultBackpressureHandler (shedding) for the test. */
  readonly shed?: boolean;
}

/**
 * The figures of one test run (the spec's list plus drops and delivery counts).
 *
 * @example
 * ```ts
 * const r: PerformanceResult = await suite.runTest(test);
 * console.log(r.averageThroughput, r.p99Latency);
 * ```
 */
export interface PerformanceResult {
  readonly name: string;
  readonly duration: number;
  readonly messageRate: number;
  readonly concurrentConnections: number;
  /** Messages offered by the producers. */
  readonly totalMessages: number;
  /** Messages that reached a sink (each sink counts for fan-out). */
  readonly delivered: number;
  /** Delivered per second of the run. */
  readonly averageThroughput: number;
  readonly averageLatency: number;
  readonly p50Latency: number;
  readonly p95Latency: number;
  readonly p99Latency: number;
  readonly maxLatency: number;
  /**
   * Messages lost to errors over messages offered, as a fraction: (dead-lettered + refused by a
   * full buffer) / `totalMessages` (dead letters counted once per message under fan-out). A
   * failed attempt that a retry then delivered is not lost: see `failedAttempts`.
   */
  readonly errorRate: number;
  /** Delivery attempts (batches handed to a consumer, including each retry). */
  readonly deliveryAttempts: number;
  /** Delivery attempts that threw or rejected; `failedAttempts / deliveryAttempts` is the attempt failure rate. */
  readonly failedAttempts: number;
  readonly backpressureEvents: number;
  readonly dropped: number;
  readonly deadLettered: number;
  readonly retries: number;
  /** Wall time the run took, ms. */
  readonly elapsed: number;
  /** Receivers per message (High Fan-out): `delivered` and the throughput count each receiver. */
  readonly fanOut?: number;
  /** On/off cycle of a burst test: `messageRate` is the rate while on. */
  readonly burst?: { readonly onMs: number; readonly offMs: number };
}

const base = { messageSize: 100, dataPattern: 'random' as const };

/**
 * The standard scenarios: the spec's High Volume Stress Test, bursts, a slow consumer, faults
 * and a high fan-out. Each has a short variant in {@link QUICK_PERFORMANCE_TESTS}.
 *
 * @example
 * ```ts
 * const results = await new PerformanceTestSuite(engine).runTestSuite(STANDARD_PERFORMANCE_TESTS);
 * ```
 */
export const STANDARD_PERFORMANCE_TESTS: readonly PerformanceTest[] = Object.freeze([
  { name: 'High Volume Stress Test', duration: 120_000, messageRate: 1000, messageSize: 1000, concurrentConnections: 10, dataPattern: 'random' },
  { ...base, name: 'Burst Test', duration: 30_000, messageRate: 50_000, concurrentConnections: 4, dataPattern: 'step', burst: { onMs: 200, offMs: 800 }, shed: true },
  // Each consumer takes 10 ms per batch (5k msg/s at 50 a batch) and is offered 10k msg/s.
  { ...base, name: 'Slow Consumer Test', duration: 30_000, messageRate: 20_000, concurrentConnections: 2, dataPattern: 'sine-wave', consumerCostMs: 10, shed: true },
  { ...base, name: 'Fault Injection Test', duration: 30_000, messageRate: 5000, concurrentConnections: 4, failureRate: 0.02 },
  { ...base, name: 'High Fan-out Test', duration: 30_000, messageRate: 20_000, concurrentConnections: 2, dataPattern: 'sequential', fanOut: 16 },
]);

/**
 * The same scenarios, 2 seconds each: for tests and quick checks.
 *
 * @example
 * ```ts
 * await suite.runTestSuite(QUICK_PERFORMANCE_TESTS);
 * ```
 */
export const QUICK_PERFORMANCE_TESTS: readonly PerformanceTest[] = Object.freeze(
  STANDARD_PERFORMANCE_TESTS.map((t) => ({ ...t, name: `${t.name} (quick)`, duration: 2000 })),
);
