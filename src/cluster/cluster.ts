import { NodeflowError } from '../errors.js';
import type { RunCarriers } from './stand-ins.js';

/**
 * Why a cluster operation failed: `WORKER_UNAVAILABLE` (no worker of that name answered in
 * time, or none is subscribed: `details.noResponders`), `NAME_IN_USE` (a worker cannot start:
 * another live worker answers to its name), `PART_REFUSED` (the worker could not run its part: an unknown node type there, say;
 * `problems` lists the validation problems), `CLUSTER_UNREACHABLE` (no server), `RUN_FAILED`.
 *
 * @example
 * ```ts
 * const why: ClusterFailure = 'WORKER_UNAVAILABLE';
 * ```
 */
export type ClusterFailure = 'WORKER_UNAVAILABLE' | 'NAME_IN_USE' | 'PART_REFUSED' | 'CLUSTER_UNREACHABLE' | 'RUN_FAILED';

/**
 * A typed failure of cluster execution; `reason` says which, `worker` names the worker.
 *
 * @example
 * ```ts
 * try { await executeOnCluster(wf, def, { cluster }); }
 * catch (e) { if (e instanceof ClusterError && e.reason === 'WORKER_UNAVAILABLE') console.log(e.worker, 'is not running'); }
 * ```
 */
export class ClusterError extends NodeflowError {
  override readonly name: string = 'ClusterError';
  constructor(
    readonly reason: ClusterFailure,
    message: string,
    readonly worker?: string,
    details: Record<string, unknown> = {},
  ) {
    super(reason === 'PART_REFUSED' ? 'INVALID_ARGUMENT' : 'CONNECTION_FAILED', message, { reason, ...(worker !== undefined ? { worker } : {}), ...details });
  }
}

/**
 * One process's link to the cluster: request/reply, publish/subscribe, the run's JetStream
 * set-up and the carriers of its edges. The engine's core never sees NATS: it gets this.
 *
 * @example
 * ```ts
 * const link = await natsCluster({ servers: url }).connect();
 * const reply = await link.request('nodeflow.worker.w1.start', payload, 2000);
 * ```
 */
export interface ClusterLink {
  /**
   * The answer to `data` on `subject`; rejects with `ClusterError('WORKER_UNAVAILABLE')` if none
   * came in `timeoutMs`, with `details.noResponders` true when nobody subscribes to `subject`.
   */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  publish(subject: string, data: Uint8Array): void;
  /** Calls `handler` per message (`reply` answers a request); `queue`: one member of the group gets each. Returns the unsubscribe. */
  subscribe(subject: string, handler: (data: Uint8Array, reply: ((data: Uint8Array) => void) | undefined, subject: string) => void, options?: { readonly queue?: string }): () => void;
  /** Creates the run's streams and one consumer per edge that crosses. */
  ensureRun(run: string, edges: readonly { readonly edge: string; readonly maxFrames: number }[]): Promise<void>;
  removeRun(run: string): Promise<void>;
  /** The carriers of run `run`'s edges. */
  carriers(run: string): RunCarriers;
  /** Stream and consumer figures of one edge (messages held, pending, waiting for ack, redelivered). */
  edgeInfo(run: string, edge: string): Promise<Readonly<Record<string, number>> | undefined>;
  close(): Promise<void>;
}

/**
 * How processes reach each other: `natsCluster(...)` for NATS and JetStream, or your own.
 *
 * @example
 * ```ts
 * const cluster: Cluster = natsCluster({ servers: 'nats://127.0.0.1:4222' });
 * ```
 */
export interface Cluster {
  connect(): Promise<ClusterLink>;
}
