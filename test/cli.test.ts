import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const capture = () => {
  let text = '';
  return { out: (s: string) => void (text += s), text: () => text };
};

describe('nodeflow CLI', () => {
  it('prints usage for --help and refuses bad arguments with exit code 2', async () => {
    const a = capture();
    expect(await main(['perf', '--help'], a.out)).toBe(0);
    expect(a.text()).toMatch(/^usage: nodeflow perf/);
    const b = capture();
    expect(await main(['perf', '--suite', 'huge'], b.out)).toBe(2);
    expect(b.text()).toContain('--suite is standard or quick');
    const c = capture();
    expect(await main(['perf', '--test', 'Nope'], c.out)).toBe(2);
    expect(c.text()).toContain('High Volume Stress Test');
    expect(await main(['bench'], capture().out)).toBe(2);
    const d = capture();
    // A directory that cannot exist (under a regular file): fails at once, before the 120 s run.
    expect(await main(['perf', '--test', 'High Volume Stress Test', '--out', path.join(import.meta.filename, 'x', 'report.txt')], d.out)).toBe(2);
    expect(d.text()).toContain('cannot write --out');
  });

  it('runs one named test, prints JSON and writes it to --out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nodeflow-cli-'));
    const file = path.join(dir, 'report.json');
    const a = capture();
    expect(await main(['perf', '--test', 'High Volume Stress Test (quick)', '--json', '--out', file], a.out)).toBe(0);
    const printed = JSON.parse(a.text());
    expect(printed.results).toHaveLength(1);
    expect(printed.results[0]).toMatchObject({ name: 'High Volume Stress Test (quick)', totalMessages: 2000, errorRate: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(printed);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
