// Model-based suite (fast-check commands) for one connection on simulated time, with
// fc.scheduler choosing when asynchronous deliveries complete. Every invariant of semantics.md
// is checked after every command of every trace, in one pass (a failure names the invariant
// that broke); TRACE_RUNS random configs and command sequences; a failure prints the seed, the
// shrunk path and the command list; FC_SEED=<seed> FC_PATH=<path> replays it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  type BatchingMode,
  DefaultBackpressureHandler,
  GracefulErrorRecovery,
  OVERFLOW_STRATEGIES,
  StreamEngine,
  type Connection,
  type OverflowStrategy,
  type Priority,
  type StreamMessage,
} from '../../src/index.js';
import { NUM_RUNS, pendingTimers } from '../support/helpers.js';
import { flushMicrotasks } from '../support/flush.js';

// ---------- the system under test, instrumented ----------

interface Setup {
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

interface Attempt {
  ids: number[];
  state: string;
  ok: boolean | null;
  /** Timed out (DELIVERY_TIMEOUT) while still out. */
  late?: boolean;
}

interface Real {
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

interface Model {
  sent: StreamMessage[];
  accepted: StreamMessage[];
  stopped: boolean;
  failed: boolean;
}

function createReal(setup: Setup, s: fc.Scheduler, checking = true): Real {
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


// ---------- commands ----------

type Cmd = fc.AsyncCommand<Model, Real>;
let nextId = 0;

class Send implements Cmd {
  constructor(readonly n: number, readonly priority: Priority | undefined, readonly keyed: boolean) {}
  check = (m: Readonly<Model>) => !m.stopped && !m.failed;
  async run(m: Model, r: Real) {
    for (let i = 0; i < this.n; i++) {
      const msg: StreamMessage = { id: ++nextId, timestamp: r.clock.now(), sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i, ...(this.priority ? { priority: this.priority } : {}), ...(this.keyed ? { key: `k${nextId % 3}` } : {}) };
      m.sent.push(msg);
      const before = r.c.stats();
      r.sentBefore = before.buffered;
      r.inFlightBefore = before.inFlight;
      const dropsBefore = r.policyDrops;
      let outcome: string;
      try {
        outcome = r.c.offer(msg);
      } catch (e) {
        if ((e as { code?: string }).code !== 'CONNECTION_FAILED') throw e;
        m.failed = true;
        break;
      }
      if (outcome !== 'full') m.accepted.push(msg);
      // An offer either drops the incoming message (one drop) or evicts buffered ones.
      if (outcome === 'dropped') r.selfDropped.add(msg.id as number);
      r.evicted += r.policyDrops - dropsBefore - (outcome === 'dropped' ? 1 : 0);
    }
    await flushMicrotasks();
    check(m, r);
  }
  toString = () => `send(${this.n}${this.priority ? `, ${this.priority}` : ''}${this.keyed ? ', keyed' : ''})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = (m: Readonly<Model>) => !m.stopped;
  async run(m: Model, r: Real) {
    for (let i = 0; i < this.ms; i++) {
      r.clock.increment(1); // one step at a time: SimulatedClock fires due timers at the end of an increment
      await flushMicrotasks();
    }
    check(m, r);
  }
  toString = () => `advance(${this.ms})`;
}

class Toggle implements Cmd {
  constructor(readonly what: 'stall' | 'unstall' | 'open' | 'close') {}
  check = (m: Readonly<Model>) => !m.stopped;
  async run(m: Model, r: Real) {
    if (this.what === 'stall') r.stalled = true;
    else if (this.what === 'unstall') r.stalled = false;
    else if (this.what === 'open') r.c.openCircuit();
    else r.c.closeCircuit();
    await flushMicrotasks();
    check(m, r);
  }
  toString = () => this.what === 'open' || this.what === 'close' ? `${this.what}Circuit` : this.what;
}

class Consume implements Cmd {
  check = (m: Readonly<Model>) => !m.stopped;
  async run(m: Model, r: Real) {
    if (r.s.count() > 0) await r.s.waitOne();
    await flushMicrotasks();
    check(m, r);
  }
  toString = () => 'consume';
}

class FailNext implements Cmd {
  constructor(readonly n: number) {}
  check = (m: Readonly<Model>) => !m.stopped;
  async run(m: Model, r: Real) {
    r.failNext += this.n;
    check(m, r);
  }
  toString = () => `failNext(${this.n})`;
}

class Stop implements Cmd {
  check = (m: Readonly<Model>) => !m.stopped;
  async run(m: Model, r: Real) {
    r.stalled = false;
    r.failNext = 0;
    r.heldAtStop = m.failed ? null : stillBuffered(m, r);
    r.stopping = true;
    const stopping = r.engine.stop({ timeout: 1000 });
    while (r.s.count() > 0) await r.s.waitOne();
    await flushMicrotasks();
    r.clock.increment(1000);
    await stopping;
    m.stopped = true;
    r.stopped = true;
    r.stopAttempts = r.attempts.length;
    check(m, r);
  }
  toString = () => 'stop';
}

const commands = [
  fc.tuple(fc.integer({ min: 1, max: 25 }), fc.constantFrom<Priority | undefined>(undefined, undefined, 'low', 'normal', 'high', 'critical'), fc.boolean()).map(([n, p, k]) => new Send(n, p, k)),
  fc.integer({ min: 1, max: 40 }).map((ms) => new Advance(ms)),
  fc.constantFrom('stall', 'unstall', 'open', 'close').map((w) => new Toggle(w as 'stall')),
  fc.constant(new Consume()),
  fc.integer({ min: 1, max: 4 }).map((n) => new FailNext(n)),
  fc.constant(new Stop()),
];

const setupArb: fc.Arbitrary<Setup> = fc
  .record({
    bufferSize: fc.integer({ min: 1, max: 40 }),
    maxBatchSize: fc.integer({ min: 1, max: 10 }),
    batchTimeout: fc.integer({ min: 0, max: 20 }),
    batching: fc.constantFrom<BatchingMode>('adaptive', 'fixed'),
    backpressureThreshold: fc.double({ min: 0.2, max: 1, noNaN: true }),
    overflowStrategy: fc.constantFrom(...OVERFLOW_STRATEGIES),
    handler: fc.option(fc.record({ dropThreshold: fc.double({ min: 0.3, max: 1, noNaN: true }), priorityDrop: fc.boolean(), maxWaitTime: fc.integer({ min: 0, max: 50 }) }), { nil: null }),
    retryAttempts: fc.integer({ min: 0, max: 3 }),
    retryDelay: fc.integer({ min: 0, max: 20 }),
    consecutiveFailures: fc.integer({ min: 1, max: 5 }),
    resetTimeout: fc.integer({ min: 5, max: 60 }),
    halfOpenProbes: fc.integer({ min: 1, max: 2 }),
    halfOpenTimeout: fc.integer({ min: 5, max: 80 }),
  })
  .map((s) => ({ ...s, maxBatchSize: Math.min(s.maxBatchSize, s.bufferSize) }));

// ---------- invariants ----------

type Invariant = (m: Model, r: Real) => void;
class Broken extends Error {}
function fail(why: string): never {
  throw new Broken(why);
}
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

/** Ids never attempted nor dropped on arrival and younger than every attempt: the buffer, plus what a policy evicted from it. */
function stillBuffered(m: Model, r: Real): Set<number> {
  const ids = new Set<number>();
  for (const msg of m.accepted) {
    const id = msg.id as number;
    if (id > r.maxAttempted && !r.selfDropped.has(id)) ids.add(id);
  }
  return ids;
}

const INVARIANTS: Record<string, Invariant> = {
  'conservation: accepted = delivered + dropped + deadLettered + inFlight, and the consumer agrees': (m, r) => {
    const s = r.c.stats();
    if (s.accepted !== s.delivered + s.droppedTotal + s.deadLettered + s.inFlight) fail(`conservation broken: ${JSON.stringify(s)}`);
    if (s.accepted !== m.accepted.length) fail(`accepted ${s.accepted} but the model saw ${m.accepted.length} offers taken`);
    if (s.delivered !== r.delivered.length) fail(`delivered ${s.delivered} but the consumer saw ${r.delivered.length}`);
    const dead = new Set(r.dead.flat());
    for (const id of r.late) {
      const tries = r.attempts.filter((a) => a.ids.includes(id)).length;
      if (!dead.has(id) && tries < 2 && !r.stopping) fail(`message ${id} finished late (after its attempt timed out) but was neither dead-lettered nor attempted again`);
    }
    if (s.deadLettered !== r.dead.flat().length) fail(`deadLettered ${s.deadLettered} but deadLetters$ carried ${r.dead.flat().length}`);
  },
  'bounded buffer: never more than bufferSize held (buffered plus the batch out)': (_m, r) => {
    if (r.c.stats().inFlight > r.setup.bufferSize) fail(`inFlight ${r.c.stats().inFlight} > ${r.setup.bufferSize}`);
  },
  'batch bounds: every attempt carries 1..maxBatchSize messages': (_m, r) => {
    for (const a of r.attempts) if (a.ids.length < 1 || a.ids.length > r.setup.maxBatchSize) fail(`batch of ${a.ids.length}`);
  },
  'ordering: the delivered stream is a subsequence of the sent stream (FIFO within every priority class)': (_m, r) => {
    if (!increasing(r.delivered)) fail(`delivered out of order: ${r.delivered.join(',')}`);
  },
  'retries never reorder: after a failed attempt the same batch goes next, unless it was dead-lettered': (_m, r) => {
    const deadFirst = new Set(r.dead.map((d) => d[0]));
    for (let i = 0; i + 1 < r.attempts.length; i++) {
      const a = r.attempts[i]!;
      if (a.ok !== false) continue;
      const next = r.attempts[i + 1]!;
      if (next.ids.join() !== a.ids.join() && !deadFirst.has(a.ids[0]!)) fail(`attempt ${i + 1} failed with [${a.ids}] but [${next.ids}] went next`);
    }
  },
  'at most 1 + retryAttempts attempts per batch; dead letters only after the last one (or at close)': (m, r) => {
    const count = new Map<string, number>();
    for (const a of r.attempts) count.set(a.ids.join(), (count.get(a.ids.join()) ?? 0) + 1);
    for (const [ids, n] of count) if (n > 1 + r.setup.retryAttempts) fail(`batch [${ids}] attempted ${n} times`);
    if (!m.stopped) for (const d of r.dead) if ((count.get(d.join()) ?? 0) !== 1 + r.setup.retryAttempts) fail(`[${d}] dead-lettered after ${count.get(d.join())} attempts`);
  },
  'no shedding below the drop threshold; policy drops only from a full buffer (conflate aside)': (_m, r) => {
    if (r.setup.overflowStrategy === 'conflate') return;
    const shedAt = r.setup.handler ? Math.max(1, Math.ceil(r.setup.handler.dropThreshold * r.setup.bufferSize)) : Infinity;
    // The handler sheds on buffered >= its threshold; a strategy acts when buffered + the batch out
    // fill the capacity.
    for (const d of r.dropsAt) if (d.before < shedAt && d.inFlight < r.setup.bufferSize) fail(`${d.reason} drop with ${d.before} buffered, ${d.inFlight} in flight (threshold ${shedAt}, capacity ${r.setup.bufferSize})`);
  },
  'eviction accounting: every accepted message never attempted is buffered or counted as evicted by a policy': (m, r) => {
    if (m.failed || m.stopped) return;
    const unattempted = m.accepted.filter((msg) => !r.attempted.has(msg.id as number) && !r.selfDropped.has(msg.id as number)).length;
    const buffered = r.c.stats().buffered;
    if (unattempted !== buffered + r.evicted) fail(`${unattempted} accepted messages never attempted, but ${buffered} buffered + ${r.evicted} evicted`);
  },
  'critical is never shed: each accepted critical message ends delivered, dead-lettered, or dropped at shutdown/open circuit': (m, r) => {
    if (!r.setup.handler) return;
    for (const msg of m.accepted) {
      if (msg.priority !== 'critical') continue;
      const id = msg.id as number;
      if (r.selfDropped.has(id)) fail(`critical message ${id} was dropped on arrival`);
      // The buffer is FIFO: once a younger message was handed out, an older one never handed
      // out can only have been evicted.
      if (!r.attempted.has(id) && id < r.maxAttempted) fail(`critical message ${id} was shed (message ${r.maxAttempted} went out, ${id} never did)`);
    }
    if (!m.failed && !m.stopped) {
      // Every never-attempted critical message younger than the last one out is still buffered.
      const waiting = m.accepted.filter((msg) => msg.priority === 'critical' && !r.attempted.has(msg.id as number)).length;
      if (waiting > r.c.stats().buffered) fail(`${waiting} critical messages wait, only ${r.c.stats().buffered} are buffered`);
    }
    if (!m.stopped || r.heldAtStop === null) return;
    // After stop: a critical message not delivered nor dead-lettered was in the connection when
    // stop began (in the batch out, or buffered), so its drop was shutdown/circuitOpen.
    const settled = new Set([...r.delivered, ...r.dead.flat()]);
    let unsettled = 0;
    for (const msg of m.accepted) {
      const id = msg.id as number;
      if (msg.priority !== 'critical' || settled.has(id)) continue;
      unsettled++;
      if (!r.attempted.has(id) && !r.heldAtStop.has(id)) fail(`critical message ${id} was not in the connection when stop began`);
    }
    const d = r.c.stats().dropped;
    if (unsettled > d.circuitOpen + d.shutdown) fail(`${unsettled} critical messages neither delivered nor dead-lettered, only ${d.circuitOpen + d.shutdown} dropped at shutdown/open circuit`);
  },
  'hysteresis: flowing below the high watermark, backpressured above the low one': (_m, r) => {
    const s = r.c.stats();
    const high = Math.max(1, Math.ceil(r.setup.backpressureThreshold * r.setup.bufferSize));
    const low = r.c.config.lowWatermark * r.setup.bufferSize;
    if (s.state === 'failed' || s.state === 'closed') return; // no longer flowing at all
    // Occupancy is what the connection holds: buffered plus the batch out.
    if (r.c.isBackpressured && (s.inFlight < low || s.inFlight === 0)) fail(`backpressured holding ${s.inFlight} (low watermark ${low})`);
    if (!r.c.isBackpressured && s.inFlight >= high) fail(`not backpressured holding ${s.inFlight} (high watermark ${high})`);
    if (s.state === 'flowing' && r.c.isBackpressured) fail('state flowing while the mailbox is pressured');
    if (s.state === 'backpressured' && !r.c.isBackpressured) fail('state backpressured while the mailbox is not');
  },
  'circuit: no attempt while open; at most halfOpenProbes attempts per half-open': (_m, r) => {
    for (const a of r.attempts) if (a.state === 'circuitOpen') fail(`an attempt [${a.ids}] while circuitOpen`);
    for (const n of r.halfOpenEpisodes) if (n > r.setup.halfOpenProbes) fail(`${n} attempts in one half-open (probes ${r.setup.halfOpenProbes})`);
  },
  'stop: inFlight 0, no timer left, no delivery afterwards': (m, r) => {
    if (!m.stopped) return;
    const s = r.c.stats();
    if (s.inFlight !== 0) fail(`inFlight ${s.inFlight} after stop`);
    if (pendingTimers(r.clock) !== 0) fail(`${pendingTimers(r.clock)} timers left after stop`);
    if (r.attempts.length !== r.stopAttempts) fail('a delivery after stop');
  },
};

/** Every invariant, in one pass: the first that breaks is named in the error. */
function check(m: Model, r: Real) {
  if (!r.checking) return;
  for (const [name, invariant] of INVARIANT_LIST) {
    try {
      invariant(m, r);
    } catch (e) {
      if (e instanceof Broken) throw new Error(`invariant broken: ${name}: ${e.message}`);
      throw e;
    }
  }
}
const INVARIANT_LIST = Object.entries(INVARIANTS);

/** The traces a run checks: one pass checks every invariant, so the budget of one run per invariant buys more traces. */
const TRACE_RUNS = NUM_RUNS * 6;

describe('connection model (fast-check commands, simulated time, scheduled deliveries)', () => {
  it(`every invariant holds after every command (${INVARIANT_LIST.length} invariants, one pass per trace)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), setupArb, fc.commands(commands, { maxCommands: 40 }), async (s, setup, cmds) => {
        const real = createReal(setup, s);
        try {
          await fc.asyncModelRun(() => ({ model: { sent: [], accepted: [], stopped: false, failed: false }, real }), cmds);
        } finally {
          real.engine.dispose();
        }
      }),
      { numRuns: TRACE_RUNS, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH, endOnFailure: true } : {}) },
    );
  });

  it('same commands, same trace: a command sequence replays identically on simulated time', async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, fc.commands(commands.filter((_, i) => i !== 3), { maxCommands: 30 }), async (setup, cmds) => {
        const traces: string[] = [];
        for (let run = 0; run < 2; run++) {
          nextId = 0;
          const real = createReal(setup, { count: () => 0, schedule: (p: Promise<unknown>) => p } as unknown as fc.Scheduler, false);
          const model: Model = { sent: [], accepted: [], stopped: false, failed: false };
          for (const cmd of cmds) if (cmd.check(model)) await cmd.run(model, real);
          traces.push(JSON.stringify({ attempts: real.attempts, dead: real.dead, stats: real.c.stats() }));
          real.engine.dispose();
        }
        if (traces[0] !== traces[1]) fail('two runs of the same commands differ');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
