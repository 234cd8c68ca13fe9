/**
 * The `nodeflow` command line. `nodeflow perf [--suite standard|quick] [--test NAME] [--json]
 * [--out FILE] [--quiet]` runs the performance suite and prints the report; progress goes to
 * stderr, as a bar redrawn in place on a terminal and as plain lines otherwise.
 * `nodeflow worker --nats URL --name NAME [--types MODULE]` runs the workflow nodes placed on
 * NAME until SIGINT or SIGTERM (see src/cluster/worker-command.ts).
 * `nodeflow --version` prints the package version, `nodeflow --help` the usage.
 * @packageDocumentation
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StreamEngine } from './actors/engine/stream-engine.js';
import { PerformanceTestSuite } from './actors/perf/performance-test-suite.js';
import { QUICK_PERFORMANCE_TESTS, STANDARD_PERFORMANCE_TESTS } from './actors/perf/perf-test.js';
import { formatProgress } from './actors/perf/progress.js';

const USAGE = `usage: nodeflow perf [--suite standard|quick] [--test NAME] [--json] [--out FILE] [--quiet]
       nodeflow --version
       nodeflow worker --nats URL --name NAME [--types MODULE]
       nodeflow --help

  --suite    standard (the full scenarios; the first alone takes 120 s) or quick (2 s each; default)
  --test     run only the test with this name (from the chosen suite, or the standard one)
  --json     print the results as JSON instead of the text report
  --out      also write the report (or JSON) to FILE
  --quiet    no progress on stderr
  --version  print the version of @nodeflow/runtime
  --help     print this text

  worker     run the workflow nodes placed on NAME (docs/cluster.md), fed over NATS JetStream,
             until SIGINT or SIGTERM; --types MODULE registers the node types it exports`;

type Write = (s: string) => void;
const stdout: Write = (s) => void process.stdout.write(s);
const stderr: Write = (s) => void process.stderr.write(s);

/**
 * Runs the CLI with `argv` (without node and the script); resolves to the exit code: 0 done,
 * 2 bad usage (the usage goes to `err`). `out` gets the report, `err` progress and errors.
 * `until` ends a `worker` (default: the first SIGINT or SIGTERM).
 *
 * @example
 * ```ts
 * process.exitCode = await main(['perf', '--suite', 'quick']);
 * ```
 */
export async function main(argv: readonly string[], out: Write = stdout, err: Write = stderr, until?: Promise<unknown>): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'worker') {
    // Loaded only for this command: perf never pulls in NATS.
    const w = await import('./cluster/worker-command.js');
    if (rest.includes('--help') || rest.includes('-h')) return out(`usage: nodeflow worker --nats URL --name NAME [--types MODULE]\n${w.WORKER_USAGE.split('\n').slice(1).join('\n')}\n`), 0;
    return w.runWorker(rest, out, err, until ?? signalled(), `usage:${w.WORKER_USAGE.slice(6)}`);
  }
  if (command === '--version' || command === '-v') {
    out(`${version()}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h' || (command === 'perf' && (rest.includes('--help') || rest.includes('-h')))) {
    out(`${USAGE}\n`);
    return 0;
  }
  // No command is a usage error like a wrong one: a script that forgot `perf` must not pass.
  if (command !== 'perf') return fail(err, command === undefined ? 'no command given' : `unknown command ${command}`);
  const opts = { suite: 'quick', test: undefined as string | undefined, json: false, out: undefined as string | undefined, quiet: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--suite' || a === '--test' || a === '--out') {
      const v = rest[++i];
      if (v === undefined) return fail(err, `${a} needs a value`);
      opts[a.slice(2) as 'suite' | 'test' | 'out'] = v;
    } else return fail(err, `unknown argument ${a}`);
  }
  if (opts.suite !== 'standard' && opts.suite !== 'quick') return fail(err, `--suite is standard or quick, not ${opts.suite}`);
  let tests = opts.suite === 'standard' ? STANDARD_PERFORMANCE_TESTS : QUICK_PERFORMANCE_TESTS;
  if (opts.test !== undefined) {
    const all = [...STANDARD_PERFORMANCE_TESTS, ...QUICK_PERFORMANCE_TESTS];
    const found = tests.find((t) => t.name === opts.test) ?? all.find((t) => t.name === opts.test);
    if (!found) return fail(err, `no test named ${JSON.stringify(opts.test)} (known: ${all.map((t) => t.name).join(', ')})`);
    tests = [found];
  }
  if (opts.out) {
    // Before a run that may take minutes: a path that cannot be written fails now, not after.
    try {
      mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      writeFileSync(opts.out, '');
    } catch (e) {
      return fail(err, `cannot write --out ${opts.out}: ${(e as Error).message}`);
    }
  }
  const engine = new StreamEngine();
  const suite = new PerformanceTestSuite(engine);
  // Redrawing in place only on a real terminal behind the default writer: a pipe, a CI log or
  // a caller's own writer (tests) gets one plain line per report.
  const bar = err === stderr && process.stderr.isTTY === true;
  await suite.runTestSuite(tests, {
    onProgress: opts.quiet ? undefined : (p) => err(bar ? `\r${formatProgress(p, 'bar')}` : `${formatProgress(p, 'line')}\n`),
    onResult: () => bar && !opts.quiet && err('\n'),
  });
  engine.dispose();
  const report = opts.json ? suite.generateReport('json') : suite.generateReport('text');
  out(`${report}\n`);
  if (opts.out) {
    writeFileSync(opts.out, `${report}\n`);
    err(`report written to ${opts.out}\n`);
  }
  return 0;
}

/** The version in the package.json beside src/ and dist/ (both one level below it). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

// The first SIGINT or SIGTERM: a worker then stops its parts and exits.
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (s: NodeJS.Signals) => {
      process.off('SIGINT', done).off('SIGTERM', done);
      resolve(s);
    };
    process.once('SIGINT', done).once('SIGTERM', done);
  });
}

function fail(err: Write, why: string): number {
  err(`nodeflow: ${why}\n${USAGE}\n`);
  return 2;
}
