import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { NodeflowError, errorMessage } from '../../errors.js';
import { readPrefix } from './frame.js';
import type { ResolvedJetStreamOptions } from './options.js';
import { Waiters } from './waiters.js';

interface Item {
  readonly seq: number;
  readonly count: number;
  readonly data: Uint8Array;
  acked: boolean;
  /** When a publish of this batch first failed (the oldest unstored batch's decides the drop). */
  failedAt: number | undefined;
}

// Real timers and time, not the engine clock: they pace a real server's recovery, and a
// SimulatedClock that nobody advances would stall the retries against a server that is back.
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1000;

/**
 * The JetStream log's writer. `add` queues an encoded batch and publishes it at once while fewer
 * than `maxInFlight` await their PubAck (pipelined: one connection, the server takes them in
 * order). Each publish expects the stream's last sequence to be the one before it
 * (`Nats-Expected-Last-Sequence`), so a batch can be stored only right after its predecessor:
 * after a lost publish every later one is refused, and the stream never holds batches out of order.
 *
 * A failure (timeout, disconnect, refused) stops publishing; once every publish in flight has
 * answered, the stream's last message says how far the queue got (a batch stored whose PubAck
 * was lost counts as stored, never sent twice), and the rest is sent again, in order, with
 * backoff. A batch still unstored `retryMs` after its first failure is dropped with everything
 * queued: counted, one `LOG_WRITE_FAILED`. Memory is bounded by `maxPendingBytes`. @internal
 *
 * @example
 * ```ts
 * const p = new Publisher(js, jsm, options, lastStreamSeq);
 * p.add(1, 50, frameBytes);
 * await p.sync();
 * ```
 */
export class Publisher {
  readonly stats = { droppedBatches: 0, droppedMessages: 0, writeErrors: 0, retries: 0 };
  private queue: Item[] = [];
  private head = 0;
  private sentUpTo = 0; // queue index past the last published item
  private inFlight = 0;
  private bytes = 0;
  /** From a failed publish until the stream has been asked how far it got: nothing is published meanwhile. */
  private failing = false;
  private lastError: unknown;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = FIRST_RETRY_MS;
  private backlogReported = false;
  private closed = false;
  private readonly waiters = new Waiters();
  private preparing = false;
  /** What failed, as a drop after `retryMs` reports it. */
  private failedOp: 'publish' | 'manifest upgrade' = 'publish';

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly o: ResolvedJetStreamOptions,
    /** The stream's last sequence as this writer knows it: the next publish expects it. */
    public lastStreamSeq: number,
    /**
     * Run once before the first publish (a stream of an older format is marked this version):
     * nothing is published until it resolves. A failure is retried as a failed publish is, with
     * backoff, for `retryMs`; then what is queued is dropped and reported (`op: 'manifest
     * upgrade'`, as the file log says it), and the next batch tries again.
     */
    private prepare?: () => Promise<void>,
  ) {}

  /** Batches queued and not yet stored or dropped. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  add(seq: number, count: number, data: Uint8Array): void {
    if (this.bytes + data.length > this.o.maxPendingBytes) {
      this.stats.droppedBatches++;
      this.stats.droppedMessages += count;
      const error = writeFailed('append (backlog full: the server is slower than the recording, or away)', 'EBACKLOG', 1, count);
      this.waiters.refused(error);
      // One report per episode (until a batch is stored), not one per batch refused.
      if (!this.backlogReported) this.o.onError(error);
      this.backlogReported = true;
      return;
    }
    this.queue.push({ seq, count, data, acked: false, failedAt: undefined });
    this.bytes += data.length;
    this.waiters.appended(1);
    this.pump();
  }

  /** Resolves once every batch added so far is stored; rejects if one of them was dropped. */
  sync(): Promise<void> {
    return this.waiters.wait();
  }

  /** Resolves once nothing is queued (stored or dropped). */
  idle(): Promise<void> {
    return this.waiters.wait().catch(() => undefined);
  }

  /** Stops retrying and drops what is still queued (counted). */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.pending > 0) this.dropAll('close (the server did not store them before close)', 'ECLOSED');
  }

  private pump(): void {
    if (this.failing || this.closed) return;
    if (this.prepare !== undefined) return this.prepareFirst();
    while (!this.failing && !this.closed && this.inFlight < this.o.maxInFlight && this.head + this.sentUpTo < this.queue.length) {
      const item = this.queue[this.head + this.sentUpTo++]!;
      this.publish(item, this.lastStreamSeq + this.sentUpTo - 1);
    }
  }

  private prepareFirst(): void {
    if (this.preparing || this.closed) return;
    this.preparing = true;
    this.prepare!().then(
      () => {
        this.prepare = undefined;
        this.preparing = false;
        this.retryDelay = FIRST_RETRY_MS;
        this.pump();
      },
      (error: unknown) => {
        this.preparing = false;
        if (this.closed) return;
        // As a failed publish: the oldest batch's first failure starts the retryMs clock.
        const oldest = this.queue[this.head];
        if (oldest !== undefined) oldest.failedAt ??= Date.now();
        this.failedOp = 'manifest upgrade';
        this.failing = true;
        this.scheduleRecovery(error);
      },
    );
  }

  private publish(item: Item, expectLast: number): void {
    this.inFlight++;
    this.js.publish(this.o.subject, item.data, { expect: { lastSequence: expectLast }, timeout: this.o.publishTimeoutMs }).then(
      () => {
        this.inFlight--;
        item.acked = true;
        this.backlogReported = false;
        this.settle();
      },
      (error: unknown) => {
        this.inFlight--;
        this.failedOp = 'publish';
        this.failing = true;
        item.failedAt ??= Date.now();
        if (this.inFlight === 0) this.scheduleRecovery(error);
      },
    );
  }

  // Acks come in order on one connection; settling walks the acked prefix of the queue.
  private settle(): void {
    let n = 0;
    while (this.head < this.queue.length && this.queue[this.head]!.acked) this.shift(), n++;
    this.sentUpTo -= n;
    this.lastStreamSeq += n;
    this.waiters.settled(n, undefined);
    if (this.failing && this.inFlight === 0) this.scheduleRecovery(undefined);
    else this.pump();
  }

  private shift(): void {
    const item = this.queue[this.head]!;
    this.bytes -= item.data.length;
    this.queue[this.head++] = undefined as unknown as Item;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private scheduleRecovery(error: unknown): void {
    if (this.closed || this.retryTimer !== undefined) return;
    if (error !== undefined) this.lastError = error;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.recover();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
  }

  // Every publish has answered: ask the stream how far it got, then send the rest again.
  private async recover(): Promise<void> {
    if (this.closed || !this.failing) return;
    // Measured on the oldest batch not stored: a server that answers but refuses one batch for
    // good (recovering, then failing again) still ends in a drop, not in retries forever.
    const oldest = this.queue[this.head]?.failedAt;
    if (oldest !== undefined && Date.now() - oldest > this.o.retryMs) {
      this.dropAll(this.failedOp, this.lastError);
      this.failing = false;
      return;
    }
    try {
      const info = await this.jsm.streams.info(this.o.stream);
      const last = info.state.last_seq;
      let stored = 0;
      if (last > this.lastStreamSeq) {
        const m = await this.jsm.streams.getMessage(this.o.stream, { seq: last });
        const seq = m ? readPrefix(m.data, this.o.stream).seq : -1;
        // The chain of expectations makes what got stored a prefix of what was sent.
        for (let i = this.head; i < this.head + this.sentUpTo; i++) if (this.queue[i]!.seq <= seq) stored = i - this.head + 1;
      }
      if (this.closed) return;
      for (let i = 0; i < stored; i++) this.shift();
      this.waiters.settled(stored, undefined);
      this.stats.retries += this.sentUpTo - stored;
      this.sentUpTo = 0;
      this.lastStreamSeq = last;
      this.failing = false;
      if (stored > 0) this.retryDelay = FIRST_RETRY_MS;
      this.pump();
    } catch (error) {
      this.scheduleRecovery(error);
    }
  }

  private dropAll(op: string, cause: unknown): void {
    let messages = 0;
    const batches = this.pending;
    while (this.pending > 0) {
      messages += this.queue[this.head]!.count;
      this.shift();
    }
    this.sentUpTo = 0;
    this.stats.droppedBatches += batches;
    this.stats.droppedMessages += messages;
    this.stats.writeErrors++;
    const error = writeFailed(op, cause, batches, messages);
    this.waiters.settled(batches, error);
    this.o.onError(error);
  }
}

function writeFailed(op: string, cause: unknown, batches: number, messages: number): NodeflowError {
  const why = typeof cause === 'string' ? cause : errorMessage(cause);
  return new NodeflowError('LOG_WRITE_FAILED', `JetStream log ${op} failed (${why}): ${batches} batch(es), ${messages} message(s) dropped`, { op, cause: why, droppedBatches: batches, droppedMessages: messages });
}
