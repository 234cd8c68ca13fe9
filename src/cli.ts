/**
 * The `nodeflow` command line. `nodeflow perf [--suite standard|quick] [--test NAME] [--json]
 * [--out FILE]` runs the performance suite with a progress bar on a terminal (plain lines
 * otherwise) and prints the report.
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StreamEngine } from './actors/engine/stream-engine.js';
import { PerformanceTestSuite, type PerformanceProgress } from './actors/perf/performance-test-suite.js';
import { QUICK_PERFORMANCE_TESTS, STANDARD_PERFORMANCE_TESTS } from './actors/perf/perf-test.js';

const USAGE = `usage: nodeflow perf [--suite standard|quick] [--test NAME] [--json] [--out FILE]

  --suite   standard (the spec's scenarios; the first alone takes 120 s) or quick (2 s each; default)
  --test    run only the test with this name (from the chosen suite, or the standard one)
  --json    print the results as JSON instead of the text report
  --out     also write the report (or JSON) to FILE`;

/**
 * Runs the CLI with `argv` (without node and the script); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['perf', '--suite', 'quick']);
 * ```
 */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'perf' || rest.includes('--help') || rest.includes('-h')) {
    out(`${USAGE}\n`);
    return command === 'perf' || command === '--help' || command === undefined ? 0 : 2;
  }
  const opts = { suite: 'quick', test: undefined as string | undefined, json: false, out: undefined as string | undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--suite' || a === '--test' || a === '--out') {
      const v = rest[++i];
      if (v === undefined) return fail(out, `${a} needs a value`);
      opts[a.slice(2) as 'suite' | 'test' | 'out'] = v;
    } else return fail(out, `unknown argument ${a}`);
  }
  if (opts.suite !== 'standard' && opts.suite !== 'quick') return fail(out, `--suite is standard or quick, not ${opts.suite}`);
  let tests = opts.suite === 'standard' ? STANDARD_PERFORMANCE_TESTS : QUICK_PERFORMANCE_TESTS;
  if (opts.test !== undefined) {
    const all = [...STANDARD_PERFORMANCE_TESTS, ...QUICK_PERFORMANCE_TESTS];
    const found = tests.find((t) => t.name === opts.test) ?? all.find((t) => t.name === opts.test);
    if (!found) return fail(out, `no test named ${JSON.stringify(opts.test)} (known: ${all.map((t) => t.name).join(', ')})`);
    tests = [found];
  }
  if (opts.out) {
    // Before a run that may take minutes: a path that cannot be written fails now, not after.
    try {
      mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      writeFileSync(opts.out, '');
    } catch (e) {
      return fail(out, `cannot write --out ${opts.out}: ${(e as Error).message}`);
    }
  }
  const engine = new StreamEngine();
  const suite = new PerformanceTestSuite(engine);
  const tty = process.stderr.isTTY === true;
  const progress = (p: PerformanceProgress) => {
    const width = 24;
    const done = Math.round(p.fraction * width);
    const line = `${p.name}  [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${Math.round(p.fraction * 100)}%  sent ${p.sent}  delivered ${p.delivered}  ${Math.round(p.throughput)} msg/s  p99 ${p.p99Latency.toFixed(1)} ms`;
    if (tty) process.stderr.write(`\r${line.padEnd(110)}`);
    else process.stderr.write(`${line}\n`);
  };
  await suite.runTestSuite(tests, { onProgress: progress, onResult: () => tty && process.stderr.write('\n') });
  engine.dispose();
  const report = opts.json ? suite.generateReport('json') : suite.generateReport('text');
  out(`${report}\n`);
  if (opts.out) {
    writeFileSync(opts.out, `${report}\n`);
    process.stderr.write(`report written to ${opts.out}\n`);
  }
  return 0;
}

function fail(out: (s: string) => void, why: string): number {
  out(`nodeflow: ${why}\n${USAGE}\n`);
  return 2;
}
