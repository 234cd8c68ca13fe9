import { ConfigError, readOptions } from '../../errors.js';
import { DELAY_ALLOWED, isDelay } from '../../clock.js';
import { DEFAULT_STREAM_CONFIG, type StreamConfig } from '../../config.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import type { Connection } from '../connection/connection.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import { DATA_PATTERNS, patternGenerator, seededRandom } from '../workflow/patterns.js';
import type { PerformanceResult, PerformanceTest } from './perf-test.js';
import { formatReport, type ReportFormat } from './report.js';

/**
 * Live figures of a running test, for progress bars.
 *
 * @example
 * ```ts
 * suite.runTest(test, { onProgress: (p: PerformanceProgress) => console.log(`${p.name} ${Math.round(p.fraction * 100)}%`) });
 * ```
 */
export interface PerformanceProgress {
  readonly name: string;
  /** 0..1 of the test's duration. */
  readonly fraction: number;
  readonly sent: number;
  readonly delivered: number;
  readonly throughput: number;
  readonly p99Latency: number;
}

const TICK_MS = 10;
const PER_TICK = 20_000;
/** How long a producer behind schedule may run past the duration to send what was due. */
const OVERRUN_MS = 1000;
let runs = 0;

/**
 * Runs performance tests on a StreamEngine: producers at the offered rate (stamped with their
 * intended send time, so a producer that falls behind shows up as latency), the test's
 * connections and sinks, then a drain and the figures. `generateReport()` prints the spec's
 * text block (also Markdown and JSON) for every test run so far.
 *
 * @example
 * ```ts
 * const testSuite = new PerformanceTestSuite(streamEngine);
 * const results = await testSuite.runTestSuite(STANDARD_PERFORMANCE_TESTS);
 * console.log(testSuite.generateReport());
 * ```
 */
export class PerformanceTestSuite {
  private readonly results: PerformanceResult[] = [];

  constructor(private readonly engine: StreamEngine) {}

  /** Every result so far, oldest first. */
  getResults(): readonly PerformanceResult[] {
    return [...this.results];
  }

  /** Runs the tests one after the other. */
  async runTestSuite(tests: readonly PerformanceTest[], options: { onProgress?: (p: PerformanceProgress) => void; onResult?: (r: PerformanceResult) => void } = {}): Promise<PerformanceResult[]> {
    const out: PerformanceResult[] = [];
    for (const t of tests) {
      const r = await this.runTest(t, { onProgress: options.onProgress });
      options.onResult?.(r);
      out.push(r);
    }
    return out;
  }

  /** The spec's report of every test run so far: 'text' (default), 'markdown' or 'json'. */
  generateReport(format: ReportFormat = 'text'): string {
    return formatReport(this.results, format);
  }

  /** Runs one test and resolves with its figures (also kept for generateReport). */
  async runTest(input: PerformanceTest, options: { onProgress?: (p: PerformanceProgress) => void } = {}): Promise<PerformanceResult> {
    const test = validate(input);
    const engine = this.engine;
    const clock = engine.clock;
    const prefix = `perf${++runs}`;
    const fanOut = test.fanOut ?? 1;
    const latency = new LatencyHistogram();
    // Seeded per test (its `seed`, default 1), not per run: the same test makes the same data
    // and the same injected failures every time.
    const seed = test.seed ?? 1;
    const random = seededRandom(seed);
    let delivered = 0;
    const sinks: string[] = [];
    const connections: Connection[] = [];
    const config = { ...test.config, ...(test.shed ? { overflowStrategy: 'dropHead' as const } : {}) };
    for (let c = 0; c < test.concurrentConnections; c++) {
      for (let k = 0; k < fanOut; k++) {
        const sink = `${prefix}-sink-${c}-${k}`;
        sinks.push(sink);
        engine.node(sink, {
          process: (batch) => {
            if (test.failureRate && random() < test.failureRate) throw new Error('injected failure');
            const record = () => {
              const now = clock.now();
              for (const m of batch.messages) latency.record(now - m.timestamp);
              delivered += batch.messages.length;
            };
            if (!test.consumerCostMs) return record();
            return new Promise<void>((resolve) => clock.setTimeout(() => (record(), resolve()), test.consumerCostMs!));
          },
        });
        connections.push(engine.getConnection(engine.createConnection(`${prefix}-src-${c}`, sink, 'out', 'in', config)));
      }
    }
    const outs = Array.from({ length: test.concurrentConnections }, (_, c) => engine.node(`${prefix}-src-${c}`).output('out'));
    const value = patternGenerator(test.dataPattern, { seed, amplitude: 100, period: 1000 });
    const payload = 'x'.repeat(test.messageSize);
    const total = Math.round((test.messageRate * test.duration) / 1000);
    const onTimeAt = (elapsed: number) => {
      if (!test.burst) return elapsed;
      const cycle = test.burst.onMs + test.burst.offMs;
      return Math.floor(elapsed / cycle) * test.burst.onMs + Math.min(test.burst.onMs, elapsed % cycle);
    };
    const wallAt = (onTime: number) => {
      if (!test.burst) return onTime;
      return Math.floor(onTime / test.burst.onMs) * (test.burst.onMs + test.burst.offMs) + (onTime % test.burst.onMs);
    };
    const t0 = clock.now();
    // A clock whose timers run late (it says so with timerLead: the wall clock) gets the
    // precise producer; simulated clocks fire exactly and always use their own timers.
    const precise = (clock.timerLead ?? 0) > 0 && typeof setImmediate === 'function';
    let sent = 0;
    let refused = 0;
    let lastReport = t0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = clock.now();
        const elapsed = now - t0;
        // Due per connection by the offered schedule (on-time only, for bursts).
        const due = Math.min(total, Math.floor((onTimeAt(Math.min(elapsed, test.duration)) * test.messageRate) / 1000));
        // At most PER_TICK per wake-up: a producer behind schedule still yields, so timers,
        // deliveries and progress run; the test ends at its duration whatever was sent.
        const until = Math.min(due, sent + PER_TICK);
        while (sent < until) {
          // Round-robin over the connections on one schedule: message `sent` is due at
          // sent / messageRate, so each connection gets messageRate / connections.
          const c = sent % test.concurrentConnections;
          const i = Math.floor(sent / test.concurrentConnections);
          const at = t0 + wallAt((sent * 1000) / test.messageRate);
          const r = outs[c]!.emit({ id: sent, timestamp: at, sourceNodeId: `${prefix}-src-${c}`, port: 'out', data: { value: value(i), payload } });
          if (r === 'full') refused++;
          sent++;
        }
        if (options.onProgress && now - lastReport >= 1000) {
          lastReport = now;
          options.onProgress({ name: test.name, fraction: Math.min(1, elapsed / test.duration), sent, delivered, throughput: delivered / Math.max(0.001, elapsed / 1000), p99Latency: latency.percentile(99) });
        }
        if (elapsed >= test.duration && (sent >= due || now - t0 >= test.duration + OVERRUN_MS)) return resolve();
        // Wake for the next message's intended time. Timers fire up to a millisecond or two
        // late, and that lateness would count as latency; so on the wall clock, when the next
        // message is due within 2 ms, yield with setImmediate instead (a precise load
        // generator, as the bench's).
        const wait = t0 + wallAt((sent * 1000) / test.messageRate) - clock.now();
        if (precise && wait <= 2) setImmediate(tick);
        else clock.setTimeout(tick, Math.max(1, Math.min(TICK_MS, wait - 1, test.duration - elapsed)));
      };
      tick();
    });
    // Drain: deliver what is buffered (bounded), then release the test's connections and nodes.
    let timer: unknown;
    const drained = Promise.all(connections.map((c) => (engine.hasConnection(c.id) ? engine.removeConnection(c.id) : undefined)));
    await Promise.race([drained, new Promise<void>((r) => (timer = clock.setTimeout(r, 5000)))]);
    clock.clearTimeout(timer);
    for (const c of connections) if (engine.hasConnection(c.id)) c.dispose();
    for (const sink of sinks) if (engine.hasNodeOrWidget(sink)) engine.removeNode(sink);
    // The sources were asked for by name (engine.node), so they do not go with their edges.
    for (let c = 0; c < test.concurrentConnections; c++) if (engine.findNode(`${prefix}-src-${c}`)) engine.removeNode(`${prefix}-src-${c}`);
    const elapsed = clock.now() - t0;
    const stats = connections.map((c) => c.stats());
    const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((n, s) => n + f(s), 0);
    const deadLettered = sum((s) => s.deadLettered);
    options.onProgress?.({ name: test.name, fraction: 1, sent, delivered, throughput: delivered / (elapsed / 1000), p99Latency: latency.percentile(99) });
    const result: PerformanceResult = {
      name: test.name,
      duration: test.duration,
      messageRate: test.messageRate,
      concurrentConnections: test.concurrentConnections,
      totalMessages: sent,
      delivered,
      averageThroughput: delivered / (elapsed / 1000),
      averageLatency: latency.mean,
      p50Latency: latency.percentile(50),
      p95Latency: latency.percentile(95),
      p99Latency: latency.percentile(99),
      maxLatency: latency.max,
      errorRate: sent === 0 ? 0 : (deadLettered / fanOut + refused) / sent,
      // A success counts one batch, a failure one failed attempt: together, every attempt.
      deliveryAttempts: sum((s) => s.batches + s.failedAttempts),
      failedAttempts: sum((s) => s.failedAttempts),
      backpressureEvents: sum((s) => s.backpressureEvents),
      dropped: sum((s) => s.droppedTotal),
      deadLettered,
      retries: sum((s) => s.retries),
      elapsed,
      ...(fanOut > 1 ? { fanOut } : {}),
      ...(test.burst ? { burst: test.burst } : {}),
    };
    this.results.push(result);
    return result;
  }
}

const MAX_MESSAGE_SIZE = 10_000_000;
const MAX_MESSAGES = 100_000_000;

// Reads the test once into a copy (what is checked is what runs) and checks every field.
function validate(input: PerformanceTest): PerformanceTest {
  if (input === null || typeof input !== 'object') throw new ConfigError('test', 'a PerformanceTest object', input);
  const t = readOptions(input, ['name', 'duration', 'messageRate', 'messageSize', 'concurrentConnections', 'dataPattern', 'config', 'burst', 'consumerCostMs', 'failureRate', 'fanOut', 'shed', 'seed']) as PerformanceTest;
  const positive = (field: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ConfigError(field, 'a finite number > 0', v);
  };
  if (typeof t.name !== 'string' || t.name.length === 0) throw new ConfigError('name', 'a non-empty string', t.name);
  positive('duration', t.duration);
  positive('messageRate', t.messageRate);
  if (!Number.isInteger(t.messageSize) || t.messageSize < 0 || t.messageSize > MAX_MESSAGE_SIZE) throw new ConfigError('messageSize', `an integer in [0, ${MAX_MESSAGE_SIZE}] (bytes)`, t.messageSize);
  // An offered load no process could produce in time is a typo, not a test.
  if ((t.messageRate * t.duration) / 1000 > MAX_MESSAGES) throw new ConfigError('messageRate', `at most ${MAX_MESSAGES} messages per test (messageRate × duration)`, t.messageRate);
  if (!Number.isInteger(t.concurrentConnections) || t.concurrentConnections < 1) throw new ConfigError('concurrentConnections', 'an integer >= 1', t.concurrentConnections);
  if (!DATA_PATTERNS.includes(t.dataPattern)) throw new ConfigError('dataPattern', DATA_PATTERNS.join(' | '), t.dataPattern);
  if (t.failureRate !== undefined && !(typeof t.failureRate === 'number' && t.failureRate >= 0 && t.failureRate < 1)) throw new ConfigError('failureRate', 'a number in [0, 1)', t.failureRate);
  if (t.seed !== undefined && !(Number.isInteger(t.seed) && t.seed >= 0)) throw new ConfigError('seed', 'an integer >= 0', t.seed);
  if (t.fanOut !== undefined && (!Number.isInteger(t.fanOut) || t.fanOut < 1)) throw new ConfigError('fanOut', 'an integer >= 1', t.fanOut);
  if (t.consumerCostMs !== undefined) positive('consumerCostMs', t.consumerCostMs);
  if (t.config !== undefined) {
    // Copied once (its values are checked by createConnection), so the run never reads the
    // caller's object again.
    const config = readOptions(t.config, [...Object.keys(DEFAULT_STREAM_CONFIG), 'conflateKey'], 'config.');
    (t as { config?: Partial<StreamConfig> }).config = config;
  }
  if (t.burst !== undefined) {
    const burst = readOptions(t.burst, ['onMs', 'offMs'], 'burst.') as { onMs: number; offMs: number };
    positive('burst.onMs', burst.onMs);
    if (!isDelay(burst.offMs)) throw new ConfigError('burst.offMs', DELAY_ALLOWED, burst.offMs);
    return { ...t, burst };
  }
  return t;
}
