import type { EngineClock } from '../clock.js';
import type { Batch } from '../message.js';
import { NodeflowError } from '../errors.js';
import type { RecordingRef } from '../actors/debug/recording-ref.js';
import type { RecordedBatch, RecordLog } from './record-log.js';

/**
 * A stream whose batches come stamped with their recorded seq as they happen: what a replay
 * switches to once history is shown (replay-then-live). A {@link Recording} is one; a store that
 * can follow another process's appends could be one too.
 *
 * @example
 * ```ts
 * const off = recording.subscribe((b) => console.log(b.seq, b.messages.length));
 * off();
 * ```
 */
export interface LiveSource {
  /** The seq the next live batch starts at: where a replay of an empty log joins. */
  readonly nextSeq: number;
  /**
   * Called once per recorded batch, after the log's `append` returned; `ended` once when the
   * source stops for good (a replay-then-live then ends too, after what it holds). Returns the
   * unsubscribe.
   */
  subscribe(listener: (batch: RecordedBatch) => void, ended?: () => void): () => void;
}

/**
 * Counters of a {@link Recording}. `dropped` counts batches whose `append` threw (a closed log):
 * their messages are not in the log, and seq still moves past them (it is the stream's position).
 *
 * @example
 * ```ts
 * const { batches, messages, dropped } = recording.stats();
 * ```
 */
export interface RecordingStats {
  readonly batches: number;
  readonly messages: number;
  readonly dropped: number;
  readonly droppedMessages: number;
  /** The seq the next recorded message gets. */
  readonly nextSeq: number;
}

/**
 * One recorded stream: each batch taken at hand-off becomes one `append` (seq counted per
 * recorded stream, time from the engine's clock), then goes to live subscribers. Made by
 * `record()`; `stop()` detaches it (the log stays open: it is the caller's).
 *
 * @example
 * ```ts
 * const recording = record(engine, 'sensor:out->chart:in', log);
 * // ...
 * recording.stop();
 * console.log(recording.stats().messages);
 * ```
 */
export class Recording implements LiveSource {
  private seq: number;
  private batches = 0;
  private messages = 0;
  private dropped = 0;
  private droppedMessages = 0;
  private listeners: ReadonlyArray<(b: RecordedBatch) => void> = [];
  private enders = new Map<(b: RecordedBatch) => void, () => void>();
  private detach: (() => void) | undefined;
  /** The error of the first append that threw, if any. */
  lastError: unknown = undefined;

  /** @internal */
  constructor(
    readonly source: string,
    readonly log: RecordLog,
    private readonly clock: EngineClock,
    startSeq: number,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.seq = startSeq;
  }

  get nextSeq(): number {
    return this.seq;
  }

  /** Is it still recording? */
  get active(): boolean {
    return this.detach !== undefined;
  }

  /** Hooks the recording to its target; returns the tap to install. @internal */
  attach(detach: () => void): (batch: Batch) => void {
    this.detach = detach;
    return this.take;
  }

  /** One batch, at hand-off: one object and one append, nothing per message. */
  private readonly take = (batch: Batch): void => {
    const messages = batch.messages;
    const n = messages.length;
    if (n === 0) return;
    const rb: RecordedBatch = { seq: this.seq, at: this.clock.now(), messages };
    this.seq += n;
    try {
      this.log.append(rb);
      this.batches++;
      this.messages += n;
    } catch (error) {
      this.dropped++;
      this.droppedMessages += n;
      if (this.onError) this.onError(error);
      else if (this.lastError === undefined) console.warn(`[nodeflow] recording ${this.source}: the log refused a batch (${error instanceof Error ? error.message : String(error)}); refused batches are counted in stats().dropped`);
      if (this.lastError === undefined) this.lastError = error;
    }
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i]!(rb);
  };

  subscribe(listener: (batch: RecordedBatch) => void, ended?: () => void): () => void {
    if (!this.active) {
      ended?.();
      return () => {};
    }
    this.listeners = [...this.listeners, listener];
    if (ended) this.enders.set(listener, ended);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.enders.delete(listener);
    };
  }

  /**
   * A reference to this recording for a debug export: `dbg.exportDebugData({ recordings: [r.ref()] })`.
   * A log without `location()` cannot be referenced (`INVALID_ARGUMENT`).
   */
  ref(): RecordingRef {
    const store = this.log.location?.();
    if (!store) throw new NodeflowError('INVALID_ARGUMENT', `Recording ${this.source}: its log has no location() to refer to (use the file log, the JetStream store or a MemoryLog)`, { source: this.source });
    const b = this.log.bounds();
    return { source: this.source, store, held: b ? { firstSeq: b.first.seq, firstAt: b.first.at, lastSeq: b.lastSeq, lastAt: b.last.at } : null };
  }

  stats(): RecordingStats {
    return { batches: this.batches, messages: this.messages, dropped: this.dropped, droppedMessages: this.droppedMessages, nextSeq: this.seq };
  }

  /** Stops recording (idempotent); batches handed off after it are not recorded, and live subscribers are told it ended. */
  stop(): void {
    const d = this.detach;
    this.detach = undefined;
    d?.();
    const enders = [...this.enders.values()];
    this.enders.clear();
    this.listeners = [];
    for (const e of enders) e();
  }
}
