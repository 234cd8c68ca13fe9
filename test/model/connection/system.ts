// The connection under test, instrumented: one StreamEngine on simulated time whose target
// records every attempt and lets fc.scheduler choose when a stalled delivery completes.
import type fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import {
  type BatchingMode,
  DefaultBackpressureHandler,
  GracefulErrorRecovery,
  StreamEngine,
  type Connection,
  type OverflowStrategy,
  type StreamMessage,
} from '../../../src/index.js';

export interface Setup {
  bufferSize: number;
  maxBatchSize: number;
  batchTimeout: number;
  batching: BatchingMode;
  backpressureThreshold: number;
  overflowStrategy: OverflowStrategy;
  handler: { dropThreshold: number; priorityDrop: boolean; maxWaitTime: number } | null;
  retryAttempts: number;
  retryDelay: number;
  consecutiveFailures: number;
  resetTimeout: number;
  halfOpenProbes: number;
  halfOpenTimeout: number;
}

export interface Attempt {
  ids: number[];
  state: string;
  ok: boolean | null;
  /** Timed out (DELIVERY_TIMEOUT) while still out. */
  late?: boolean;
}

export interface Real {
  clock: SimulatedClock;
  engine: StreamEngine;
  c: Connection;
  s: fc.Scheduler;
  setup: Setup;
  attempts: Attempt[];
  delivered: number[];
  dead: number[][];
  /** Buffered and in-flight counts before each offer during which a policy drop happened. */
  dropsAt: { reason: string; before: number; inFlight: number }[];
  halfOpenEpisodes: number[];
  failNext: number;
  stalled: boolean;
  stopped: boolean;
  stopAttempts: number;
  sentBefore: number;
  inFlightBefore: number;
  /** Every id ever handed to the target, and the youngest of them (ids grow with send order). */
  attempted: Set<number>;
  maxAttempted: number;
  /** Policy drops (overflow, priority, timeout) counted by message.dropped events. */
  policyDrops: number;
  /** How many buffered messages policies evicted (policy drops minus incoming ones refused). */
  evicted: number;
  /** Ids of incoming messages an offer answered 'dropped'. */
  selfDropped: Set<number>;
  /** At the start of stop: ids never attempted and still in the connection (exact), or null. */
  heldAtStop: Set<number> | null;
  /**
   * Ids the consumer finished after the engine had given their attempt up (a half-open probe
   * outliving halfOpenTimeout counts as a failed attempt) when that no longer counts (see
   * `done`): at-least-once, so they are not `delivered`.
   */
  late: number[];
  /** stop() has begun. */
  stopping: boolean;
  /** The determinism property replays commands without checking (its scheduler stub does not pace settlements). */
  checking: boolean;
}

export interface Model {
  sent: StreamMessage[];
  accepted: StreamMessage[];
  stopped: boolean;
  failed: boolean;
}

export function createReal(setup: Setup, s: fc.Scheduler, checking = true): Real {
  const clock = new SimulatedClock();
  const engine = new StreamEngine(
    {
      bufferSize: setup.bufferSize,
      maxBatchSize: setup.maxBatchSize,
      batchTimeout: setup.batchTimeout,
      batching: setup.batching,
      backpressureThreshold: setup.backpressureThreshold,
      overflowStrategy: setup.overflowStrategy,
    },
    { clock },
  );
  if (setup.handler) engine.setBackpressureHandler(new DefaultBackpressureHandler(setup.handler));
  engine.setErrorRecovery(
    new GracefulErrorRecovery({
      retryAttempts: setup.retryAttempts,
      retryDelay: setup.retryDelay,
      circuitBreaker: {
        consecutiveFailures: setup.consecutiveFailures,
        resetTimeout: setup.resetTimeout,
        maxResetTimeout: setup.resetTimeout * 4,
        halfOpenProbes: setup.halfOpenProbes,
        halfOpenTimeout: setup.halfOpenTimeout,
      },
    }),
  );
  const real = { clock, engine, s, setup, attempts: [], delivered: [], late: [], stopping: false, dead: [], dropsAt: [], halfOpenEpisodes: [], failNext: 0, stalled: false, stopped: false, stopAttempts: 0, sentBefore: 0, attempted: new Set(), maxAttempted: 0, policyDrops: 0, evicted: 0, selfDropped: new Set(), heldAtStop: null, checking } as unknown as Real;
  engine.node('t', {
    process: (b) => {
      const a: Attempt = { ids: b.messages.map((m) => m.id as number), state: real.c.currentState, ok: null };
      real.attempts.push(a);
      for (const id of a.ids) real.attempted.add(id);
      real.maxAttempted = Math.max(real.maxAttempted, ...a.ids);
      if (a.state === 'halfOpen') real.halfOpenEpisodes[real.halfOpenEpisodes.length - 1]!++;
      if (real.failNext > 0) {
        real.failNext--;
        a.ok = false;
        throw new Error('injected failure');
      }
      const done = () => {
        a.ok = true;
        // semantics.md: a late success while the batch still waits for its retry counts as
        // delivered, once (it is not sent again). It counts for nothing once the batch is out
        // again in a live attempt, dead-lettered, already delivered, or stop() began.
        const first = a.ids[0];
        const waiting =
          !real.stopping &&
          !real.dead.some((d) => d[0] === first) &&
          !real.delivered.includes(first!) &&
          !real.attempts.some((b) => b !== a && b.ids[0] === first && b.ok === null && !b.late);
        (a.late && !waiting ? real.late : real.delivered).push(...a.ids);
      };
      if (!real.stalled) return done();
      return s.schedule(Promise.resolve(), `delivery of ${a.ids.length}`).then(done);
    },
  });
  engine.deadLetters$.subscribe((d) => real.dead.push(d.messages.map((m) => m.id as number)));
  real.c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  engine.events$.subscribe((e) => {
    if (e.type === 'message.dropped' && e.reason !== 'shutdown' && e.reason !== 'circuitOpen') {
      real.dropsAt.push({ reason: e.reason, before: real.sentBefore, inFlight: real.inFlightBefore });
      real.policyDrops += e.count;
    }
    if (e.type === 'connection.state' && e.to === 'halfOpen') real.halfOpenEpisodes.push(0);
    // The attempt still out (at most one is) was given up on: its late success is not a delivery.
    if (e.type === 'delivery.failed' && (e.error as { code?: string }).code === 'DELIVERY_TIMEOUT') {
      const out = [...real.attempts].reverse().find((a) => a.ok === null);
      if (out) out.late = true;
    }
  });
  return real;
}
