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
