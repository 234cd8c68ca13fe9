// How long building a large workflow takes (issue 12: "building a workflow linear in nodes and
// edges"): validate, executeWorkflow (validate + build + start) and stop, for a fan-out and a
// chain; and, for comparison, the same nodes and connections made on a bare engine.
//
// Run: node scripts/run-ts.mjs bench/workflow-build.ts <fan-out|chain> <nodes> [workflow|execute|engine]
// One shape, size and side per process: ~100 KB per connection makes the heap of one
// measurement slow down the next.
import { StreamEngine, WorkflowEngine, type WorkflowDefinition } from '../src/index.js';

type Shape = 'fan-out' | 'chain';

function definition(shape: Shape, n: number): WorkflowDefinition {
  const nodes = [{ id: 'src', type: 'bench.idle' }, ...Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i}`, type: shape === 'chain' && i < n - 2 ? 'transform.map' : 'sink.collector' }))];
  const edges = nodes.slice(1).map((x, i) => ({ source: shape === 'chain' ? nodes[i]!.id : 'src', sourcePort: 'out', target: x.id, targetPort: 'in' }));
  return { nodes, edges };
}

// CPU time of this process, not wall time: the figure stays comparable on a shared machine.
async function cpuMs<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = process.cpuUsage();
  const r = await f();
  const t = process.cpuUsage(t0);
  return [r, (t.user + t.system) / 1000];
}

async function workflow(def: WorkflowDefinition): Promise<string> {
  const wf = new WorkflowEngine();
  // A source the bench never drives: the run is built and started, and nothing flows.
  wf.registerNodeType({ type: 'bench.idle', kind: 'source', outputs: { out: {} }, create: () => ({}) });
  const [problems, validateMs] = await cpuMs(() => wf.validate(def));
  if (problems.length > 0) throw new Error(problems[0]!.message);
  const [run, executeMs] = await cpuMs(() => wf.executeWorkflow(def));
  const [result, stopMs] = await cpuMs(() => run.stop());
  return `validate ${validateMs.toFixed(0)} ms, executeWorkflow ${executeMs.toFixed(0)} ms (validate + build + start), stop ${stopMs.toFixed(0)} ms -> ${result.status}`;
}

/** Executes with a real source of 10 messages to the end, and checks every sink got each once. */
async function execute(def: WorkflowDefinition): Promise<string> {
  const wf = new WorkflowEngine();
  const nodes = def.nodes.map((x) => (x.id === 'src' ? { id: 'src', type: 'source.sequential', config: { count: 10 } } : x));
  const [[run, result], ms] = await cpuMs(async () => {
    const r = await wf.executeWorkflow({ ...def, nodes });
    return [r, await r.done] as const;
  });
  const want = JSON.stringify(Array.from({ length: 10 }, (_, i) => i));
  const sinks = nodes.filter((x) => x.type === 'sink.collector');
  const exact = sinks.filter((x) => JSON.stringify(run.collected(x.id)) === want).length;
  return `executeWorkflow to done ${ms.toFixed(0)} ms -> ${result.status}; ${exact}/${sinks.length} sinks got 0..9 exactly once`;
}

async function engine(def: WorkflowDefinition): Promise<string> {
  const e = new StreamEngine();
  const [, ms] = await cpuMs(() => {
    for (const x of def.nodes) e.node(x.id, { process() {}, autoStart: false });
    for (const x of def.edges) e.createConnection(x.source, x.target, x.sourcePort, x.targetPort);
  });
  return `engine alone: ${def.nodes.length} engine.node + ${def.edges.length} createConnection ${ms.toFixed(0)} ms`;
}

const [shape = 'fan-out', size = '10000', side = 'workflow'] = process.argv.slice(2);
const def = definition(shape as Shape, Number(size));
const line = side === 'engine' ? await engine(def) : side === 'execute' ? await execute(def) : await workflow(def);
console.log(`${shape} ${size} nodes (CPU): ${line}; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
