// How long building a large workflow takes (issue 12: "building a workflow linear in nodes and
// edges"): validate, executeWorkflow (build + start) and stop, for a fan-out and a chain.
// Run: node scripts/run-ts.mjs bench/workflow-build.ts [nodes...]
import { WorkflowEngine, type WorkflowDefinition } from '../src/index.js';

type Shape = 'fan-out' | 'chain';

/** A source the bench never drives: the run is built and started, and nothing flows. */
function engine(): WorkflowEngine {
  const wf = new WorkflowEngine();
  wf.registerNodeType({ type: 'bench.idle', kind: 'source', outputs: { out: {} }, create: () => ({}) });
  return wf;
}

function definition(shape: Shape, n: number): WorkflowDefinition {
  const nodes = [{ id: 'src', type: 'bench.idle' }, ...Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i}`, type: shape === 'chain' && i < n - 2 ? 'transform.map' : 'sink.collector' }))];
  const edges = nodes.slice(1).map((x, i) => ({ source: shape === 'chain' ? nodes[i]!.id : 'src', sourcePort: 'out', target: x.id, targetPort: 'in' }));
  return { nodes, edges };
}

async function measure(shape: Shape, n: number): Promise<void> {
  const wf = engine();
  const def = definition(shape, n);
  // CPU time of this process, not wall time: the figure stays comparable on a shared machine.
  const ms = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
    const t0 = process.cpuUsage();
    const r = await f();
    const t = process.cpuUsage(t0);
    return [r, (t.user + t.system) / 1000];
  };
  const [problems, validateMs] = await ms(() => wf.validate(def));
  if (problems.length > 0) throw new Error(problems[0]!.message);
  const [run, executeMs] = await ms(() => wf.executeWorkflow(def));
  const [result, stopMs] = await ms(() => run.stop());
  console.log(`${shape} ${n} nodes (CPU ms): validate ${validateMs.toFixed(0)} ms, executeWorkflow ${executeMs.toFixed(0)} ms (validate + build + start), stop ${stopMs.toFixed(0)} ms -> ${result.status}`);
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [1000, 10_000]) {
  await measure('fan-out', n);
  await measure('chain', n);
}
