import * as path from 'node:path';
import type { RecordingStoreRef } from '../../actors/debug/recording-ref.js';
import { NodeflowError } from '../../errors.js';
import { AppendGate } from '../append-gate.js';
import type { LogBounds, ReadFrom, RecordLog, RecordedBatch } from '../record-log.js';
import { logErrors, type HeldRange } from './log-errors.js';
import { FORMAT_VERSION, prepareFolder, upgradeManifest } from './manifest.js';
import { writeStage } from './write-stage.js';
import { resolveOptions, type FileLogOptions, type ResolvedOptions } from './options.js';
import { readSegments, type ReadSource } from './reader.js';
import { recoverSegments } from './recover.js';
import { segmentsPastRetention } from './retention.js';
import type { Segment } from './segment.js';
import { LogWriter } from './writer.js';

/**
 * Counters of a file log: what it holds and what it lost.
 *
 * @example
 * ```ts
 * const { droppedMessages } = log.stats();
 * ```
 */
export interface FileLogStats {
  readonly segments: number;
  readonly bytes: number;
  readonly messages: number;
  /** Batches and messages lost to failed writes or a full backlog. */
  readonly droppedBatches: number;
  readonly droppedMessages: number;
  readonly writeErrors: number;
  /** Segments deleted by retention since open. */
  readonly trimmedSegments: number;
}

/**
 * The embedded recording store: a `RecordLog` in a folder, plus its counters.
 *
 * @example
 * ```ts
 * const log: FileLog = await openFileLog('/data/rec');
 * console.log(log.dir, log.stats().bytes);
 * ```
 */
export interface FileLog extends RecordLog {
  readonly dir: string;
  stats(): FileLogStats;
  /** `{ kind: 'file', dir }`, the folder as an absolute path. */
  location(): RecordingStoreRef;
}

/**
 * Opens the segmented append-only log in `dir`, creating the folder (and its manifest) if it is
 * missing or empty. Every segment is read and checked at open, which rebuilds the index; a torn
 * or damaged frame is reported (`LOG_CORRUPT` to `onError`) and the log cut there. Rejects with
 * `NOT_A_LOG` for a folder holding something else and `LOG_VERSION` for a newer format.
 * Format, sync policy and crash behaviour: docs/recording.md, "The file log".
 *
 * @example
 * ```ts
 * const log = await openFileLog('./recordings/sensor', { retention: { maxAgeMs: 3_600_000 } });
 * log.append({ seq: 1, at: Date.now(), messages });
 * await log.close();
 * ```
 */
export async function openFileLog(dir: string, options?: FileLogOptions): Promise<FileLog> {
  if (typeof dir !== 'string' || dir === '') throw new NodeflowError('INVALID_ARGUMENT', 'openFileLog needs a folder path (a non-empty string)', { dir });
  const o = resolveOptions(options);
  // Two handles on one folder in one process would both append the same seqs and one write
  // would cover the other: refused (other processes are not detected: no lock file).
  const key = path.resolve(dir);
  if (openHere.has(key)) throw new NodeflowError('INVALID_ARGUMENT', `openFileLog: ${key} is already open in this process; share its FileLog (a replay of it can use the same handle)`, { dir: key });
  openHere.add(key);
  try {
    return await openChecked(dir, o);
  } catch (e) {
    openHere.delete(key);
    throw e;
  }
}

/** Folders with an open FileLog in this process (resolved paths). */
const openHere = new Set<string>();

async function openChecked(dir: string, o: ResolvedOptions): Promise<FileLog> {
  const { bases, version } = await prepareFolder(dir);
  const segments = await recoverSegments(dir, bases, o.onError);
  const log = new FileLogImpl(dir, o, segments, version < FORMAT_VERSION);
  try {
    await log.start();
  } catch (e) {
    await log.close().catch(() => undefined);
    throw e;
  }
  return log;
}

class FileLogImpl implements FileLog, ReadSource {
  trimmedBase = 0;
  private trimmed = 0;
  private readonly writer: LogWriter;
  private first: { seq: number; at: number } | undefined;
  /** The last batch's seq and time, as numbers: an object per append cost the hot path an allocation. */
  private lastSeq = NaN;
  private lastAt = NaN;
  private maxAt = -Infinity;
  private closing: Promise<void> | undefined;
  /** The seq rule of `append`: the next seq, refusals that skip, re-entry (append-gate.ts). */
  private readonly gate: AppendGate;
  private readonly deleting = new Set<Promise<void>>();

  constructor(
    readonly dir: string,
    private readonly o: ResolvedOptions,
    readonly segments: Segment[],
    olderFormat: boolean,
  ) {
    const stage = writeStage(o.writeStage, o.fs);
    // A log of an older format is marked as this one before its first write, not at open: one
    // opened only to be read (a debug replay) stays readable by the code that wrote it.
    const prepare = olderFormat ? () => upgradeManifest(dir) : undefined;
    this.writer = new LogWriter({ ...o, dir, segments, stage, prepare, report: o.onError, onCommit: () => this.enforceRetention() });
    const tail = segments.at(-1);
    this.gate = new AppendGate(`file log ${dir}`, tail && tail.lastSeq + 1);
    if (tail) {
      this.first = { seq: segments[0]!.baseSeq, at: segments[0]!.firstAt };
      this.maxAt = tail.maxAt;
      this.lastSeq = tail.lastFrameSeq;
      this.lastAt = tail.lastAt;
    }
  }

  async start(): Promise<void> {
    this.enforceRetention();
    await this.writer.resume();
  }

  append(batch: RecordedBatch): void {
    if (this.closing) throw new NodeflowError('INVALID_ARGUMENT', `file log ${this.dir} is closed`, { dir: this.dir });
    const { seq, at, messages } = batch;
    // Encoded straight into the pending buffer; the gate keeps the seqs (append-gate.ts).
    this.gate.enter(batch);
    try {
      this.writer.append(seq, at, messages);
    } catch (e) {
      this.gate.refused(batch, e);
    }
    this.gate.encoded();
    this.first ??= { seq, at };
    this.lastSeq = seq;
    this.lastAt = at;
    if (at > this.maxAt) this.maxAt = at;
  }

  location(): RecordingStoreRef {
    return { kind: 'file', dir: path.resolve(this.dir) };
  }

  bounds(): LogBounds | undefined {
    const next = this.gate.next;
    if (!this.first || next === undefined) return undefined;
    const s = this.segments[0];
    const first = s && s.bytes > 0 ? { seq: s.baseSeq, at: s.firstAt } : this.first;
    const bounds = { first, last: { seq: this.lastSeq, at: this.lastAt }, lastSeq: next - 1 };
    return this.maxAt > this.lastAt ? { ...bounds, maxAt: this.maxAt } : bounds;
  }

  held(): HeldRange | undefined {
    const b = this.bounds();
    return b && { firstSeq: b.first.seq, lastSeq: b.lastSeq, firstAt: b.first.at, lastAt: this.maxAt };
  }

  read(from: ReadFrom): AsyncIterableIterator<RecordedBatch> {
    const seq = (from as { seq?: unknown } | null)?.seq;
    const at = (from as { at?: unknown } | null)?.at;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    // The same rule as every store (read-from.ts): a seq is an integer >= 1, a time finite.
    const okSeq = ok(seq) && Number.isInteger(seq) && (seq as number) >= 1;
    if (okSeq === ok(at) || (seq !== undefined && !okSeq)) throw new NodeflowError('INVALID_ARGUMENT', `A read starts at { seq } (an integer >= 1) or { at } (a finite time), got ${JSON.stringify(from)}`, { field: 'from', from });
    const b = this.bounds();
    if (!b) throw logErrors.outOfRange(from, undefined);
    const outside = ok(seq)
      ? (seq as number) < b.first.seq || (seq as number) > b.lastSeq
      : (at as number) > this.maxAt || ((at as number) < b.first.at && this.trimmed > 0);
    if (outside) throw logErrors.outOfRange(from, this.held());
    return readSegments(this, ok(seq) ? { seq: seq as number } : { at: at as number });
  }

  flushed(): Promise<boolean> {
    return this.writer.flushed();
  }

  /** Everything appended is durable, and the segments retention let go are deleted. */
  async sync(): Promise<void> {
    await this.writer.sync();
    await Promise.all(this.deleting);
  }

  close(): Promise<void> {
    this.closing ??= this.writer
      .close()
      .then(() => Promise.all(this.deleting))
      .then(() => undefined)
      .finally(() => openHere.delete(path.resolve(this.dir)));
    return this.closing;
  }

  stats(): FileLogStats {
    let bytes = 0;
    let messages = 0;
    for (const s of this.segments) {
      bytes += s.bytes;
      messages += s.messages;
    }
    return { segments: this.segments.length, bytes, messages, ...this.writer.stats, trimmedSegments: this.trimmed };
  }

  /** Deletes the oldest segments past retention: out of the index at once, off the disk next. */
  private enforceRetention(): void {
    const n = segmentsPastRetention(this.segments, this.o.retention, this.o.clock.now());
    if (n === 0) return;
    for (const s of this.segments.splice(0, n)) {
      this.trimmedBase = s.baseSeq;
      this.trimmed++;
      const gone = this.o.fs.unlink(s.path).catch((e: unknown) => this.o.onError(logErrors.writeFailed('delete (retention)', e, 0, 0)));
      // sync() and close() wait for these: after them the folder is within retention.
      this.deleting.add(gone);
      void gone.finally(() => this.deleting.delete(gone));
    }
  }
}
