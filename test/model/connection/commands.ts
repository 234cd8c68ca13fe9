// The commands a trace is made of, and the arbitrary of connection setups; each command checks
// every invariant once it has run.
import fc from 'fast-check';
import { type BatchingMode, OVERFLOW_STRATEGIES, type Priority, type StreamMessage } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/flush.js';
import { check, stillBuffered } from './invariants.js';
import type { Model, Real, Setup } from './system.js';

type Cmd = fc.AsyncCommand<Model, Real>;
let nextId = 0;

/** Ids start at 1 again (the determinism property runs the same commands twice). */
export function resetIds(): void {
  nextId = 0;
}

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

export const commands = [
  fc.tuple(fc.integer({ min: 1, max: 25 }), fc.constantFrom<Priority | undefined>(undefined, undefined, 'low', 'normal', 'high', 'critical'), fc.boolean()).map(([n, p, k]) => new Send(n, p, k)),
  fc.integer({ min: 1, max: 40 }).map((ms) => new Advance(ms)),
  fc.constantFrom('stall', 'unstall', 'open', 'close').map((w) => new Toggle(w as 'stall')),
  fc.constant(new Consume()),
  fc.integer({ min: 1, max: 4 }).map((n) => new FailNext(n)),
  fc.constant(new Stop()),
];

export const setupArb: fc.Arbitrary<Setup> = fc
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
