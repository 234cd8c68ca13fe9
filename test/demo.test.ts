// The demo (npm run demo) end to end, shortened: every phase runs, the totals add up, and the
// files it names exist and read back.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { StreamDebugger } from '../src/index.js';

it('npm run demo runs its four phases and writes the debug export and the reports', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nodeflow-demo-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'demo/index.ts', '--duration=5000', `--out=${out}`], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const phase of ['phase 1: steady', 'phase 2: overload', 'phase 3: faults', 'phase 4: High Volume Stress Test']) expect(r.stdout).toContain(phase);
    const totals = /accepted (\d+) = delivered (\d+) \+ dropped (\d+) \+ dead-lettered (\d+) \+ in flight (\d+)/.exec(r.stdout)!;
    const [accepted, delivered, dropped, dead, inFlight] = totals.slice(1).map(Number) as [number, number, number, number, number];
    expect(accepted).toBe(delivered + dropped + dead + inFlight);
    expect(dropped).toBeGreaterThan(0); // the overload phase shed
    expect(r.stdout).toContain('Test: High Volume Stress Test');
    const files = ['debug-export.json', 'perf-report.md', 'perf-report.json'].map((f) => path.join(out, f));
    for (const f of files) {
      expect(existsSync(f)).toBe(true);
      expect(r.stdout).toContain(f);
    }
    const data = StreamDebugger.importDebugData(readFileSync(files[0]!, 'utf8'));
    expect(data.topology.connections.map((c) => c.id).sort()).toEqual(["bursts:out->slowSink:in", "feed:out->flaky:in"]); // exported while up
    expect(Object.keys(data.metrics.connections).length).toBe(data.topology.connections.length);
    const types = new Set(data.history.events.map((e) => e.type));
    for (const t of ['connection.created', 'state.transition', 'drop', 'retry', 'circuit.change', 'batch.flushed']) expect(types).toContain(t);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
