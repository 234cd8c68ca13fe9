import type { DebugEvent } from '../actors/debug/debug-event.js';
import type { ConnectionStats } from '../actors/types.js';
import type { WorkflowDefinition } from '../actors/workflow/definition.js';
import type { WorkflowNodeStatus, WorkflowStatus } from '../actors/workflow/status.js';

/**
 * How often a running part publishes a status sample (the coordinator's liveness signal too),
 * and how often the coordinator ticks (its heartbeat, `subjects.listen`).
 *
 * @example
 * ```ts
 * const timer = setInterval(publishSample, SAMPLE_MS);
 * ```
 */
export const SAMPLE_MS = 250;

/**
 * The NATS subjects of a cluster: a worker answers `start`/`stop` requests on its own subjects;
 * each process of a run publishes status samples on the run's, and answers a `poll` with one.
 *
 * @example
 * ```ts
 * nc.request(subjects.start('w1'), encode(request), { timeout: 2000 });
 * ```
 */
export const subjects = {
  /** Subscribed in queue group {@link START_QUEUE}: exactly one process of a name takes a part. */
  start: (worker: string) => `nodeflow.worker.${worker}.start`,
  stop: (worker: string) => `nodeflow.worker.${worker}.stop`,
  /** A starting worker asks here whether a live worker already answers to its name. */
  ping: (worker: string) => `nodeflow.worker.${worker}.ping`,
  /** `{ run, incarnation }`: that incarnation no longer holds its part of the run: stop it hard, silently. */
  fence: (worker: string) => `nodeflow.worker.${worker}.fence`,
  status: (run: string, worker: string) => `nodeflow.run.${run}.status.${worker}`,
  allStatus: (run: string) => `nodeflow.run.${run}.status.*`,
  poll: (run: string) => `nodeflow.run.${run}.poll`,
  /** Edge keys whose stream ended at the producer end: the process holding their inlets ends them. */
  end: (run: string) => `nodeflow.run.${run}.end`,
  /** A worker's debug events of the run, one batch per tick, while the coordinator listens. */
  events: (run: string, worker: string) => `nodeflow.run.${run}.events.${worker}`,
  allEvents: (run: string) => `nodeflow.run.${run}.events.*`,
  /**
   * Every coordinator tick: `{ on: true }` while it listens to the run's events (a lease), else
   * `{ on: false }`. Also the coordinator's heartbeat: a worker stops a part that hears none for
   * its `orphanAfterMs`.
   */
  listen: (run: string) => `nodeflow.run.${run}.listen`,
} as const;

/**
 * The queue group of the workers' start subjects: one process of a name takes each part.
 *
 * @example
 * ```ts
 * link.subscribe(subjects.start('w1'), onStart, { queue: START_QUEUE });
 * ```
 */
export const START_QUEUE = 'nodeflow-workers';

/**
 * How long a worker keeps forwarding debug events after the last `listen` lease it heard (the
 * coordinator renews it every tick, so only a coordinator gone silent lets it lapse).
 *
 * @example
 * ```ts
 * leaseUntil = Date.now() + LISTEN_LEASE_MS;
 * ```
 */
export const LISTEN_LEASE_MS = 5000;

/**
 * How long a worker runs a part without hearing its coordinator's heartbeat before it stops the
 * part hard as orphaned (`startWorker({ orphanAfterMs })`).
 *
 * @example
 * ```ts
 * await startWorker({ cluster, name: 'w1', workflowEngine: wf, orphanAfterMs: ORPHAN_AFTER_MS });
 * ```
 */
export const ORPHAN_AFTER_MS = 30_000;

/**
 * What the coordinator asks a worker to run: its part of run `run`, with the keys and bounds of
 * the edges that cross (the part's outlet and inlet nodes name them).
 *
 * @example
 * ```ts
 * const req: StartRequest = { run: 'demo-1a2b', worker: 'w1', definition: part.definition };
 * ```
 */
export interface StartRequest {
  readonly run: string;
  readonly worker: string;
  readonly definition: WorkflowDefinition;
  /** The coordinator listens to the run's events: forward them from the part's first one. */
  readonly listen?: boolean;
}

/**
 * A worker's answer to a start request: `ok`, or why not (a `ClusterError` reason with the
 * validation problems of the part, when there are some).
 *
 * @example
 * ```ts
 * const reply: StartReply = { ok: false, reason: 'PART_REFUSED', message: "node x: unknown type 'my.type'" };
 * ```
 */
export type StartReply = { readonly ok: true; /** The worker already ran this part (a start repeated after a missed sample). */ readonly already: boolean; /** The process incarnation that holds the part now: the coordinator accepts samples from it only. */ readonly incarnation: string } | { readonly ok: false; readonly reason: string; readonly message: string; readonly problems?: readonly unknown[] };

/**
 * Counters of one end of an edge that crosses processes, as that end's process reports them.
 * The producer end's `accepted/delivered/dropped/deadLettered/inFlight` obey the conservation
 * identity on their own; the consumer end adds what only it sees (duplicates, redeliveries).
 *
 * @example
 * ```ts
 * const end: EdgeEnd = { side: 'producer', counters: { accepted: 100, delivered: 90, inFlight: 10 } };
 * ```
 */
export interface EdgeEnd {
  readonly side: 'producer' | 'consumer';
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * One process's view of its part of a run at one instant: its nodes, the stats of every edge
 * it holds (for an edge across processes, its local half), and the ends of edges that cross.
 *
 * @example
 * ```ts
 * nc.publish(subjects.status(run, 'w1'), encode(sample));
 * ```
 */
export interface Sample {
  readonly run: string;
  /** The worker's name; `'local'` for the coordinator. */
  readonly worker: string;
  /** Increases per sample of this process (a replacement process starts again at 1 with a new `incarnation`). */
  readonly seq: number;
  readonly incarnation: string;
  readonly at: number;
  readonly state: WorkflowStatus['state'];
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
  readonly edges: Readonly<Record<string, ConnectionStats>>;
  readonly ends: Readonly<Record<string, EdgeEnd>>;
  /**
   * The worker LEFT the run (its process was stopped, or the part was orphaned): the part did
   * not finish, the coordinator offers it to a replacement. The incarnation's last sample.
   */
  readonly left?: true;
}

/**
 * One tick's debug events of a worker's part (`subjects.events`): at most the worker's
 * `eventsPerTick`; the rest are counted in `eventsDropped` (cumulative for this incarnation),
 * as `total` counts every event its part recorded while listened to.
 *
 * @example
 * ```ts
 * const b = decode<EventBatch>(data);
 * console.log(b.worker, b.events.length, b.eventsDropped);
 * ```
 */
export interface EventBatch {
  readonly run: string;
  readonly worker: string;
  readonly incarnation: string;
  readonly seq: number;
  readonly events: readonly DebugEvent[];
  readonly total: number;
  readonly eventsDropped: number;
}

/**
 * JSON in and out of NATS payloads.
 *
 * @example
 * ```ts
 * const sample = decode<Sample>(msg.data);
 * ```
 */
export const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
/** See {@link encode}. */
export const decode = <T>(data: Uint8Array): T => JSON.parse(new TextDecoder().decode(data)) as T;
