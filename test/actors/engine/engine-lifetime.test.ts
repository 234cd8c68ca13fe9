// Issue 12 item 4: stop() and dispose() end everything the engine owns, and the process exits.
// Every kind of pending operation at once (test/support/pending-everything.ts), checked three
// ways: no timer left on simulated time; no Timeout/Immediate left on the real clock; and a child
// process that must exit by itself.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { realClock, StreamEngine, type EngineClock } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/flush.js';
import { pendingTimers, simEngine } from '../../support/helpers.js';
import { pendingEverything } from '../../support/pending-everything.js';

const HOW = ['stop', 'dispose'] as const;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;

async function ended(how: (typeof HOW)[number], t: Awaited<ReturnType<typeof pendingEverything>>, tick: () => Promise<void>) {
  if (how === 'stop') {
    const stopped = t.engine.stop({ timeout: 50 });
    let done = false;
    void stopped.then(() => (done = true));
    for (let i = 0; i < 100 && !done; i++) await tick();
    await stopped;
  } else t.engine.dispose();
}

describe('stop() and dispose() end every pending operation (simulated time)', () => {
  for (const how of HOW) {
    it(`${how}(): no timer left, the run is stopped, every held write settled`, async () => {
      const clock = new SimulatedClock();
      const step = async () => {
        clock.increment(1);
        await flushMicrotasks();
      };
      const t = await pendingEverything(clock, async (ms) => {
        for (let i = 0; i < ms; i++) await step();
      });
      expect(t.problems).toEqual([]);
      // One per kind at least: deadline, deliveryTimeout x3, retry, reset, half-open, writer
      // wait, source tick, metrics$, adaptive loop, debugger sampling.
      expect(pendingTimers(clock)).toBeGreaterThanOrEqual(12);
      await ended(how, t, step);
      expect(pendingTimers(clock)).toBe(0);
      expect(t.engine.state).toBe('stopped');
      expect(t.run.status().state).toBe('stopped');
      expect(t.debugger.recording).toBe(true); // it records what follows a restart; it samples nothing now
      // Every held write settled, refused as the connection closed (none waits on).
      let settled: unknown[] | undefined;
      void Promise.all(t.writes).then((r) => (settled = r));
      await flushMicrotasks();
      expect(settled).toEqual(t.writes.map(() => expect.objectContaining({ code: 'CONNECTION_CLOSED' })));
      clock.increment(120_000); // nothing was waiting: nothing fires
      expect(pendingTimers(clock)).toBe(0);
      t.debugger.dispose();
    });
  }
});

describe('stop() closes source-first (docs/semantics.md, "The order of a graceful stop()")', () => {
  it('what an async node emits while finishing its last batch reaches its target; a chain of them drains hop by hop', async () => {
    const engine = new StreamEngine();
    const relay = (id: string) =>
      engine.node(id, {
        process: async (b, node) => {
          await new Promise((r) => setTimeout(r, 5));
          const out = node.output('out');
          for (const m of b.messages) out.emit({ id: m.id, timestamp: m.timestamp, sourceNodeId: id, port: 'out', data: m.data });
        },
      });
    relay('a');
    relay('b');
    const got: unknown[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    const input = engine.getConnection(engine.createConnection('src', 'a', 'out', 'in'));
    const mid = engine.getConnection(engine.createConnection('a', 'b', 'out', 'in'));
    const last = engine.getConnection(engine.createConnection('b', 'sink', 'out', 'in'));
    for (let i = 0; i < 20; i++) await input.writer.write({ id: i, timestamp: 0, sourceNodeId: 'src', targetNodeId: 'a', port: 'out', data: i });
    await engine.stop();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const c of [input, mid, last]) expect(c.stats()).toMatchObject({ state: 'closed', accepted: 20, delivered: 20, droppedTotal: 0 });
  });

  it('a cycle still stops (its connections close together), within the timeout', async () => {
    const engine = new StreamEngine();
    for (const id of ['p', 'q']) engine.node(id, { process: () => {} });
    engine.createConnection('p', 'q', 'out', 'in');
    engine.createConnection('q', 'p', 'out', 'in');
    const feed = engine.getConnection(engine.createConnection('s', 'p', 'out', 'in'));
    await feed.writer.write({ id: 1, timestamp: 0, sourceNodeId: 's', targetNodeId: 'p', port: 'out', data: 1 });
    await engine.stop({ timeout: 1000 });
    expect(engine.state).toBe('stopped');
  });
});

describe('dispose()', () => {
  it("walks the root actor to 'stopped' as stop() does, so what follows it ends too, and the engine says 'stopped'", () => {
    const { engine } = simEngine();
    const seen: unknown[] = [];
    engine.actor.subscribe((s) => seen.push(s.value));
    engine.dispose();
    expect(seen).toEqual(['stopping', 'stopped']);
    expect(engine.state).toBe('stopped');
  });

  it('during a stop(): the stop resolves, nothing is sent to the stopped actor, no timer is left', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { clock, engine } = simEngine();
      engine.node('t', { process: () => new Promise<void>(() => {}) });
      const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in', { maxBatchSize: 1 }));
      c.offer({ id: 1, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: 1 });
      const stopped = engine.stop({ timeout: 10_000 });
      engine.dispose();
      await stopped;
      expect(warn).not.toHaveBeenCalled(); // XState warns of an event sent to a stopped actor
      expect(engine.state).toBe('stopped');
      expect(pendingTimers(clock)).toBe(0);
    } finally {
      warn.mockRestore();
    }
  });
});

/**
 * The real clock, keeping the timers set through it that have neither fired nor been cleared.
 * Every timer of the engine goes through its one clock (XState's `after` included), so this
 * tells ours apart from the test runner's, which come and go in getActiveResourcesInfo().
 */
function trackedRealClock() {
  const live = new Set<unknown>();
  const clock: EngineClock = {
    now: realClock.now,
    timerLead: realClock.timerLead,
    setTimeout: (fn, ms) => {
      const id = realClock.setTimeout(() => {
        live.delete(id);
        fn();
      }, ms);
      live.add(id);
      return id;
    },
    clearTimeout: (id) => {
      live.delete(id);
      realClock.clearTimeout(id);
    },
  };
  return { clock, live };
}

describe('stop() and dispose() leave no Timeout or Immediate on the real clock', () => {
  for (const how of HOW) {
    it(`${how}(): none of the engine's timers is left once it returns, and getActiveResourcesInfo() is back to its baseline`, async () => {
      const baseline = timers();
      const { clock, live } = trackedRealClock();
      const t = await pendingEverything(clock, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
      expect(t.problems).toEqual([]);
      expect(live.size).toBeGreaterThanOrEqual(12);
      expect(timers()).toBeGreaterThan(baseline + 5);
      await ended(how, t, () => Promise.resolve());
      expect(live.size).toBe(0);
      expect(timers()).toBeLessThanOrEqual(baseline);
      t.debugger.dispose();
    });
  }
});

// The real proof: a Node process with all of it must exit on its own after stop() or dispose().
// src/ and the child script are compiled the way `npm run build` compiles (tsc), into a temp dir.
describe('a process exits by itself after stop() or dispose()', () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  // Made in beforeAll, not at collection: a run that filters these tests out leaves no dir.
  let out = '';
  let child = '';
  beforeAll(() => {
    // Inside the project (.run/ is git-ignored), so the child resolves xstate and rxjs from the
    // project's node_modules whatever lies in the system's temp folder.
    mkdirSync(path.join(root, '.run'), { recursive: true });
    out = mkdtempSync(path.join(root, '.run', 'exit-'));
    child = path.join(out, 'test/support/exit-child.js');
    const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const flags = ['--ignoreConfig', 'test/support/exit-child.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node', '--skipLibCheck', '--noCheck'];
    return new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [tsc, ...flags], { cwd: root, stdio: 'inherit' });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited ${code}`))));
    });
  }, 60_000);
  afterAll(() => void (out && rmSync(out, { recursive: true, force: true })));

  /**
   * Runs the child. It prints its report once stop()/dispose() returned (or, for `none`, once
   * set up); from then on it has `graceMs` to exit by itself before it is killed. The clock
   * starts at the report, not at spawn, so a slow start on a loaded machine decides nothing.
   */
  const run = (how: string, graceMs: number) =>
    new Promise<{ exited: boolean; code: number | null; report: Record<string, unknown> | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [child, how], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let killed = false;
      const kill = () => ((killed = true), p.kill('SIGKILL'));
      let timer = setTimeout(kill, 60_000); // never reported: a hung setup
      p.stdout.on('data', (d) => {
        stdout += d;
        if (!stdout.includes('\n')) return;
        clearTimeout(timer);
        timer = setTimeout(kill, graceMs);
      });
      p.stderr.on('data', (d) => (stderr += d));
      p.on('exit', (code) => {
        clearTimeout(timer);
        const line = stdout.trim().split('\n').at(-1);
        resolve({ exited: !killed, code, report: line ? JSON.parse(line) : null, stderr });
      });
    });

  for (const how of HOW) {
    it(`${how}(): the child exits by itself with code 0 within 5 s of returning, its run stopped and its writes settled`, async () => {
      const r = await run(how, 5_000);
      expect(r.stderr).toBe('');
      expect(r.exited).toBe(true);
      expect(r.code).toBe(0);
      expect(r.report).toMatchObject({ how, problems: [], run: 'stopped', state: 'stopped', writes: 4 });
      expect(r.report!.after).toBeLessThanOrEqual(r.report!.baseline as number);
    }, 90_000);
  }

  it('without stop() or dispose() the same child stays alive (what the two tests above would catch)', async () => {
    const r = await run('none', 1_500);
    expect(r.report).toMatchObject({ problems: [], run: 'running' });
    expect(r.exited).toBe(false);
  }, 90_000);
});
