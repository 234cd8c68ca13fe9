import { NodeflowError, readOptions } from '../errors.js';
import { WorkflowValidationError, type WorkflowDefinition, type WorkflowProblem } from '../actors/workflow/definition.js';
import { readDefinition } from '../actors/workflow/snapshot.js';
import { isWorkerName } from '../actors/workflow/validate.js';
import type { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import type { Cluster } from './cluster.js';
import { ClusterRun, type ClusterRunOptions } from './cluster-run.js';
import { encode, subjects } from './protocol.js';
import { sendPart } from './send-part.js';
import { splitWorkflow } from './split.js';
import { LOCAL } from './merge.js';
import { standIns } from './stand-ins.js';

/**
 * Options of {@link executeOnCluster}.
 *
 * @example
 * ```ts
 * const o: ExecuteOnClusterOptions = { cluster: natsCluster({ servers: url }), placement: { work: 'w1' }, startTimeoutMs: 5000 };
 * ```
 */
export interface ExecuteOnClusterOptions extends ClusterRunOptions {
  readonly cluster: Cluster;
  /** Where nodes run, by node id; overrides a node's own `placement`. */
  readonly placement?: Readonly<Record<string, string>>;
  /** How long a worker has to accept its part (default 5000 ms): else `ClusterError('WORKER_UNAVAILABLE')`. */
  readonly startTimeoutMs?: number;
}

// Problems a worker's own registry decides: node types and ports of nodes that run there.
const REMOTE_CODES = new Set<WorkflowProblem['code']>(['UNKNOWN_NODE_TYPE', 'INVALID_NODE_CONFIG', 'UNKNOWN_PORT', 'PORT_TYPE_MISMATCH', 'NODE_ID_IN_USE']);

/**
 * Runs `def` across processes: each node where its `placement` (or `options.placement`) says,
 * the rest in this process on `wf`. It validates the definition (node types of placed nodes are
 * checked by their workers), creates the run's JetStream streams, sends each worker its part
 * (`nodeflow.worker.<name>.start`; a worker that does not answer in time, or refuses its part,
 * fails the call with a typed `ClusterError` and nothing is left running), starts the local part,
 * and returns one handle for the whole run. A function rather than an `executeWorkflow` option:
 * its handle is a {@link ClusterRun}, not a `WorkflowRun`, and the core never loads NATS.
 *
 * @example
 * ```ts
 * const run = await executeOnCluster(wf, def, { cluster: natsCluster({ servers: process.env.NATS_URL! }) });
 * const { status } = await run.done;
 * ```
 */
export async function executeOnCluster(wf: WorkflowEngine, input: WorkflowDefinition, options: ExecuteOnClusterOptions): Promise<ClusterRun> {
  const o = readOptions(options, ['cluster', 'placement', 'startTimeoutMs', 'lostAfterMs', 'runId', 'debug']);
  const cluster = o.cluster;
  if (typeof cluster?.connect !== 'function') throw new NodeflowError('INVALID_ARGUMENT', 'executeOnCluster needs options.cluster, e.g. natsCluster({ servers })', { field: 'cluster' });
  const { def, problems: unreadable } = readDefinition(input);
  if (unreadable.length > 0) throw new WorkflowValidationError(unreadable);
  const placement = { ...(o.placement ?? {}) };
  const remote = new Set<string>();
  const problems: WorkflowProblem[] = [];
  for (const n of def.nodes ?? []) if (n?.placement === LOCAL && placement[n.id] === undefined) placement[n.id] = LOCAL;
  for (const [id, w] of Object.entries(placement)) {
    if (w === LOCAL) problems.push({ code: 'INVALID_PLACEMENT', path: `options.placement.${id}`, nodeId: id, message: `node ${id}: 'local' names the coordinator in a run's metrics and events; it cannot be a worker's name` });
    if (!isWorkerName(w)) problems.push({ code: 'INVALID_PLACEMENT', path: `options.placement.${id}`, nodeId: id, message: `node ${id}: placement must be a worker name (a NATS subject token), got ${JSON.stringify(w)}` });
    if (!def.nodes?.some((n) => n?.id === id)) problems.push({ code: 'MISSING_NODE', path: `options.placement.${id}`, nodeId: id, message: `options.placement names node ${id}, which the workflow does not have` });
  }
  for (const n of def.nodes ?? []) if ((placement[n?.id] ?? n?.placement) !== undefined) remote.add(n.id);
  const touchesRemote = (p: WorkflowProblem) => (p.nodeId !== undefined && remote.has(p.nodeId)) || (p.edgeId !== undefined && def.edges.some((e) => (e.id ?? `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`) === p.edgeId && (remote.has(e.source) || remote.has(e.target))));
  problems.push(...wf.validate(def).filter((p) => !(REMOTE_CODES.has(p.code) && touchesRemote(p))));
  if (problems.length > 0) throw new WorkflowValidationError(problems);
  const split = splitWorkflow(def, { placement, base: wf.getStreamEngine().config });
  const runId = o.runId ?? `${(def.id ?? 'run').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${Math.random().toString(36).slice(2, 10)}`;
  const link = await cluster.connect();
  const started: string[] = [];
  try {
    await link.ensureRun(runId, split.cross.map((c) => ({ edge: c.key, maxFrames: c.maxFrames })));
    const workers = split.parts.filter((p) => p.worker !== undefined);
    // Samples are heard from before any part starts: none is missed.
    const run = new ClusterRun(wf, link, runId, split, o);
    const holders = new Map<string, string>();
    for (const part of workers) {
      holders.set(part.worker!, (await sendPart(link, runId, part, o.startTimeoutMs ?? 5000, run.listening)).incarnation);
      started.push(part.worker!);
    }
    const local = split.parts[0]!;
    const localDef = standIns(wf).bind(runId, link.carriers(runId), local.definition);
    await run.start(await wf.executeWorkflow(localDef), holders);
    return run;
  } catch (error) {
    await Promise.all(started.map((w) => link.request(subjects.stop(w), encode({ run: runId }), 5000).catch(() => undefined)));
    standIns(wf).unbind(runId);
    await link.removeRun(runId).catch(() => undefined);
    await link.close();
    throw error;
  }
}
