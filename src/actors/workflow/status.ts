import type { IoState } from '../types.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { ConnectionStats } from '../types.js';
import type { RunNode } from './run-node.js';

/**
 * One node of a running workflow, as the handle reports it.
 *
 * @example
 * ```ts
 * const { state, received, rejected } = run.status().nodes.filter1;
 * ```
 */
export interface WorkflowNodeStatus {
  /** idle, running, paused, completed, failed or stopped. */
  readonly state: string;
  readonly received: number;
  readonly emitted: number;
  /** Messages refused by an input port's schema (dead-lettered). */
  readonly rejected: number;
  /** Failed delivery attempts into this node. */
  readonly errors: number;
  readonly lastError?: string;
  /** Messages still waiting to be emitted when the run stopped (counted, never silently lost). */
  readonly discarded?: number;
  /** An I/O node's link state and its counters (received, malformed, refused...). */
  readonly io?: { readonly state?: IoState; readonly counters: Readonly<Record<string, number>> };
}

/**
 * A workflow run's status: emitted on node state changes and errors (several changes in one
 * synchronous step, such as an end-of-stream walking the graph, emit once), never per message.
 *
 * @example
 * ```ts
 * run.status$.subscribe((s) => console.log(s.state, Object.keys(s.nodes).length));
 * ```
 */
export interface WorkflowStatus {
  readonly state: 'running' | 'paused' | 'completed' | 'failed' | 'stopped';
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
}

/**
 * What `run.done` resolves to.
 *
 * @example
 * ```ts
 * const { status, metrics } = await run.done;
 * ```
 */
export interface WorkflowResult {
  readonly status: 'completed' | 'failed' | 'stopped';
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
  readonly metrics: WorkflowMetrics;
}

/**
 * Per-edge connection counters (final ones for closed edges) and per-node counters.
 *
 * @example
 * ```ts
 * const m = run.metrics();
 * console.log(m.edges.e1?.delivered, m.nodes.sink?.received);
 * ```
 */
export interface WorkflowMetrics {
  readonly edges: Readonly<Record<string, ConnectionStats & { readonly connectionId: string }>>;
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
}

/**
 * One edge of a run: its engine connection and its ends.
 *
 * @example
 * ```ts
 * const e: RunEdge = { connectionId: 'src:out->sink:in', source: 'src', sourcePort: 'out', target: 'sink' };
 * ```
 * @internal
 */
export interface RunEdge {
  readonly connectionId: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
}

/**
 * Every node's status, by id.
 *
 * @example
 * ```ts
 * const nodes = nodeStatuses(run.nodes.values());
 * ```
 * @internal
 */
export function nodeStatuses(nodes: Iterable<RunNode>): Record<string, WorkflowNodeStatus> {
  const out: Record<string, WorkflowNodeStatus> = {};
  for (const n of nodes) {
    const state = n.stateOverride ?? (n.widget ? (n.ended ? 'completed' : 'running') : n.handle?.state ?? 'idle');
    out[n.id] = {
      state,
      received: n.widget ? n.widget.metrics().messageCount : n.received,
      emitted: n.emitted,
      rejected: n.rejected,
      errors: n.errors,
      ...(n.lastError ? { lastError: n.lastError } : {}),
      ...(n.discarded ? { discarded: n.discarded } : {}),
      ...(n.io ? { io: { ...(n.io.state ? { state: n.io.state } : {}), counters: { ...n.io.counters } } } : {}),
    };
  }
  return out;
}

/**
 * The run's metrics: each edge's live counters, or its final ones once its connection closed.
 *
 * @example
 * ```ts
 * const m = runMetrics(engine, edges, finalStats, nodes.values());
 * ```
 * @internal
 */
export function runMetrics(engine: StreamEngine, edges: ReadonlyMap<string, RunEdge>, finalStats: ReadonlyMap<string, ConnectionStats>, nodes: Iterable<RunNode>): WorkflowMetrics {
  const out: Record<string, ConnectionStats & { connectionId: string }> = {};
  for (const [edgeId, e] of edges) {
    const s = finalStats.get(e.connectionId) ?? (engine.hasConnection(e.connectionId) ? engine.getConnection(e.connectionId).stats() : undefined);
    if (s) out[edgeId] = { ...s, connectionId: e.connectionId };
  }
  return { edges: out, nodes: nodeStatuses(nodes) };
}
