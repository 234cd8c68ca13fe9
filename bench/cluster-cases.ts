// The three cases of bench/cluster.ts, each one or more workflow runs on the cluster: a source in
// this process (the coordinator), nodes placed on the `nodeflow worker` children w1 and w2, and
// `bench.count` sinks whose reports give the times (bench/cluster-types.ts).
import { WorkflowEngine, type WorkflowDefinition } from '../src/index.js';
import { executeOnCluster, type Cluster, type ClusterEdgeStats } from '../src/cluster/index.js';
import { count, source, work } from './cluster-types.js';
import { cpuMs, reportOf } from './cluster-procs.js';
import { BATCH, MAX_FRAMES } from './transport-jetstream.js';

/** Every crossing edge's StreamConfig: maxFrames = bufferSize / maxBatchSize = 64, the raw baseline's window. */
export const EDGE = { bufferSize: MAX_FRAMES * BATCH, maxBatchSize: BATCH };
const TIMEOUT = 120_000;
const wf = new WorkflowEngine();
for (const t of [source, count, work]) wf.registerNodeType(t);
let runs = 0;

type Node = WorkflowDefinition['nodes'][number];
type Edge = ReturnType<typeof edge>;
const edge = (id: string, from: string, to: string) => ({ id, source: from, sourcePort: 'out', target: to, targetPort: 'in', config: EDGE });

/** Runs the workflow on the cluster; resolves with the reports of its sinks once the run completed. */
async function runOnCluster(cluster: Cluster, nodes: Node[], edges: Edge[]) {
  const tags = nodes.filter((n) => n.type === 'bench.count').map((n) => n.config!.tag as string);
  const reports = Promise.all(tags.map((t) => reportOf(t, TIMEOUT)));
  const run = await executeOnCluster(wf, { id: `bench-${runs}`, nodes, edges }, { cluster });
  const got = await reports.catch(async (e: unknown) => (await run.stop(), Promise.reject(e)));
  const result = await run.done;
  if (result.status !== 'completed') throw new Error(`run ${run.id} ended ${result.status}`);
  return { reports: got, edges: result.metrics.edges };
}

/**
 * Throughput: an unpaced source here → edge → counting sink on w1; msg/s from the source's start
 * (its first message's timestamp) to the last arrival in the worker.
 */
export async function engineRound(cluster: Cluster, n: number): Promise<{ rate: number; edge: ClusterEdgeStats | undefined }> {
  const tag = `tp${++runs}`;
  const { reports, edges } = await runOnCluster(cluster, [
    { id: 'src', type: 'bench.source', config: { count: n } },
    { id: 'sink', type: 'bench.count', config: { tag, count: n }, placement: 'w1' },
  ], [edge('e', 'src', 'sink')]);
  return { rate: n / ((reports[0]!.lastArrival - reports[0]!.firstSent) / 1000), edge: edges.e };
}

/** Latency: a paced source here (each message stamped with its intended send time) → sink on w1. */
export async function latencyRun(cluster: Cluster, rate: number, seconds: number) {
  const n = rate * seconds;
  const skip = rate / 4; // the first 250 ms: the worker's first pulls
  const tag = `lat${++runs}`;
  const { reports } = await runOnCluster(cluster, [
    { id: 'src', type: 'bench.source', config: { count: n, rate } },
    { id: 'sink', type: 'bench.count', config: { tag, count: n, skip }, placement: 'w1' },
  ], [edge('e', 'src', 'sink')]);
  const r = reports[0]!;
  return { offered: rate, messages: n, measured: n - skip, achieved: n / ((r.lastArrival - r.firstSent) / 1000), p50: r.p50, p99: r.p99, max: r.max };
}

/**
 * Scaling: two sources here → two middle nodes busy 10 µs per message (both on w1, or one on w1
 * and one on w2) → two sinks here. The same graph either way; only the placement differs.
 * Delivered msg/s from the first source's start to the last arrival at either sink.
 */
export async function scalingRound(cluster: Cluster, workers: 1 | 2, n: number): Promise<{ rate: number; cpuUsPerMessage: Record<string, number> }> {
  ++runs;
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  for (const i of [0, 1]) {
    nodes.push({ id: `src${i}`, type: 'bench.source', config: { count: n / 2 } });
    nodes.push({ id: `work${i}`, type: 'bench.work', config: { us: 10 }, placement: workers === 1 ? 'w1' : `w${i + 1}` });
    nodes.push({ id: `sink${i}`, type: 'bench.count', config: { tag: `sc${runs}.${i}`, count: n / 2 } });
    edges.push(edge(`in${i}`, `src${i}`, `work${i}`), edge(`out${i}`, `work${i}`, `sink${i}`));
  }
  const before = cpuMs();
  const { reports } = await runOnCluster(cluster, nodes, edges);
  const after = cpuMs();
  // CPU µs per delivered message in each process over the run (set-up and teardown included).
  const cpuUsPerMessage = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Math.round(((v - (before[k] ?? 0)) * 1000 / n) * 10) / 10]));
  return { cpuUsPerMessage, rate: n / ((Math.max(...reports.map((r) => r.lastArrival)) - Math.min(...reports.map((r) => r.firstSent))) / 1000) };
}
