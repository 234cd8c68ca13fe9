// Model-based suite (fast-check commands) for one connection on simulated time, with
// fc.scheduler choosing when asynchronous deliveries complete. Every invariant of semantics.md
// is checked after every command of every trace, in one pass (a failure names the invariant
// that broke); TRACE_RUNS random configs and command sequences; a failure prints the seed, the
// shrunk path and the command list; FC_SEED=<seed> FC_PATH=<path> replays it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { NUM_RUNS } from '../support/helpers.js';
import { commands, resetIds, setupArb } from './connection/commands.js';
import { INVARIANT_LIST, fail } from './connection/invariants.js';
import { createReal, type Model } from './connection/system.js';

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
          resetIds();
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
