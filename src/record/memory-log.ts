import { ConfigError, NodeflowError, readOptions } from '../errors.js';
import type { RecordingStoreRef } from '../actors/debug/recording-ref.js';
import { AppendGate } from './append-gate.js';
import { checkReadFrom } from './read-from.js';
import type { LogBounds, ReadFrom, RecordedBatch, RecordLog } from './record-log.js';

/**
 * Retention of a {@link MemoryLog}: the oldest batches go once any limit is passed (checked at
 * each append). Without any limit the log grows with the recording: give one outside tests.
 *
 * @example
 * ```ts
 * const retention: MemoryRetention = { maxMessages: 100_000, maxAgeMs: 60_000 };
 * ```
 */
export interface MemoryRetention {
  readonly maxBatches?: number;
  readonly maxMessages?: number;
  /** Batches handed off more than this many ms before the newest one go. */
  readonly maxAgeMs?: number;
}

/**
 * A {@link RecordLog} held in memory: the store for tests and for short in-process histories
 * (a dashboard's last minute). Batches are kept as appended (no copy, no encoding), so an
 * append is a push; reads are by binary search on seq or time, and follow appends made while
 * they run until they reach the end.
 *
 * @example
 * ```ts
 * const log = new MemoryLog({ maxMessages: 10_000 });
 * log.append({ seq: 1, at: 0, messages: [msg] });
 * for await (const b of log.read({ seq: 1 })) console.log(b.seq, b.messages.length);
 * ```
 */
export class MemoryLog implements RecordLog {
  /** `{ kind: 'memory' }`: only this process can replay it. */
  location(): RecordingStoreRef {
    return { kind: 'memory' };
  }

  private batches: RecordedBatch[] = [];
  /** The largest `at` of each batch and every one before it, index for index with `batches`. */
  private maxAts: number[] = [];
  private readonly gate = new AppendGate('MemoryLog', undefined);
  /** Index in `batches` of the oldest kept batch (the array is compacted now and then, not per delete). */
  private head = 0;
  /** Batches deleted by retention since the log began: absolute index = deleted + (i - head). */
  private deleted = 0;
  private messages = 0;
  private closed = false;

  constructor(private readonly retention: MemoryRetention = {}) {
    const r = readOptions(retention, ['maxBatches', 'maxMessages', 'maxAgeMs']);
    for (const k of ['maxBatches', 'maxMessages', 'maxAgeMs'] as const) {
      const v = r[k];
      if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new ConfigError(k, 'a number > 0', v);
    }
  }

  append(batch: RecordedBatch): void {
    if (this.closed) throw new NodeflowError('INVALID_ARGUMENT', 'MemoryLog: append after close');
    // The same seq rule as the stores that encode (append-gate.ts). Nothing is encoded here, so
    // nothing is refused for what a batch holds, and nothing runs between enter and encoded.
    this.gate.enter(batch);
    this.gate.encoded();
    this.batches.push(batch);
    // Times are searched by their running maximum, as the file log and JetStream do: a clock
    // that stepped back leaves them unsorted, their maximum never is.
    this.maxAts.push(Math.max(this.maxAts[this.maxAts.length - 1] ?? -Infinity, batch.at));
    this.messages += batch.messages.length;
    this.retain(batch.at);
  }

  bounds(): LogBounds | undefined {
    if (this.head === this.batches.length) return undefined;
    const first = this.batches[this.head]!;
    const last = this.batches[this.batches.length - 1]!;
    const bounds = { first: { seq: first.seq, at: first.at }, last: { seq: last.seq, at: last.at }, lastSeq: last.seq + last.messages.length - 1 };
    const maxAt = this.maxAts[this.maxAts.length - 1]!;
    return maxAt > last.at ? { ...bounds, maxAt } : bounds;
  }

  read(from: ReadFrom): AsyncIterableIterator<RecordedBatch> {
    checkReadFrom(from, this.bounds());
    return this.follow(this.deleted + this.find(from) - this.head);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Batches and messages held now (what retention bounds). */
  get size(): { readonly batches: number; readonly messages: number } {
    return { batches: this.batches.length - this.head, messages: this.messages };
  }

  // Reads by absolute index, so retention deleting behind the reader does not shift it; a reader
  // that retention overtook gets OUT_OF_RANGE rather than a silent gap.
  private async *follow(abs: number): AsyncIterableIterator<RecordedBatch> {
    for (;;) {
      const i = abs - this.deleted + this.head;
      if (i < this.head) throw new NodeflowError('OUT_OF_RANGE', 'MemoryLog: retention deleted batches this read had not reached yet', { index: abs });
      if (i >= this.batches.length) return;
      abs++;
      yield this.batches[i]!;
    }
  }

  // First kept batch holding `seq`, or the first whose running time (the largest `at` so far)
  // reaches `at` (checkReadFrom made sure there is one).
  private find(from: ReadFrom): number {
    let lo = this.head;
    let hi = this.batches.length - 1;
    const bySeq = 'seq' in from;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.batches[mid]!;
      if (bySeq ? b.seq + b.messages.length - 1 < from.seq : this.maxAts[mid]! < from.at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private retain(now: number): void {
    const { maxBatches = Infinity, maxMessages = Infinity, maxAgeMs = Infinity } = this.retention;
    const b = this.batches;
    // The newest batch always stays: a log that holds nothing could not tell its next seq.
    while (b.length - this.head > 1 && (b.length - this.head > maxBatches || this.messages > maxMessages || now - b[this.head]!.at > maxAgeMs)) {
      this.messages -= b[this.head]!.messages.length;
      b[this.head++] = undefined as unknown as RecordedBatch; // the messages can be collected now
      this.deleted++;
    }
    if (this.head > 1024 && this.head * 2 > b.length) {
      this.batches = b.slice(this.head);
      this.maxAts = this.maxAts.slice(this.head);
      this.head = 0;
    }
  }
}
