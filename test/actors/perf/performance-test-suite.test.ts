import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { PerformanceTestSuite, QUICK_PERFORMANCE_TESTS, STANDARD_PERFORMANCE_TESTS, StreamEngine } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/flush.js';

/** Runs a suite on simulated time: the clock is stepped 1 ms at a time until it resolves. */
async function simulated<T>(clock: SimulatedClock, work: Promise<T>): Promise<T> {
  let done = false;
  void work.then(() => (done = true), () => (done = true));
  for (let t = 0; t < 600_000 && !done; t++) {
    clock.increment(1);
    await flushMicrotasks();
  }
  return work;
}

describe('PerformanceTestSuite', () => {
  it('the standard tests include the spec High Volume Stress Test and burst, slow-consumer, fault and fan-out scenarios, each with a quick variant', () => {
    expect(STANDARD_PERFORMANCE_TESTS[0]).toMatchObject({ name: 'High Volume Stress Test', duration: 120_000, messageRate: 1000, concurrentConnections: 10 });
    expect(STANDARD_PERFORMANCE_TESTS.map((t) => t.name)).toEqual(['High Volume Stress Test', 'Burst Test', 'Slow Consumer Test', 'Fault Injection Test', 'High Fan-out Test']);
    expect(QUICK_PERFORMANCE_TESTS.every((t) => t.duration === 2000 && t.name.endsWith('(quick)'))).toBe(true);
  });

  it('every quick scenario runs and reports sane numbers (simulated time)', async () => {
    const clock = new SimulatedClock();
    const engine = new StreamEngine({}, { clock });
    const suite = new PerformanceTestSuite(engine);
    const progress: string[] = [];
    const results = await simulated(clock, suite.runTestSuite(QUICK_PERFORMANCE_TESTS, { onProgress: (p) => progress.push(p.name) }));
    const [volume, burst, slow, faults, fanout] = results;
    // 10 connections, 1000 msg/s offered for 2 s.
    expect(volume).toMatchObject({ totalMessages: 2000, delivered: 2000, dropped: 0, errorRate: 0 });
    expect(volume!.averageThroughput).toBeGreaterThan(900);
    expect(volume!.p99Latency).toBeLessThanOrEqual(18); // batchTimeout + 2 ms
    expect(burst!.totalMessages).toBe(20_000); // 50k/s, on 20% of the time, for 2 s
    expect(slow!.dropped).toBeGreaterThan(0); // 10k/s offered to each consumer, which manages 5k/s
    expect(slow!.backpressureEvents).toBeGreaterThan(0);
    expect(faults!.retries).toBeGreaterThan(0);
    expect(faults!.delivered).toBeGreaterThan(faults!.totalMessages * 0.95);
    // Injected failures are failed attempts (each retried), not lost messages.
    expect(faults!.failedAttempts).toBeGreaterThanOrEqual(faults!.retries);
    expect(faults!.deliveryAttempts).toBeGreaterThan(faults!.failedAttempts);
    expect(volume).toMatchObject({ failedAttempts: 0 });
    expect(fanout!.delivered).toBe(fanout!.totalMessages * 16);
    for (const r of results) {
      expect(r.delivered + r.dropped / (r.name.startsWith('High Fan-out') ? 16 : 1)).toBeGreaterThan(0);
      expect(r.p99Latency).toBeGreaterThanOrEqual(r.p50Latency);
    }
    expect(new Set(progress)).toEqual(new Set(QUICK_PERFORMANCE_TESTS.map((t) => t.name)));
    expect(engine.listConnections()).toEqual([]); // each test cleans up after itself
    expect(engine.listNodes()).toEqual([]); // sources and sinks too
  });

  it('same seed, same run: the data and the injected failures repeat', async () => {
    const run = async () => {
      const clock = new SimulatedClock();
      const suite = new PerformanceTestSuite(new StreamEngine({}, { clock }));
      const test = QUICK_PERFORMANCE_TESTS.find((t) => t.name.startsWith('Fault Injection'))!;
      const a = await simulated(clock, suite.runTest({ ...test, seed: 7 }));
      const b = await simulated(clock, suite.runTest({ ...test, seed: 7 }));
      return [a.retries, b.retries];
    };
    const [first, second] = await run();
    expect(first).toBeGreaterThan(0);
    expect(second).toBe(first);
  });

  it('generateReport gives the spec block, Markdown and JSON', async () => {
    const clock = new SimulatedClock();
    const suite = new PerformanceTestSuite(new StreamEngine({}, { clock }));
    await simulated(clock, suite.runTest({ name: 'Custom High Load Test', duration: 1000, messageRate: 2000, messageSize: 1000, concurrentConnections: 10, dataPattern: 'random' }));
    const text = suite.generateReport();
    expect(text).toMatch(/^Test: Custom High Load Test\nDuration: 1000ms\nMessage Rate: 2,000\/s\nConcurrent Connections: 10\n\nResults:\n- Total Messages: 2,000\n- Average Throughput: [\d,]+ msg\/s\n- Average Latency: [\d.]+ms\n- P95 Latency: [\d.]+ms\n- P99 Latency: [\d.]+ms\n- Error Rate: 0\.00% of messages lost \(dead-lettered or refused: 0 of 2,000\)\n- Failed Attempts: 0\.00% of delivery attempts \(0 of [\d,]+; [^)]+\)\n- Backpressure Events: \d+/);
    expect(suite.generateReport('markdown')).toContain('| Custom High Load Test | 1000ms | 2,000/s | 10 | 2,000 |');
    expect(suite.generateReport('markdown')).toMatch(/\| Lost \(of messages\) \| Failed \(of attempts\) \| Retries \|/);
    expect(JSON.parse(suite.generateReport('json'))).toMatchObject({ version: 1, results: [{ name: 'Custom High Load Test', totalMessages: 2000 }] });
  });

  it('a fault run reports both rates, each named by what it divides, so retries never sit beside an unexplained 0%', async () => {
    const clock = new SimulatedClock();
    const suite = new PerformanceTestSuite(new StreamEngine({}, { clock }));
    const test = QUICK_PERFORMANCE_TESTS.find((t) => t.name.startsWith('Fault Injection'))!;
    const r = await simulated(clock, suite.runTest(test));
    expect(r.retries).toBeGreaterThan(0);
    const text = suite.generateReport();
    const lost = /- Error Rate: ([\d.]+)% of messages lost \(dead-lettered or refused: ([\d,]+) of ([\d,]+)\)/.exec(text)!;
    const failed = /- Failed Attempts: ([\d.]+)% of delivery attempts \(([\d,]+) of ([\d,]+);/.exec(text)!;
    const n = (s: string) => Number(s.replaceAll(',', ''));
    expect(n(lost[3]!)).toBe(r.totalMessages);
    expect(n(lost[1]!)).toBeCloseTo(r.errorRate * 100, 2);
    expect(n(failed[2]!)).toBe(r.failedAttempts);
    expect(n(failed[3]!)).toBe(r.deliveryAttempts);
    expect(n(failed[1]!)).toBeGreaterThan(0);
    expect(n(failed[1]!)).toBeCloseTo((r.failedAttempts / r.deliveryAttempts) * 100, 2);
    expect(text).toContain(`- Retries: ${r.retries.toLocaleString('en-US')}`);
  });

  it('refuses bad tests with typed errors naming the field', async () => {
    const suite0 = new PerformanceTestSuite(new StreamEngine());
    const ok = { name: 'x', duration: 500, messageRate: 100, messageSize: 10, concurrentConnections: 1, dataPattern: 'random' as const };
    await expect(suite0.runTest(undefined as never)).rejects.toThrow(/test/);
    await expect(suite0.runTest({ ...ok, messageSize: 1e9 })).rejects.toThrow(/messageSize/);
    await expect(suite0.runTest({ ...ok, messageRate: 1e9 })).rejects.toThrow(/messageRate/);
    expect(() => suite0.generateReport('xml' as never)).toThrow(/format/);
    const suite = new PerformanceTestSuite(new StreamEngine());
    const good = { name: 't', duration: 10, messageRate: 10, messageSize: 1, concurrentConnections: 1, dataPattern: 'random' as const };
    for (const [field, bad] of [['duration', { duration: 0 }], ['dataPattern', { dataPattern: 'zigzag' }], ['concurrentConnections', { concurrentConnections: 0 }], ['failureRate', { failureRate: 1 }], ['rate', { rate: 5 }]] as const) {
      await expect(suite.runTest({ ...good, ...bad } as never)).rejects.toMatchObject({ code: 'INVALID_CONFIG', field });
    }
  });
});
