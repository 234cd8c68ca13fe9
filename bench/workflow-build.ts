// npm run bench:build [-- --json] [-- --size N]: how long building a large workflow takes
// ("building a workflow linear in nodes and edges", "10,000 nodes build in <= 2 s"): validate,
// executeWorkflow (validate + build + start) and stop, for a fan-out and a chain; the same nodes
// and connections made on a bare engine; and a run of 10 messages to the end, checked by value.
//
// Each case runs in a child process of its own: ~20 KB per node and connection makes the heap of
// one measurement slow down the next. One case alone:
//   node scripts/run-ts.mjs bench/workflow-build.ts <fan-out|chain> <nodes> <workflow|execute|engine>
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StreamEngine, WorkflowEngine, type WorkflowDefinition } from '../src/index.js';

type Shape = 'fan-out' | 'chain';
type Side = 'workflow' | 'execute' | 'engine';
/** One measured phase: CPU of every thread of the process (parallel GC counts) and wall time. */
interface Phase {
  readonly cpuMs: number;
  readonly wallMs: number;
}
interface CaseResult {
  readonly shape: Shape;
  readonly nodes: number;
  readonly side: Side;
  readonly phases: Readonly<Record<string, Phase>>;
  readonly status?: string;
  /** Sinks that got 0..9 exactly once, of all sinks (execute only). */
  readonly exact?: readonly [number, number];
  readonly rssMb: number;
}

const BUILD_BOUND_MS = 2000;

function definition(shape: Shape, n: number): WorkflowDefinition {
  const nodes = [{ id: 'src', type: 'bench.idle' }, ...Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i}`, type: shape === 'chain' && i < n - 2 ? 'transform.map' : 'sink.collector' }))];
  const edges = nodes.slice(1).map((x, i) => ({ source: shape === 'chain' ? nodes[i]!.id : 'src', sourcePort: 'out', target: x.id, targetPort: 'in' }));
  return { nodes, edges };
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, Phase]> {
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  const r = await f();
  const t = process.cpuUsage(t0);
  return [r, { cpuMs: (t.user + t.system) / 1000, wallMs: performance.now() - w0 }];
}

async function workflow(def: WorkflowDefinition): Promise<Pick<CaseResult, 'phases' | 'status'>> {
  const wf = new WorkflowEngine();
  // A source the bench never drives: the run is built and started, and nothing flows.
  wf.registerNodeType({ type: 'bench.idle', kind: 'source', outputs: { out: {} }, create: () => ({}) });
  const [problems, validate] = await timed(() => wf.validate(def));
  if (problems.length > 0) throw new Error(problems[0]!.message);
  const [run, execute] = await timed(() => wf.executeWorkflow(def));
  const [result, stop] = await timed(() => run.stop());
  return { phases: { validate, executeWorkflow: execute, stop }, status: result.status };
}

async function execute(def: WorkflowDefinition): Promise<Pick<CaseResult, 'phases' | 'status' | 'exact'>> {
  const wf = new WorkflowEngine();
  const nodes = def.nodes.map((x) => (x.id === 'src' ? { id: 'src', type: 'source.sequential', config: { count: 10 } } : x));
  const [[run, result], toDone] = await timed(async () => {
    const r = await wf.executeWorkflow({ ...def, nodes });
    return [r, await r.done] as const;
  });
  const want = JSON.stringify(Array.from({ length: 10 }, (_, i) => i));
  const sinks = nodes.filter((x) => x.type === 'sink.collector');
  const exact = sinks.filter((x) => JSON.stringify(run.collected(x.id)) === want).length;
  return { phases: { toDone }, status: result.status, exact: [exact, sinks.length] };
}

async function engine(def: WorkflowDefinition): Promise<Pick<CaseResult, 'phases'>> {
  const e = new StreamEngine();
  const [, build] = await timed(() => {
    for (const x of def.nodes) e.node(x.id, { process() {}, autoStart: false });
    for (const x of def.edges) e.createConnection(x.source, x.target, x.sourcePort, x.targetPort);
  });
  const [, stop] = await timed(() => e.stop());
  return { phases: { build, stop } };
}

async function runCase(shape: Shape, n: number, side: Side): Promise<CaseResult> {
  const def = definition(shape, n);
  const r = side === 'engine' ? await engine(def) : side === 'execute' ? await execute(def) : await workflow(def);
  return { shape, nodes: n, side, ...r, rssMb: process.memoryUsage().rss / 1e6 };
}

const fmt = (p: Phase | undefined) => (p ? `${p.cpuMs.toFixed(0)} / ${p.wallMs.toFixed(0)}` : '');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'fan-out' || argv[0] === 'chain') {
    // One case (a child of the driver, or run by hand): one JSON line.
    process.stdout.write(JSON.stringify(await runCase(argv[0], Number(argv[1] ?? 10_000), (argv[2] ?? 'workflow') as Side)) + '\n');
    return;
  }
  const json = argv.includes('--json');
  const sizeAt = argv.indexOf('--size');
  const size = sizeAt >= 0 ? Number(argv[sizeAt + 1]) : 10_000;
  if (!Number.isInteger(size) || size < 2) throw new Error(`--size must be an integer >= 2, got ${argv[sizeAt + 1]}`);
  const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');
  const results: CaseResult[] = [];
  for (const shape of ['fan-out', 'chain'] as const) {
    for (const side of ['workflow', 'engine', 'execute'] as const) {
      log(`running ${shape} ${size} ${side}...`);
      const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), shape, String(size), side], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) throw new Error(`${shape} ${side} failed: ${child.stderr}`);
      results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as CaseResult);
    }
  }
  log(`\n${size}-node workflows, ms CPU / wall (CPU counts every thread, so parallel GC too)\n`);
  log('| shape | path | validate | build (executeWorkflow, or the engine calls) | stop | to done (10 messages) | sinks exactly once | RSS MB |');
  log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const p = r.phases;
    const path = r.side === 'workflow' ? 'WorkflowEngine, idle source' : r.side === 'engine' ? 'bare engine.node + createConnection' : 'WorkflowEngine, 10 messages';
    log(`| ${[r.shape, path, fmt(p.validate), fmt(p.executeWorkflow ?? p.build), fmt(p.stop), fmt(p.toDone), r.exact ? `${r.exact[0]}/${r.exact[1]}` : '', r.rssMb.toFixed(0)].join(' | ')} |`);
  }
  const builds = results.filter((r) => r.side === 'workflow').map((r) => ({ shape: r.shape, wallMs: r.phases.executeWorkflow!.wallMs }));
  const exactAll = results.filter((r) => r.exact).every((r) => r.exact![0] === r.exact![1]);
  const buildOk = builds.every((b) => b.wallMs <= BUILD_BOUND_MS);
  log(`\nverdict: executeWorkflow ${builds.map((b) => `${b.shape} ${b.wallMs.toFixed(0)} ms`).join(', ')} (bound ${BUILD_BOUND_MS} ms wall): ${buildOk ? 'PASS' : 'FAIL'}; every sink exactly once: ${exactAll ? 'PASS' : 'FAIL'}`);
  if (json) process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, size, boundMs: BUILD_BOUND_MS, buildOk, exactAll, results }, null, 2) + '\n');
  if (!buildOk || !exactAll) process.exitCode = 1;
}

await main();
