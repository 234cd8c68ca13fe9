import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage, NodeflowError, readOptions } from '../errors.js';
import { optionalPeer } from '../optional-peer.js';
import { ensureRunStreams, removeRunStreams } from '../transport/jetstream/run-streams.js';
import { jetStreamCarriers } from '../transport/jetstream/carriers.js';
import { runNames } from '../transport/jetstream/names.js';
import { ClusterError, type Cluster, type ClusterLink } from './cluster.js';

// The cluster entry loads nats.js itself, so a missing peer is reported as this entry's need
// (the io entry's loaders would name '@nodeflow/runtime/io'). Both load before anything else
// does: a missing JetStream fails connect(), not a carrier later.
const loadNats = optionalPeer('@nats-io/transport-node', '@nodeflow/runtime/cluster', () => import('@nats-io/transport-node'));
const loadJetStream = optionalPeer('@nats-io/jetstream', '@nodeflow/runtime/cluster', () => import('@nats-io/jetstream'));

// Problems a carrier met that lose nothing by themselves (a malformed frame, a failed poll).
const carrierErrors = { next: (e: Error) => void (process.env.NODEFLOW_DEBUG && console.warn(`nodeflow cluster carrier: ${e.message}`)) };

/**
 * Options of {@link natsCluster}.
 *
 * @example
 * ```ts
 * const o: NatsClusterOptions = { servers: ['nats://127.0.0.1:4222'], replicas: 3, ackWaitMs: 5000 };
 * ```
 */
export interface NatsClusterOptions {
  readonly servers: string | readonly string[];
  /** JetStream replicas of each run's streams: 1 (default) or 3 on a three-server cluster. */
  readonly replicas?: 1 | 3;
  /**
   * How long a frame handed to a consumer end may stay unacknowledged before JetStream hands it
   * to another (the replacement of a worker that died); default 30 s. Keep it beyond an edge's
   * whole retry span.
   */
  readonly ackWaitMs?: number;
}

/**
 * A cluster on NATS: request/reply for the workers, JetStream for the edges that cross processes
 * (one WorkQueue stream per run, one durable consumer per edge: see docs/cluster.md). Each
 * `connect()` opens one NATS connection (`noAsyncTraces`, reconnecting for ever).
 *
 * @example
 * ```ts
 * const run = await executeOnCluster(wf, def, { cluster: natsCluster({ servers: process.env.NATS_URL! }) });
 * ```
 */
export function natsCluster(options: NatsClusterOptions): Cluster {
  const o = readOptions(options, ['servers', 'replicas', 'ackWaitMs']);
  const servers = typeof o.servers === 'string' ? [o.servers] : [...(o.servers ?? [])];
  if (servers.length === 0 || !servers.every((s) => typeof s === 'string' && s.length > 0)) throw new ClusterError('CLUSTER_UNREACHABLE', 'natsCluster: servers must be a url or a non-empty list of urls');
  // Refused here, not when the first run's consumers are made (a NATS error far from the cause).
  if (o.ackWaitMs !== undefined && !(Number.isInteger(o.ackWaitMs) && o.ackWaitMs > 0)) throw new NodeflowError('INVALID_ARGUMENT', `natsCluster: ackWaitMs must be a whole number of milliseconds > 0, got ${JSON.stringify(o.ackWaitMs)}`, { field: 'ackWaitMs' });
  if (o.replicas !== undefined && o.replicas !== 1 && o.replicas !== 3) throw new NodeflowError('INVALID_ARGUMENT', `natsCluster: replicas must be 1 or 3, got ${JSON.stringify(o.replicas)}`, { field: 'replicas' });
  return {
    async connect() {
      const [{ connect }] = await Promise.all([loadNats(), loadJetStream()]);
      let nc: NatsConnection;
      try {
        nc = await connect({ servers, name: 'nodeflow:cluster', noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
      } catch (error) {
        throw new ClusterError('CLUSTER_UNREACHABLE', `cannot reach NATS at ${servers.join(', ')}: ${errorMessage(error)}`);
      }
      return natsLink(nc, o.replicas ?? 1, o.ackWaitMs);
    },
  };
}

function natsLink(nc: NatsConnection, replicas: 1 | 3, ackWaitMs: number | undefined): ClusterLink {
  const errors = carrierErrors;
  // One manager for the link: jetstreamManager() asks the server for account info each time it
  // is made, and edgeInfo runs every sample (250 ms) for every crossing edge.
  let jsm: Promise<JetStreamManager> | undefined;
  const manager = () => (jsm ??= loadJetStream().then(({ jetstreamManager }) => jetstreamManager(nc)));
  // Carriers a part closes without waiting (a node's stop() cannot await): close() waits for
  // them, so a consumer end's naks leave before the connection does. Without this a worker that
  // left (SIGTERM) closed its connection first, and a replacement waited out ack_wait.
  const closing = new Set<Promise<void>>();
  const tracked = <T extends { close(): Promise<void> }>(carrier: T): T => {
    const close = carrier.close.bind(carrier);
    let once: Promise<void> | undefined;
    carrier.close = () => {
      if (once) return once;
      const p = (once = close().finally(() => closing.delete(p)));
      closing.add(p);
      return p;
    };
    return carrier;
  };
  return {
    async request(subject, data, timeoutMs) {
      try {
        return (await nc.request(subject, data, { timeout: timeoutMs })).data;
      } catch (error) {
        // "No responders" comes at once: nobody subscribes, which is not the same as a slow answer.
        const none = (error as { isNoResponders?: () => boolean }).isNoResponders?.() === true;
        throw new ClusterError('WORKER_UNAVAILABLE', none ? `no responders on ${subject}: nobody subscribes to it` : `no answer on ${subject} within ${timeoutMs} ms (${errorMessage(error)})`, undefined, { noResponders: none });
      }
    },
    publish: (subject, data) => nc.publish(subject, data),
    subscribe(subject, handler, options) {
      const sub = nc.subscribe(subject, { ...(options?.queue !== undefined ? { queue: options.queue } : {}), callback: (error, m) => void (error || handler(m.data, m.reply ? (d) => void m.respond(d) : undefined, m.subject)) });
      return () => sub.unsubscribe();
    },
    async ensureRun(run, edges) {
      await ensureRunStreams(nc, { run, edges: edges.map((e) => ({ ...e, ...(ackWaitMs !== undefined ? { ackWaitMs } : {}) })), replicas });
    },
    removeRun: (run) => removeRunStreams(nc, run),
    carriers: (run) => (edge, maxFrames) => {
      const c = jetStreamCarriers({ connection: nc, run, edge, maxFrames, onError: (e) => errors.next(e) });
      return { producer: () => tracked(c.producer()), consumer: () => tracked(c.consumer()) };
    },
    async edgeInfo(run, edge) {
      const names = runNames(run);
      try {
        const c = await (await manager()).consumers.info(names.stream, names.durable(edge));
        return { streamPending: c.num_pending, ackPending: c.num_ack_pending, redelivered: c.num_redelivered, waiting: c.num_waiting, ackFloor: c.ack_floor.stream_seq, delivered: c.delivered.stream_seq };
      } catch {
        jsm = undefined; // a manager that failed to come up is asked for again next time
        return undefined; // the run's streams are gone (it ended): no figures, not an error
      }
    },
    async close() {
      await Promise.all([...closing].map((p) => p.catch(() => undefined)));
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
