import type { EngineClock } from '../../clock.js';
import type { NodeflowError } from '../../errors.js';
import type { LogFs } from './fs-layer.js';
import { logErrors } from './log-errors.js';
import { newSegment, noteFrame, type Segment } from './segment.js';
import { SyncState } from './sync-state.js';
import { Syncer } from './syncer.js';
import { PendingFrames } from './pending.js';
import type { WriteStage } from './write-stage.js';
import type { StreamMessage } from '../../message.js';

/**
 * What the writer needs to know and to tell. @internal
 *
 * @example
 * ```ts
 * new LogWriter({ ...options, dir, segments, report: onError, onCommit: enforceRetention });
 * ```
 */
export interface WriterConfig {
  readonly dir: string;
  readonly segmentBytes: number;
  readonly maxPendingBytes: number;
  readonly sync: { readonly everyBatches: number; readonly everyMs: number } | 'none';
  readonly clock: EngineClock;
  readonly fs: LogFs;
  /** Seals and writes the frames (a worker thread by default). */
  readonly stage: WriteStage;
  /** The log's segments, oldest first: the writer appends to the last and adds new ones. */
  readonly segments: Segment[];
  readonly report: (e: NodeflowError) => void;
  /** After frames were committed or a segment rolled: retention runs here. */
  readonly onCommit: () => void;
  /** Runs once before the first write (a log of an older format is marked as this one); a failure drops that write's batches, and the next write tries again. */
  readonly prepare?: () => Promise<void>;
}

/**
 * The file log's writer. `append` encodes a batch into a pending buffer and returns; one pump,
 * started on the next turn (`setImmediate`), writes the pending buffer in one positional write
 * per segment it touches while appends fill the other buffer, and syncs per the policy beside
 * the writes (a sync, and a full segment's sync and close, never hold a write up). A
 * failed write drops the batches of that write (counted, one `LOG_WRITE_FAILED`), and the
 * next write starts at the same offset again: later appends work as soon as the disk has room.
 *
 * @example
 * ```ts
 * const w = new LogWriter(config);
 * w.append(1, Date.now(), messages);
 * await w.sync();
 * ```
 */
export class LogWriter {
  readonly stats = { droppedBatches: 0, droppedMessages: 0, writeErrors: 0 };
  private pending = new PendingFrames();
  private spare = new PendingFrames();
  private readonly syncs: SyncState;
  private fd: number | undefined;
  private active: Segment | undefined;
  private pump: Promise<void> | undefined;
  /** Syncs, and full segments' syncs and closes, beside the writes. */
  private readonly syncer: Syncer;
  private kicked = false;
  private again = false;
  private backlogReported = false;
  private prepared: boolean;

  constructor(private readonly c: WriterConfig) {
    this.syncs = new SyncState(c.sync, c.clock, () => this.kick());
    this.syncer = new Syncer({
      fs: c.fs,
      syncs: this.syncs,
      failed: (e) => {
        this.stats.writeErrors++;
        c.report(e);
      },
      rolled: () => c.onCommit(),
      ended: () => this.kick(),
    });
    this.prepared = c.prepare === undefined;
    const last = c.segments.at(-1);
    if (last && last.bytes < c.segmentBytes) this.active = last;
  }

  /** Opens the last segment for writing, if it has room (at open, before any append). */
  async resume(): Promise<void> {
    if (this.active) this.fd = await this.c.fs.open(this.active.path, 'r+');
  }

  /** Encodes and queues one batch (dropped and reported when the backlog is full). */
  append(seq: number, at: number, messages: readonly StreamMessage[]): void {
    if (!this.pending.add(seq, at, messages, this.c.maxPendingBytes)) {
      this.stats.droppedBatches++;
      this.stats.droppedMessages += messages.length;
      // One report per episode (until a write succeeds), not one per batch refused.
      if (this.backlogReported) return;
      this.backlogReported = true;
      this.c.report(logErrors.writeFailed('append (backlog full: the disk is slower than the recording)', 'EBACKLOG', 1, messages.length));
      return;
    }
    this.syncs.appended(1);
    this.kick();
  }

  /** Resolves once every batch appended so far is written (or dropped); true if any was pending. */
  flushed(): Promise<boolean> {
    if (this.syncs.settled()) return Promise.resolve(false);
    this.c.stage.hurry();
    this.kick();
    return this.syncs.whenWritten().then(() => true);
  }

  /** Resolves once everything appended so far is durable; rejects if some of it was dropped, or an fdatasync failed that no caller was told of. */
  sync(): Promise<void> {
    const p = this.syncs.request();
    if (!this.syncs.settled()) this.c.stage.hurry();
    this.kick();
    return p;
  }

  /** Writes and syncs everything, then closes the file. */
  async close(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.pump;
    await this.syncer.settled();
    this.syncs.dispose();
    const fd = this.fd;
    // Cleared first: nothing may use the number once it is closed (the next open reuses it).
    this.fd = undefined;
    if (fd !== undefined) await this.c.fs.close(fd).catch((e) => this.c.report(logErrors.writeFailed('close', e, 0, 0)));
    this.c.stage.release();
  }

  private kick(): void {
    // A kick while the pump runs is remembered: the pump may be past its last check already.
    if (this.pump) this.again = true;
    if (this.pump || this.kicked) return;
    this.kicked = true;
    // Next turn, not now: the batches appended in this turn go out in one write.
    setImmediate(() => {
      this.kicked = false;
      this.pump ??= this.run().finally(() => {
        this.pump = undefined;
        if (this.again) this.kick();
      });
    });
  }

  private async run(): Promise<void> {
    for (;;) {
      this.again = false;
      // First, beside what is written next: appends that never stop must not starve the syncs.
      if (!this.syncer.busy && this.syncs.due()) this.syncer.start(this.fd);
      if (this.pending.length > 0) await this.writeOut();
      else return;
    }
  }

  private async writeOut(): Promise<void> {
    const p = this.pending;
    this.pending = this.spare;
    this.spare = p;
    if (!this.prepared) {
      try {
        await this.c.prepare!();
        this.prepared = true;
      } catch (e) {
        return this.dropRest(p, 0, e, 'manifest upgrade');
      }
    }
    let i = 0;
    while (i < p.count) {
      const seg = await this.segmentFor(p.seq(i));
      if (!seg) return this.dropRest(p, i, undefined);
      // The frames from i that fit in this segment (at least one in an empty segment).
      let j = i;
      while (j < p.count && (seg.bytes === 0 && j === i ? true : seg.bytes + p.end(j) - p.start(i) <= this.c.segmentBytes)) j++;
      if (j === i) {
        await this.roll();
        continue;
      }
      // A flush or sync waits for this write: the worker is woken for it, not left to its poll.
      if (this.syncs.waiting()) this.c.stage.hurry();
      try {
        await this.c.stage.write(this.fd!, p.buf, p.start(i), p.end(j - 1) - p.start(i), seg.bytes);
      } catch (e) {
        // Positional writes: the next write lands at seg.bytes again, over whatever part made it.
        await this.c.fs.ftruncate(this.fd!, seg.bytes).catch(() => undefined);
        // A segment is named by its first seq: one whose first frames were dropped goes.
        if (seg.bytes === 0) await this.abandon(seg);
        return this.dropRest(p, i, e);
      }
      const shift = seg.bytes - p.start(i);
      for (let k = i; k < j; k++) noteFrame(seg, p.start(k) + shift, p.seq(k), p.at(k), p.msgs(k), p.end(k) - p.start(k));
      this.syncs.written(j - i);
      this.backlogReported = false;
      i = j;
      this.c.onCommit();
    }
    p.clear();
  }

  private dropRest(p: PendingFrames, from: number, cause: unknown, action = 'write'): void {
    let messages = 0;
    for (let k = from; k < p.count; k++) messages += p.msgs(k);
    const batches = p.count - from;
    p.clear();
    this.syncs.written(batches);
    this.drop(batches, messages, logErrors.writeFailed(action, cause, batches, messages));
  }

  private drop(batches: number, messages: number, error: NodeflowError): void {
    this.stats.droppedBatches += batches;
    this.stats.droppedMessages += messages;
    this.stats.writeErrors++;
    this.syncs.failed(error);
    this.c.report(error);
  }

  /** The active segment, a new one named by `seq` if there is none; undefined if it cannot be created. */
  private async segmentFor(seq: number): Promise<Segment | undefined> {
    if (this.active) return this.active;
    const seg = newSegment(this.c.dir, seq, this.c.segments.at(-1)?.maxAt);
    try {
      this.fd = await this.c.fs.open(seg.path, 'w+');
      await this.c.fs.syncDir(this.c.dir);
    } catch (e) {
      if (this.fd !== undefined) await this.c.fs.close(this.fd).catch(() => undefined);
      this.fd = undefined;
      return undefined;
    }
    this.active = seg;
    this.c.segments.push(seg);
    return seg;
  }

  /** Removes the empty active segment (its name would announce a seq it never got). */
  private async abandon(seg: Segment): Promise<void> {
    const fd = this.fd!;
    this.fd = undefined;
    this.active = undefined;
    const k = this.c.segments.indexOf(seg);
    if (k >= 0) this.c.segments.splice(k, 1);
    // No sync holds this file: a sync takes the active file when it starts, between writeOuts,
    // and this one was opened in this writeOut.
    await this.c.fs.close(fd).catch(() => undefined);
    await this.c.fs.unlink(seg.path).catch(() => undefined);
  }

  /**
   * Ends the active segment: synced (whatever the policy: once per segment) and closed beside
   * the writes (syncer.ts); the next frames go to a new segment at once.
   */
  private async roll(): Promise<void> {
    const fd = this.fd!;
    this.fd = undefined;
    this.active = undefined;
    await this.syncer.roll(fd);
  }
}
