import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const capture = () => {
  let text = '';
  return { write: (s: string) => void (text += s), text: () => text };
};
/** Runs main with both streams captured: nothing reaches the test runner's output. */
const run = async (argv: string[]) => {
  const out = capture();
  const err = capture();
  const code = await main(argv, out.write, err.write);
  return { code, out: out.text(), err: err.text() };
};

describe('nodeflow CLI', () => {
  it('without arguments prints the usage to stderr and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^nodeflow: no command given\nusage: nodeflow perf/);
  });

  it('--help prints the usage to stdout and exits 0, at top level and after perf', async () => {
    for (const argv of [['--help'], ['-h'], ['perf', '--help']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out).toMatch(/^usage: nodeflow perf .*\n\s+nodeflow --version\n/);
      expect(r.err).toBe('');
    }
  });

  it('--version prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${pkg.version}\n`);
    }
  });

  it('refuses bad arguments on stderr with exit code 2', async () => {
    const bench = await run(['bench']);
    expect(bench.code).toBe(2);
    expect(bench.err).toContain('unknown command bench');
    const b = await run(['perf', '--suite', 'huge']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('--suite is standard or quick');
    const c = await run(['perf', '--test', 'Nope']);
    expect(c.code).toBe(2);
    expect(c.err).toContain('High Volume Stress Test');
    expect((await run(['perf', '--frobnicate'])).err).toContain('unknown argument --frobnicate');
    // A directory that cannot exist (under a regular file): fails at once, before the 120 s run.
    const d = await run(['perf', '--test', 'High Volume Stress Test', '--out', path.join(import.meta.filename, 'x', 'report.txt')]);
    expect(d.code).toBe(2);
    expect(d.err).toContain('cannot write --out');
  });

  it('runs one named test, prints JSON, writes it to --out, and reports progress as plain lines off a terminal', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nodeflow-cli-'));
    try {
      const file = path.join(dir, 'report.json');
      const r = await run(['perf', '--test', 'High Volume Stress Test (quick)', '--json', '--out', file]);
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.out);
      expect(printed.results).toHaveLength(1);
      expect(printed.results[0]).toMatchObject({ name: 'High Volume Stress Test (quick)', totalMessages: 2000, errorRate: 0, failedAttempts: 0 });
      expect(printed.results[0].deliveryAttempts).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(printed);
      // Progress: one plain line per report, no carriage returns, no bar.
      const lines = r.err.trimEnd().split('\n');
      expect(lines.at(-1)).toBe(`report written to ${file}`);
      const progress = lines.slice(0, -1);
      expect(progress.length).toBeGreaterThan(0);
      for (const l of progress) expect(l).toMatch(/^High Volume Stress Test \(quick\): \d+%, sent \d+, delivered \d+, \d+ msg\/s, p99 [\d.]+ ms$/);
      expect(r.err).not.toContain('\r');
      expect(progress.at(-1)).toMatch(/: 100%/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('--quiet prints no progress', async () => {
    const r = await run(['perf', '--test', 'High Volume Stress Test (quick)', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Test: High Volume Stress Test \(quick\)\n/);
  }, 30_000);
});
