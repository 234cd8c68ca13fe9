import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ThreadCarrier, type JobRunner, type StandInSide } from '../../src/threads/thread-carrier.js';
import type { JobOutcome } from '../../src/threads/pool.js';
import type { ErrorRecovery } from '../../src/actors/policies/error-recovery.js';

// A retry adopted as a half-open probe but still first in line at the pool when that round ends
// (halfOpenTimeout -> open -> halfOpen again) must not start in the next round on the strength of
// the old adoption: that round's budget granted its own probe (a clean-clone review found it did).
describe('ThreadCarrier: a retry starts as a probe only in the half-open round that adopted it', () => {
  it('a retry adopted in round 1 that starts in round 2 runs only if round 2 adopts it', () => {
    const clock = new SimulatedClock();
    const jobs: { seq: number; done: (o: JobOutcome) => void; gate?: () => boolean }[] = [];
    const runner: JobRunner = {
      clock,
      acquire: () => 1,
      release: () => Promise.resolve(),
      run: (_fn, _port, _enc, _t, done, gate) => void jobs.push({ seq: -1, done, gate }),
    };
    let phase: 'closed' | 'open' | 'halfOpen' = 'closed';
    const adopted: number[] = [];
    let round = 0;
    const rec = { retryAttempts: 5, retryDelayFor: () => 1, isRetryable: () => true, deliveryTimeout: undefined, breaker: {} } as unknown as ErrorRecovery;
    const side: StandInSide = {
      portOf: () => 'in',
      recovery: () => rec,
      failedAttempt: () => {},
      deadLetter: () => {},
      inputOf: () => 'in',
      circuit: () => phase,
      adoptProbe: () => (adopted.push(round), round),
      isRoundProbe: (_m, r) => phase === 'halfOpen' && r === round,
      retryWaiting: () => {},
      emit: () => {},
      count: () => {},
    };
    const carrier = new ThreadCarrier(runner, { kind: 'source', source: '(v) => v' }, 'ordered', side);
    void carrier.open({ settled: () => {}, deadLettered: () => {}, link: () => {} });
    const fail: JobOutcome = { ok: false, error: new Error('down') };
    const msg = (i: number) => [{ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i }] as never;

    carrier.send({ seq: 0, messages: msg(0) });
    jobs.shift()!.done(fail); // frame 0 fails: retry in 1 ms
    phase = 'halfOpen';
    round = 1;
    clock.increment(1); // frame 0's retry is adopted as round 1's probe, queued gated at the pool
    const p = jobs.shift()!;
    expect(p.gate).toBeDefined();
    expect(adopted).toEqual([1]);
    // The worker stays busy past halfOpenTimeout: round 1 ends, the circuit re-opens, then half-opens again.
    phase = 'open';
    clock.increment(50);
    phase = 'halfOpen';
    round = 2;
    // Round 2's probe: frame 1 fails, its retry is adopted (frame 0 is not waiting: it is queued).
    carrier.send({ seq: 1, messages: msg(1) });
    jobs.shift()!.done(fail);
    clock.increment(1);
    expect(adopted).toEqual([1, 2]);
    const q = jobs.shift()!;
    // Now the worker is idle and frame 0's retry reaches it: round 2 never adopted it.
    expect(p.gate!()).toBe(false); // withdrawn: it waits, and a later look may adopt it in its own round
    expect(q.gate!()).toBe(true);
  });
});
