import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import { loadJetStream } from '../../io/nats/nats-connection.js';
import { checkInt, runNames, type RunNames } from './names.js';

const STREAM_NOT_FOUND = 10059;
const MS = 1_000_000; // nanoseconds per millisecond: JetStream durations are nanoseconds
/**
 * Default `ack_wait` of an edge's consumer (ms): beyond the default retry span of a local connection.
 *
 * @example
 * ```ts
 * await ensureRunStreams(nc, { run: 'r', edges: [{ edge: 'e', maxFrames: 4, ackWaitMs: 2 * DEFAULT_ACK_WAIT_MS }] });
 * ```
 */
export const DEFAULT_ACK_WAIT_MS = 30_000;
// A retried publish lands inside this window from the first copy: the producer retries for as
// long as the server is unreachable, and two minutes covers a restart with room to spare. A
// longer outage can store a second copy, which the consumer end drops by frame seq.
const DUPLICATE_WINDOW_MS = 120_000;
const DEAD_LETTER_LIMIT = 100_000;

/**
 * One edge of a run: its name (a subject token) and `maxFrames`, the frames it may hold on the
 * server (`ceil(bufferSize / maxBatchSize)` of its StreamConfig).
 *
 * @example
 * ```ts
 * const e: RunEdge = { edge: 'a-b', maxFrames: 20 };
 * ```
 */
export interface RunEdge {
  readonly edge: string;
  readonly maxFrames: number;
  /** The consumer's `ack_wait`; default 30 s. */
  readonly ackWaitMs?: number;
}

/**
 * Options of `ensureRunStreams`.
 *
 * @example
 * ```ts
 * const o: RunStreamsOptions = { run: 'r1', edges: [{ edge: 'a-b', maxFrames: 20 }], replicas: 3 };
 * ```
 */
export interface RunStreamsOptions {
  readonly run: string;
  readonly edges: readonly RunEdge[];
  readonly replicas?: 1 | 3;
  /** Dead letters kept for the run (oldest dropped beyond it); default 100 000. */
  readonly deadLetterLimit?: number;
}

/**
 * Creates (or widens) a run's JetStream set-up: the WorkQueue stream `nodeflow_<run>` on
 * `nodeflow.<run>.>` bounded per subject by message counts (`discard: new` per subject), the
 * dead-letter stream `nodeflow_dl_<run>`, and one durable pull consumer per edge. Idempotent:
 * a second call with more or larger edges raises the per-subject bound, never lowers it.
 *
 * @example
 * ```ts
 * await ensureRunStreams(nc, { run: 'r1', edges: [{ edge: 'a-b', maxFrames: 20, ackWaitMs: 30_000 }] });
 * ```
 */
export async function ensureRunStreams(nc: NatsConnection, options: RunStreamsOptions): Promise<RunNames> {
  const names = runNames(options.run);
  const replicas = options.replicas ?? 1;
  if (replicas !== 1 && replicas !== 3) checkInt('replicas', replicas, 1, 1); // throws: 1 or 3
  const deadLetterLimit = checkInt('deadLetterLimit', options.deadLetterLimit ?? DEAD_LETTER_LIMIT, 1, 1e9);
  let largest = 1;
  for (const e of options.edges) {
    names.subject(e.edge);
    largest = Math.max(largest, checkInt('maxFrames', e.maxFrames, 1, 1_000_000));
    checkInt('ackWaitMs', e.ackWaitMs ?? DEFAULT_ACK_WAIT_MS, 100, 86_400_000);
  }
  const { jetstreamManager, RetentionPolicy, DiscardPolicy, StorageType, AckPolicy, DeliverPolicy } = await loadJetStream();
  const jsm = await jetstreamManager(nc);
  const existing = await streamLimit(jsm, names.stream);
  const config = {
    name: names.stream,
    subjects: [`nodeflow.${names.run}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: replicas,
    // The server can only bound per subject stream-wide: the largest edge's bound is the
    // backstop, and each producer end caps its own edge at its maxFrames.
    max_msgs_per_subject: Math.max(largest, existing ?? 0),
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    duplicate_window: DUPLICATE_WINDOW_MS * MS,
    allow_direct: true,
  };
  if (existing === undefined) await jsm.streams.add(config);
  else if (existing < largest) await jsm.streams.update(names.stream, config);
  await jsm.streams
    .add({ name: names.deadLetterStream, subjects: [`nodeflow.dl.${names.run}.>`], retention: RetentionPolicy.Limits, storage: StorageType.File, num_replicas: replicas, max_msgs: deadLetterLimit, discard: DiscardPolicy.Old, duplicate_window: DUPLICATE_WINDOW_MS * MS })
    .catch(async (error: unknown) => {
      // Exists with another limit (a second call): keep it as it is.
      if ((await streamLimit(jsm, names.deadLetterStream)) === undefined) throw error;
    });
  for (const e of options.edges) {
    const cfg = {
      durable_name: names.durable(e.edge),
      filter_subject: names.subject(e.edge),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: e.maxFrames,
      ack_wait: (e.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * MS,
      num_replicas: replicas,
    };
    try {
      await jsm.consumers.add(names.stream, cfg);
    } catch {
      // The durable exists with other limits: update what may change.
      await jsm.consumers.update(names.stream, cfg.durable_name, { max_ack_pending: cfg.max_ack_pending, ack_wait: cfg.ack_wait });
    }
  }
  return names;
}

/**
 * Deletes a run's streams (and so its consumers). Missing streams are not an error.
 *
 * @example
 * ```ts
 * await removeRunStreams(nc, 'r1');
 * ```
 */
export async function removeRunStreams(nc: NatsConnection, run: string): Promise<void> {
  const names = runNames(run);
  const { jetstreamManager } = await loadJetStream();
  const jsm = await jetstreamManager(nc);
  for (const stream of [names.stream, names.deadLetterStream]) {
    await jsm.streams.delete(stream).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== STREAM_NOT_FOUND) throw error;
    });
  }
}

// The stream's per-subject bound, or undefined when it does not exist.
async function streamLimit(jsm: JetStreamManager, stream: string): Promise<number | undefined> {
  try {
    return (await jsm.streams.info(stream)).config.max_msgs_per_subject;
  } catch (error) {
    if ((error as { code?: unknown }).code === STREAM_NOT_FOUND) return undefined;
    throw error;
  }
}
