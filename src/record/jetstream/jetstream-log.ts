import type { RecordingStoreRef } from '../../actors/debug/recording-ref.js';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { NodeflowError, errorMessage } from '../../errors.js';
import { AppendGate } from '../append-gate.js';
import { checkReadFrom } from '../read-from.js';
import type { LogBounds, ReadFrom, RecordLog, RecordedBatch } from '../record-log.js';
import { encodeFrame } from './frame.js';
import { snapshot as readSnapshot, type StreamSnapshot } from './locate.js';
import { resolveJetStreamOptions, type JetStreamLogOptions, type ResolvedJetStreamOptions } from './options.js';
import { loadJs, loadNatsCore } from './peers.js';
import { Publisher } from './publisher.js';
import { readStream, type StreamSource } from './reader.js';
import { VERSION, ensureStream, markStream } from './stream.js';

/** nats-server's default max_payload, for the moment before the connection has the server's INFO. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * Counters of a JetStream log: what the stream held at the last refresh, what is on its way,
 * and what was lost.
 *
 * @example
 * ```ts
 * const { pending, droppedMessages } = log.stats();
 * ```
 */
export interface JetStreamLogStats {
  /** Batches (stream messages) and bytes the stream held at the last refresh (open, sync, read). */
  readonly batches: number;
  readonly bytes: number;
  /** Batches appended and not yet stored. */
  readonly pending: number;
  /** Batches and messages lost: a full backlog, or publishes that failed for `retryMs`. */
  readonly droppedBatches: number;
  readonly droppedMessages: number;
  readonly writeErrors: number;
  /** Batches published again after a failed or unanswered publish. */
  readonly retries: number;
}

/**
 * The JetStream recording store: a `RecordLog` in a stream, plus its names, counters and a
 * `refresh()` that asks the server what retention has left.
 *
 * @example
 * ```ts
 * const log: JetStreamLog = await openJetStreamLog({ servers: 'nats://127.0.0.1:4222', stream: 'sensor' });
 * console.log(log.stream, log.stats().batches);
 * ```
 */
export interface JetStreamLog extends RecordLog {
  readonly stream: string;
  readonly subject: string;
  stats(): JetStreamLogStats;
  /** Reads the stream's first and last batch from the server; `bounds()` gives the result after. */
  refresh(): Promise<LogBounds | undefined>;
  /** `{ kind: 'jetstream', stream, subject }`, for a debug export (`Recording.ref()`). */
  location(): RecordingStoreRef;
}

/**
 * Opens the record log kept in the JetStream stream `options.stream` (created with Limits
 * retention, discard old, if missing; an existing one must be a record log: `NOT_A_LOG`,
 * `LOG_VERSION`), on the connection given or on one opened from `servers` (closed at `close()`).
 * One stream message per batch. A reopened stream goes on from its last batch's seq.
 * Rejects with `INVALID_CONFIG` for a bad option, `MISSING_DEPENDENCY` without the nats.js
 * packages, `CONNECTION_FAILED` when the server cannot be reached. See docs/recording.md,
 * "The JetStream store".
 *
 * @example
 * ```ts
 * const log = await openJetStreamLog({ servers: 'nats://127.0.0.1:4222', stream: 'sensor', retention: { maxAgeMs: 3_600_000 } });
 * log.append({ seq: 1, at: Date.now(), messages });
 * await log.close();
 * ```
 */
export async function openJetStreamLog(options: JetStreamLogOptions): Promise<JetStreamLog> {
  const o = resolveJetStreamOptions(options);
  const { jetstream, jetstreamManager } = await loadJs();
  let nc: NatsConnection;
  if ('connection' in o.source) nc = o.source.connection;
  else {
    const { connect } = await loadNatsCore();
    try {
      nc = await connect({ servers: [...o.source.servers], noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: `nodeflow:record:${o.stream}` });
    } catch (e) {
      throw new NodeflowError('CONNECTION_FAILED', `openJetStreamLog: cannot connect to ${o.source.servers.join(', ')}: ${errorMessage(e)}`, { servers: o.source.servers, cause: e });
    }
  }
  const owned = !('connection' in o.source);
  try {
    const jsm = await jetstreamManager(nc, { timeout: o.publishTimeoutMs });
    const version = await ensureStream(jsm, o);
    const snap = await readSnapshot(jsm, o.stream);
    // An older stream is marked this version before the first publish, not now: one opened only
    // to be read stays readable by the code that wrote it.
    const mark = version < VERSION ? () => markStream(jsm, o.stream) : undefined;
    return new JetStreamLogImpl(o, nc, owned, jetstream(nc, { timeout: o.publishTimeoutMs }), jsm, snap, mark);
  } catch (e) {
    if (owned) await nc.close().catch(() => undefined);
    if (e instanceof NodeflowError) throw e;
    throw new NodeflowError('CONNECTION_FAILED', `openJetStreamLog: stream ${o.stream}: ${errorMessage(e)}`, { stream: o.stream, cause: e });
  }
}

class JetStreamLogImpl implements JetStreamLog, StreamSource {
  readonly stream: string;
  readonly subject: string;
  readonly readBatches: number;
  private readonly publisher: Publisher;
  private first: { seq: number; at: number } | undefined;
  private last: { seq: number; at: number } | undefined;
  private maxAt: number;
  private held = { batches: 0, bytes: 0 };
  private closing: Promise<void> | undefined;
  /** The seq rule of `append`: the next seq, refusals that skip, re-entry (append-gate.ts). */
  private readonly gate: AppendGate;

  constructor(
    private readonly o: ResolvedJetStreamOptions,
    private readonly nc: NatsConnection,
    private readonly owned: boolean,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    snap: StreamSnapshot,
    mark: (() => Promise<void>) | undefined,
  ) {
    this.stream = o.stream;
    this.subject = o.subject;
    this.readBatches = o.readBatches;
    this.publisher = new Publisher(js, jsm, o, snap.lastStreamSeq, mark);
    this.maxAt = snap.lastMaxAt;
    this.take(snap);
    this.gate = new AppendGate(`JetStream log ${o.stream}`, snap.bounds && snap.bounds.lastSeq + 1);
    if (snap.bounds) this.last = snap.bounds.last;
  }

  append(batch: RecordedBatch): void {
    if (this.closing) throw new NodeflowError('INVALID_ARGUMENT', `JetStream log ${this.stream} is closed`, { stream: this.stream });
    const { seq, at, messages } = batch;
    const maxAt = Math.max(this.maxAt, at);
    // Encoded here, published by the publisher; the gate keeps the seqs (append-gate.ts).
    this.gate.enter(batch);
    let data: Uint8Array;
    try {
      data = encodeFrame(batch, maxAt);
      // A batch the server would refuse at any retry is refused here, where the recorder counts it.
      const max = this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
      if (data.length > max) throw new NodeflowError('INVALID_ARGUMENT', `a recorded batch of ${data.length} bytes is larger than the server's max_payload (${max})`, { seq, bytes: data.length, max });
    } catch (e) {
      this.gate.refused(batch, e);
    }
    this.gate.encoded();
    this.publisher.add(seq, messages.length, data);
    this.maxAt = maxAt;
    this.first ??= { seq, at };
    this.last = { seq, at };
  }

  location(): RecordingStoreRef {
    return { kind: 'jetstream', stream: this.stream, subject: this.subject };
  }

  bounds(): LogBounds | undefined {
    const next = this.gate.next;
    if (!this.first || !this.last || next === undefined) return undefined;
    const bounds = { first: this.first, last: this.last, lastSeq: next - 1 };
    return this.maxAt > this.last.at ? { ...bounds, maxAt: this.maxAt } : bounds;
  }

  read(from: ReadFrom): AsyncIterableIterator<RecordedBatch> {
    if (this.closing) throw new NodeflowError('INVALID_ARGUMENT', `JetStream log ${this.stream} is closed`, { stream: this.stream });
    checkReadFrom(from, this.bounds()); // at once, as the other stores; checked again against the server
    return readStream(this, from);
  }

  async sync(): Promise<void> {
    try {
      await this.publisher.sync();
    } finally {
      await this.refresh().catch(() => undefined); // bounds after retention; what was stored is settled either way
    }
  }

  async refresh(): Promise<LogBounds | undefined> {
    await this.snapshot();
    return this.bounds();
  }

  async snapshot(): Promise<StreamSnapshot> {
    return this.take(await readSnapshot(this.jsm, this.stream));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  stats(): JetStreamLogStats {
    return { ...this.held, pending: this.publisher.pending, ...this.publisher.stats };
  }

  pendingAppends(): number {
    return this.publisher.pending;
  }

  idle(): Promise<void> {
    return this.publisher.idle();
  }

  storedUpTo(): number {
    return this.publisher.lastStreamSeq;
  }

  /** Takes the server's view of the front (what retention left) and of what the stream holds; the back stays the log's own. */
  private take(snap: StreamSnapshot): StreamSnapshot {
    this.held = { batches: snap.batches, bytes: snap.bytes };
    const b = snap.bounds;
    if (b) this.first = b.first;
    else if (this.publisher.pending === 0) this.first = undefined; // retention (age) emptied the stream
    return snap;
  }

  private async shutdown(): Promise<void> {
    // Up to one publish timeout for what is on its way; what is left then is dropped (counted).
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.publisher.idle(), new Promise((r) => (timer = setTimeout(r, this.o.publishTimeoutMs)))]);
    clearTimeout(timer);
    this.publisher.close();
    if (this.owned) await this.nc.close().catch(() => undefined);
  }
}
