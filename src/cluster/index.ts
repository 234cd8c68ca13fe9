/**
 * `@nodeflow/runtime/cluster`: one workflow whose nodes run in several processes. A node's
 * `placement` names the worker process (`nodeflow worker --nats <url> --name <worker>`) it runs
 * on; `executeOnCluster` splits the workflow, hands each worker its part over NATS, runs the
 * rest here, joins the edges that cross with JetStream, and returns one handle for the whole run.
 *
 * @example
 * ```ts
 * import { executeOnCluster, natsCluster } from '@nodeflow/runtime/cluster';
 * const run = await executeOnCluster(workflowEngine, def, { cluster: natsCluster({ servers: 'nats://127.0.0.1:4222' }) });
 * await run.done;
 * ```
 * @packageDocumentation
 */
export { splitWorkflow, OUTLET_TYPE, INLET_TYPE, type CrossEdge, type WorkflowPart, type WorkflowSplit } from './split.js';
export { executeOnCluster, type ExecuteOnClusterOptions } from './execute.js';
export { ClusterRun, type ClusterRunOptions, type ClusterEvent, type ClusterResult } from './cluster-run.js';
export { ClusterError, type Cluster, type ClusterLink, type ClusterFailure } from './cluster.js';
export { natsCluster, type NatsClusterOptions } from './nats-cluster.js';
export { startWorker, type ClusterWorker, type StartWorkerOptions } from './worker.js';
export { ClusterDebugger, type ClusterDebuggerOptions } from './cluster-debugger.js';
export { type ClusterDebugEvent, type ProcessEvents } from './run-events.js';
export { EVENTS_PER_TICK } from './part-events.js';
export { LOCAL, type ClusterMetrics, type ClusterEdgeStats } from './merge.js';
export { SAMPLE_MS, LISTEN_LEASE_MS, ORPHAN_AFTER_MS, START_QUEUE, type EventBatch, type Sample, type EdgeEnd, type StartRequest, type StartReply } from './protocol.js';
export { isWorkerName } from '../actors/workflow/validate.js';
