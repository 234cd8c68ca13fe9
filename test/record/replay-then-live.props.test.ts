// Replay-then-live (docs/semantics.md, "Recording and replay"): under random interleavings of
// live appends, recorder flushes, replay steps, pauses, speed changes and clock advances, what the
// view widget sees is exactly the recorded stream from `from` on: the recorded prefix, then the
// live rest, no gap, no duplicate, in order. NUM_RUNS traces (NUMRUNS=2000 for more).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/record/memory-log.js';
import { record } from '../../src/record/record.js';
import { replay } from '../../src/record/replay.js';
import { NUM_RUNS, simEngine } from '../support/helpers.js';
import { flushMicrotasks } from '../support/flush.js';

type Cmd =
  | { kind: 'emit'; n: number }
  | { kind: 'flush' }
  | { kind: 'advance'; ms: number }
  | { kind: 'turns'; n: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'step' }
  | { kind: 'speed'; speed: 'instant' | number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('emit' as const), n: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('turns' as const), n: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'step' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('speed' as const), speed: fc.oneof(fc.constant('instant' as const), fc.integer({ min: 1, max: 100 })) }) },
);

const setupArb = fc.record({
  maxBatchSize: fc.integer({ min: 1, max: 8 }),
  batchTimeout: fc.integer({ min: 0, max: 10 }),
  prefix: fc.integer({ min: 0, max: 40 }),
  fromFrac: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  speed: fc.oneof(fc.constant('instant' as const), fc.integer({ min: 1, max: 100 })),
  liveBuffer: fc.integer({ min: 1, max: 6 }),
});

type Setup = typeof setupArb extends fc.Arbitrary<infer S> ? S : never;

async function trace(setup: Setup, cmds: Cmd[]): Promise<void> {
  const { clock, engine } = simEngine({ maxBatchSize: setup.maxBatchSize, batchTimeout: setup.batchTimeout, bufferSize: 10_000 });
  engine.createWidget('live', { bufferSize: 10_000 });
  const c = engine.getConnection(engine.createConnection('src', 'live', 'out', 'in'));
  const log = new MemoryLog();
  const rec = record(engine, 'src:out', log);
  let n = 0;
  const emit = (k: number) => {
    for (let i = 0; i < k; i++) engine.emit('src', 'out', { id: ++n, timestamp: clock.now(), sourceNodeId: 'src', port: 'out', data: n });
  };
  emit(setup.prefix);
  c.flush();
  const bounds = log.bounds();
  const fromSeq = setup.fromFrac === undefined || bounds === undefined ? undefined : 1 + Math.floor(setup.fromFrac * (bounds.lastSeq - 1));
  const view = engine.createWidget('view', { bufferSize: 10_000 });
  const seen: number[] = [];
  view.data$.subscribe((f) => {
    for (const m of f.batch.messages) seen.push(m.data as number);
  });
  const r = replay(engine, log, 'view', { live: rec, speed: setup.speed, liveBuffer: setup.liveBuffer, ...(fromSeq ? { from: { seq: fromSeq } } : {}) });
  let elapsed = 0;
  for (const cmd of cmds) {
    if (cmd.kind === 'emit') emit(cmd.n);
    else if (cmd.kind === 'flush') c.flush();
    else if (cmd.kind === 'advance') (clock.increment(cmd.ms), (elapsed += cmd.ms));
    else if (cmd.kind === 'turns') await flushMicrotasks(cmd.n);
    else if (cmd.kind === 'pause') r.pause();
    else if (cmd.kind === 'resume') r.resume();
    else if (cmd.kind === 'step') void r.step();
    else r.setSpeed(cmd.speed);
  }
  // Quiesce: everything sent reaches the log, the replay plays on until it shows the last one.
  r.resume();
  c.flush();
  for (let t = 0; t <= elapsed + 200 && seen.at(-1) !== n; t += 5) {
    await flushMicrotasks();
    clock.increment(5);
  }
  await flushMicrotasks();
  const state = r.state();
  expect(state.status, JSON.stringify(state)).toBe('playing');
  const start = fromSeq ?? 1;
  expect(seen).toEqual(Array.from({ length: n - start + 1 }, (_, i) => start + i));
  if (n > 0) expect(state.phase).toBe('live');
  await r.stop();
  await engine.stop();
}

describe('replay-then-live', () => {
  it('the view sees exactly the recorded prefix, then the live rest: no gap, no duplicate, in order', async () => {
    await fc.assert(fc.asyncProperty(setupArb, fc.array(cmdArb, { maxLength: 40 }), trace), { numRuns: NUM_RUNS });
  });

  it('pinned: a live batch that arrives while the last history batch is being shown is shown once', async () => {
    await trace({ maxBatchSize: 2, batchTimeout: 0, prefix: 4, fromFrac: undefined, speed: 'instant', liveBuffer: 1 }, [{ kind: 'emit', n: 2 }, { kind: 'turns', n: 1 }, { kind: 'emit', n: 4 }]);
  });
});
