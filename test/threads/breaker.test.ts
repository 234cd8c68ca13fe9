import { afterEach, describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, StreamEngine } from '../../src/index.js';
import { threadNode, threadPool } from '../../src/threads/index.js';
import { fixture, workerEntry } from './entry.js';
import { until } from '../support/until.js';

// The input connection's breaker sees a thread node's failures as it sees an in-thread node's
// (docs/semantics.md, "Breaker at a custody end"): same threshold, half-open probes decided by
// the far end's outcome, not by the hand-over.

const engines: StreamEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

/** src -> heavy (throws on -1, else v + 1; on workers or inline) -> sink, the default breaker but 20 ms open. */
function pipeline(onThread: boolean) {
  const engine = new StreamEngine();
  engines.push(engine);
  engine.setErrorRecovery(new GracefulErrorRecovery({ retryDelay: 1, jitter: 0, circuitBreaker: { resetTimeout: 20, maxResetTimeout: 20 } }));
  if (onThread) threadNode(engine, 'heavy', { kind: 'module', module: fixture('work.mjs'), export: 'faulty' }, { pool: threadPool({ entry: workerEntry() }) });
  else
    engine.node('heavy', {
      process: (b) => {
        if (b.messages.some((m) => m.data === -1)) throw new Error('bad value -1');
        for (const m of b.messages) engine.emit('heavy', 'out', { ...m, sourceNodeId: 'heavy', data: (m.data as number) + 1 });
      },
    });
  const input = engine.createConnection('src', 'heavy', 'out', 'in', { maxBatchSize: 1, bufferSize: 100, batchTimeout: 1 });
  engine.createConnection('heavy', 'sink', 'out', 'in', { maxBatchSize: 10, bufferSize: 1000, batchTimeout: 1 });
  const got: unknown[] = [];
  engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
  const c = engine.getConnection(input);
  const states: string[] = [];
  let failedAtOpen = -1;
  engine.events$.subscribe((e) => {
    if (e.type !== 'connection.state' || e.connectionId !== input) return;
    states.push(e.to);
    if (failedAtOpen < 0 && e.to === 'circuitOpen') failedAtOpen = c.stats().failedAttempts;
  });
  let id = 0;
  const send = async (data: number) => c.writer.write({ id: id++, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'heavy', port: 'out', data });
  return { c, got, states, send, failedAtOpen: () => failedAtOpen };
}


describe('threads: the input connection breaker sees the workers', () => {
  for (const onThread of [false, true]) {
    it(`${onThread ? 'on workers' : 'inline'}: opens at the 5th failed attempt, a failing probe re-opens it, a succeeding one closes it`, async () => {
      const t = pipeline(onThread);
      await t.send(-1);
      await t.send(-1);
      await until(() => t.states.includes('circuitOpen'));
      expect(t.failedAtOpen()).toBe(5); // DEFAULT_BREAKER.consecutiveFailures, as inline
      // While open nothing new goes out: what is written now waits in the mailbox.
      await t.send(-1);
      expect(t.c.stats().state).toBe('circuitOpen');
      await until(() => t.states.includes('halfOpen'));
      // The first probe carries a -1: it fails (its hand-over to a worker is no success).
      await until(() => t.states.lastIndexOf('halfOpen') > 0 && t.states.length > t.states.indexOf('halfOpen') + 1);
      expect(t.states[t.states.indexOf('halfOpen') + 1]).toBe('circuitOpen');
      await t.send(5);
      await until(() => t.got.includes(6) && t.states.at(-1) === 'flowing');
      // Closed by a probe: the last transitions are open -> halfOpen -> flowing.
      expect(t.states.slice(-3)).toEqual(['circuitOpen', 'halfOpen', 'flowing']);
      expect(t.c.stats()).toMatchObject({ state: 'flowing', inFlight: 0 });
    });
  }
});

// A burst of failures: up to maxFrames batches are at the far end when the circuit opens. Their
// retries wait for it (docs/semantics.md, "Breaker at a custody end"), so while open nothing runs
// again and nothing is dead-lettered for failing; with maxFrames 1 the counts are the inline ones.
describe('threads: retries at the far end wait for the circuit', () => {
  type Placement = 'inline' | 'workers' | 'workers, maxFrames 1';
  /** src -> w (`fn`) -> sink; `open` ms of open circuit; 20 messages written at once. */
  function burst(placement: Placement, open: number, fn: (values: unknown[]) => unknown[]) {
    const engine = new StreamEngine();
    engines.push(engine);
    engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 3, retryDelay: 1, jitter: 0, circuitBreaker: { resetTimeout: open, maxResetTimeout: open } }));
    let node: ReturnType<typeof threadNode> | undefined;
    if (placement === 'inline') engine.node('w', { process: (b) => void fn(b.messages.map((m) => m.data)).forEach((v, i) => engine.emit('w', 'out', { ...b.messages[i]!, sourceNodeId: 'w', data: v })) });
    else node = threadNode(engine, 'w', { kind: 'function', fn }, { pool: threadPool({ entry: workerEntry() }), ...(placement === 'workers' ? {} : { maxFrames: 1 }) });
    const c = engine.getConnection(engine.createConnection('src', 'w', 'out', 'in', { maxBatchSize: 1, bufferSize: 50, batchTimeout: 2 }));
    engine.createConnection('w', 'sink', 'out', 'in', { bufferSize: 1000 });
    const got: unknown[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    for (let i = 0; i < 20; i++) void c.writer.write({ id: i, timestamp: 0, sourceNodeId: 'src', targetNodeId: 'w', port: 'out', data: i }).catch(() => {});
    return { c, got, node };
  }
  const alwaysThrows = () => {
    throw new Error('down');
  };

  it.each<[Placement, number, number]>([
    ['inline', 5, 1],
    ['workers, maxFrames 1', 5, 1],
  ])('%s, always failing, circuit open for good: %i attempts, %i dead-lettered, the rest kept', async (placement, attempts, dead) => {
    const t = burst(placement, 60_000, alwaysThrows);
    await until(() => t.c.stats().state === 'circuitOpen' && t.c.stats().failedAttempts >= attempts);
    await new Promise((r) => setTimeout(r, 300)); // retries would have run (retryDelay 1) by now
    expect(t.c.stats()).toMatchObject({ state: 'circuitOpen', failedAttempts: attempts, deadLettered: dead, inFlight: 20 - dead });
  });

  it('workers (maxFrames 32), always failing, circuit open for good: each frame handed over ran once, none again, none dead-lettered', async () => {
    const t = burst('workers', 60_000, alwaysThrows);
    await until(() => t.c.stats().state === 'circuitOpen');
    await new Promise((r) => setTimeout(r, 300));
    const sent = t.node!.readout().sent;
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(t.c.stats()).toMatchObject({ state: 'circuitOpen', failedAttempts: sent, deadLettered: 0, inFlight: 20 });
    expect(t.node!.counters().retriesWaited).toBe(sent);
  });

  it('workers: a retry due while the frames ahead of it still run starts only if the circuit is closed when it starts (their failures opened it: it waits)', async () => {
    // Values 0-3 fail at once, so their retries are due (1 ms) while 4-19 still queue at the
    // worker, each failing after 5 ms; the 5th failure opens the circuit before any retry starts.
    const slowFail = (values: unknown[]) => {
      if ((values[0] as number) >= 4) for (const t0 = Date.now(); Date.now() - t0 < 5; );
      throw new Error('down');
    };
    const t = burst('workers', 60_000, slowFail);
    await until(() => t.c.stats().state === 'circuitOpen');
    await until(() => t.node!.readout().outstandingFrames === t.node!.readout().framesSent && t.c.stats().failedAttempts >= t.node!.readout().sent, 'every first attempt failed', 5000);
    await new Promise((r) => setTimeout(r, 100));
    const sent = t.node!.readout().sent;
    expect(t.c.stats()).toMatchObject({ state: 'circuitOpen', failedAttempts: sent, deadLettered: 0, inFlight: 20 });
  });

  it.each<Placement>(['inline', 'workers', 'workers, maxFrames 1'])('%s, failing for 600 ms then working: the waiting retries probe, the circuit closes, the rest arrives in order', async (placement) => {
    const flaky = (values: unknown[]) => {
      const g = globalThis as { flakyUntil?: number };
      g.flakyUntil ??= Date.now() + 600;
      if (Date.now() < g.flakyUntil) throw new Error('down');
      return values;
    };
    delete (globalThis as { flakyUntil?: number }).flakyUntil;
    const t = burst(placement, 100, flaky);
    await until(() => t.c.stats().inFlight === 0 && t.c.stats().accepted === 20, "all settled", 10_000);
    const s = t.c.stats();
    expect(s.state).toBe('flowing');
    expect(s.delivered + s.deadLettered).toBe(20);
    expect(s.delivered).toBeGreaterThanOrEqual(15);
    expect(t.got).toEqual([...(t.got as number[])].sort((a, b) => a - b));
    expect(t.got.length).toBe(s.delivered);
  });
});
