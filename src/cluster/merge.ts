import type { ConnectionStats } from '../actors/types.js';
import type { WorkflowNodeStatus, WorkflowStatus } from '../actors/workflow/status.js';
import type { Sample } from './protocol.js';
import type { CrossEdge } from './split.js';

/**
 * An edge's stats across the whole run. For an edge that crosses processes, the figures of the
 * conservation identity (`accepted`, `delivered`, `dropped`, `deadLettered`, `inFlight`) come
 * from ONE sample of the producer's process, where the outlet keeps frames outstanding until the
 * consumer settles them, so `accepted = delivered + droppedTotal + deadLettered + inFlight`
 * holds exactly; retries, breaker and busy time are the consumer's. `transport` adds each end's
 * counters and the server's figures.
 *
 * @example
 * ```ts
 * const e = run.metrics().edges['src.out->work.in']!;
 * e.accepted === e.delivered + e.droppedTotal + e.deadLettered + e.inFlight; // true
 * ```
 */
export type ClusterEdgeStats = ConnectionStats & {
  readonly transport?: {
    readonly key: string;
    readonly from: string;
    readonly to: string;
    readonly producer?: Readonly<Record<string, number>>;
    readonly consumer?: Readonly<Record<string, number>>;
    /** JetStream's figures of the edge's consumer: pending, ackPending, redelivered... */
    readonly server?: Readonly<Record<string, number>>;
  };
};

/**
 * A cluster run's metrics: every edge (one entry per workflow edge), every node, and each
 * process's last sample (`'local'` is the calling process, the coordinator).
 *
 * @example
 * ```ts
 * const { edges, nodes, processes } = run.metrics();
 * ```
 */
export interface ClusterMetrics {
  readonly edges: Readonly<Record<string, ClusterEdgeStats>>;
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
  readonly processes: Readonly<Record<string, { readonly state: WorkflowStatus['state']; readonly seq: number; readonly at: number; readonly incarnation: string }>>;
}

/**
 * The coordinator's process name in a run's metrics, events and debug export (a worker cannot
 * take it).
 *
 * @example
 * ```ts
 * run.metrics().processes[LOCAL]?.state;
 * ```
 */
export const LOCAL = 'local';

const where = (w: string | undefined) => w ?? LOCAL;

/**
 * Merges the last sample of each process into the run's metrics (pure).
 *
 * @example
 * ```ts
 * const m = mergeSamples(samples, split.cross, serverInfo);
 * ```
 * @internal
 */
export function mergeSamples(samples: ReadonlyMap<string, Sample>, cross: readonly CrossEdge[], server: ReadonlyMap<string, Readonly<Record<string, number>>>): ClusterMetrics {
  const hidden = new Set<string>();
  const crossing = new Map<string, CrossEdge>();
  for (const c of cross) {
    hidden.add(c.outlet).add(c.inlet);
    crossing.set(c.id, c);
  }
  const edges: Record<string, ClusterEdgeStats> = {};
  const nodes: Record<string, WorkflowNodeStatus> = {};
  const processes: Record<string, ClusterMetrics['processes'][string]> = {};
  for (const [w, s] of samples) {
    processes[w] = { state: s.state, seq: s.seq, at: s.at, incarnation: s.incarnation };
    for (const [id, n] of Object.entries(s.nodes)) if (!hidden.has(id)) nodes[id] = n;
    for (const [id, e] of Object.entries(s.edges)) if (!crossing.has(id)) edges[id] = e;
  }
  for (const c of cross) {
    const p = samples.get(where(c.from));
    const q = samples.get(where(c.to));
    const prod = p?.edges[c.id];
    const cons = q?.edges[c.id];
    const base = prod ?? cons;
    if (!base) continue;
    const identity = prod ? { accepted: prod.accepted, delivered: prod.delivered, deadLettered: prod.deadLettered, dropped: prod.dropped, droppedTotal: prod.droppedTotal, inFlight: prod.inFlight, buffered: prod.buffered, refused: prod.refused, bufferUtilization: prod.bufferUtilization, backpressureEvents: prod.backpressureEvents } : {};
    const consumerSide = cons ? { state: cons.state, batches: cons.batches, failedAttempts: cons.failedAttempts, retries: cons.retries, busyMs: cons.busyMs, breaker: cons.breaker } : {};
    const info = server.get(c.key);
    edges[c.id] = {
      ...base,
      ...consumerSide,
      ...identity,
      transport: {
        key: c.key,
        from: where(c.from),
        to: where(c.to),
        ...(p?.ends[c.id] ? { producer: p.ends[c.id]!.counters } : {}),
        ...(q?.ends[c.id] ? { consumer: q.ends[c.id]!.counters } : {}),
        ...(info ? { server: info } : {}),
      },
    };
  }
  return { edges, nodes, processes };
}

/**
 * The run's state from its processes' states: running while any runs (paused if the rest
 * paused); once all ended, failed if one failed, stopped if one stopped, else completed.
 *
 * @example
 * ```ts
 * runState(['completed', 'running']); // 'running'
 * ```
 * @internal
 */
export function runState(states: readonly WorkflowStatus['state'][]): WorkflowStatus['state'] {
  if (states.includes('running')) return 'running';
  if (states.includes('paused')) return 'paused';
  if (states.includes('failed')) return 'failed';
  if (states.includes('stopped')) return 'stopped';
  return 'completed';
}
