// The demo (npm run demo) end to end, shortened: every phase runs, the legend comes once, each
// alert is printed once, the debug export holds every connection that was up, and the closing
// summary's counts are the export's. Terminal only (--no-web).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { StreamDebugger } from '../src/index.js';

// The demo's topology: seven workflow edges and the two connections it drives itself.
const CONNECTIONS = ['sensor:out->chart:in', 'random:out->scale:in', 'scale:out->samples:in', 'steps:out->sampler:in', 'sampler:out->kpi:in', 'counter:out->sum:in', 'sum:out->sums:in', 'bursts:out->slowSink:in', 'feed:out->flaky:in'];
const num = (re: RegExp, text: string) => (re.exec(text) ?? []).slice(1).map(Number);

it('npm run demo explains itself: legend once, alerts once, an export with the whole topology and a summary that matches it', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nodeflow-demo-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'demo/index.ts', '--duration=5000', `--out=${out}`, '--no-web'], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const stdout = r.stdout;
    const lines = stdout.split('\n');
    expect(stdout).not.toContain('Live dashboard in a browser'); // --no-web: no page, no server (test/demo-web.test.ts has the page)
    for (const phase of ['phase 1: steady', 'phase 2: overload', 'phase 3: faults', 'phase 4: High Volume Stress Test']) expect(stdout).toContain(phase);

    // The legend: once, before phase 1, naming every connection, the columns and the load line.
    expect(lines.filter((l) => l === 'Legend')).toHaveLength(1);
    const legend = stdout.slice(stdout.indexOf('Legend'), stdout.indexOf('── phase 1'));
    for (const id of CONNECTIONS) expect(legend).toMatch(new RegExp(`\\n {4}${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`));
    for (const column of ['state', 'msg/s', 'p50/p95/p99 ms', 'buffer', 'dropped', 'retries', 'producer', 'engine+dbg']) expect(legend).toContain(`    ${column}`);
    expect(legend).toMatch(/steady: +none/);

    // The load line splits the event loop's busy time; its parts add up (to rounding).
    const loads = lines.filter((l) => l.startsWith('  load, last 1 s:'));
    expect(loads.length).toBeGreaterThan(0);
    for (const l of loads) {
      const [busy, ...parts] = num(/event loop (\d+)% busy = producer (\d+)% \+ engine\+dbg (\d+)% \+ GC (\d+)% \+ dashboard (\d+)%; timer delay/, l);
      expect(parts, l).toHaveLength(4);
      expect(Math.abs(parts.reduce((a, b) => a + b, 0) - busy!), l).toBeLessThanOrEqual(3);
    }

    const files = ['debug-export.json', 'perf-report.md', 'perf-report.json'].map((f) => path.join(out, f));
    for (const f of files) {
      expect(existsSync(f)).toBe(true);
      expect(stdout).toContain(f);
    }
    const data = StreamDebugger.importDebugData(readFileSync(files[0]!, 'utf8'));

    // Alerts: every line once; every alert change of the export printed exactly once.
    const alertLines = lines.filter((l) => l.includes(' ALERT '));
    expect(new Set(alertLines).size).toBe(alertLines.length);
    expect(data.alerts.recent.length).toBeGreaterThan(0); // the overload phase sheds: drop-rate fires
    // The alert lines printed before the export are the export's alert log, in order.
    const beforeExport = lines.slice(0, lines.findIndex((l) => l.includes('streaming phases done'))).filter((l) => l.includes(' ALERT '));
    expect(beforeExport.map((l) => l.replace(/^.* ALERT \S+ /, '').replace(/ {3}\(not expected in phase \w+\)$/, '')).slice(-data.alerts.recent.length)).toEqual(data.alerts.recent.map((a) => `[${a.ruleId}] ${a.message}`));
    expect(beforeExport.length).toBe(data.alerts.recent.length + data.alerts.discarded);

    // The export was taken with the whole topology up: the final frame shows the same connections.
    expect(data.topology.connections.map((c) => c.id).sort()).toEqual([...CONNECTIONS].sort());
    expect(Object.keys(data.metrics.connections).sort()).toEqual([...CONNECTIONS].sort());
    for (const a of data.alerts.active) expect(CONNECTIONS).toContain(a.connectionId);
    const last = stdout.slice(stdout.indexOf('streaming phases done'), stdout.indexOf('\nDebug export'));
    expect(last).toContain(`with these ${CONNECTIONS.length} connections up`);
    for (const id of CONNECTIONS) expect(last).toContain(`  ${id} `);

    // The closing summary: the export's own counts.
    const summary = stdout.slice(stdout.indexOf('\nDebug export'), stdout.indexOf('\nAfter the workflow'));
    const m = data.metrics;
    expect(num(/connections: (\d+) up, (\d+) retired before/, summary)).toEqual([data.topology.connections.length, m.retired.connections]);
    const sum = (k: 'accepted' | 'delivered' | 'dropped' | 'deadLettered' | 'inFlight') => m.totals[k] + m.retired[k];
    expect(num(/messages: accepted (\d+) = delivered (\d+) \+ dropped (\d+) \+ dead-lettered (\d+) \+ in flight (\d+)/, summary)).toEqual([sum('accepted'), sum('delivered'), sum('dropped'), sum('deadLettered'), sum('inFlight')]);
    const events = data.history.events;
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(num(/history: (\d+) events kept of (\d+) recorded \((\d+) discarded\): (\d+) state transitions, (\d+) retries, (\d+) circuit changes, (\d+) drop samples, (\d+) alert changes/, summary)).toEqual([
      events.length, data.history.totalEvents, data.history.discarded, count('state.transition'), count('retry'), count('circuit.change'), count('drop'), count('alert'),
    ]);
    expect(num(/alerts: (\d+) firing at that moment, (\d+) changes in its log/, summary)).toEqual([data.alerts.active.length, data.alerts.recent.length]);

    // After stop, every connection retired, and the counters add up.
    const [accepted, delivered, dropped, dead, inFlight] = num(/After the workflow \w+ and engine\.stop\(\) .*: accepted (\d+) = delivered (\d+) \+ dropped (\d+) \+ dead-lettered (\d+) \+ in flight (\d+)/, stdout) as [number, number, number, number, number];
    expect(accepted).toBe(delivered + dropped + dead + inFlight);
    expect(accepted).toBeGreaterThanOrEqual(sum('accepted'));
    expect(dropped).toBeGreaterThan(0); // the overload phase shed
    expect(stdout).toContain('Test: High Volume Stress Test');
    const types = new Set(events.map((e) => e.type));
    for (const t of ['connection.created', 'state.transition', 'drop', 'retry', 'circuit.change', 'batch.flushed']) expect(types).toContain(t);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
