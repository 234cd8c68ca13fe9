import type { StreamMessage } from '../message.js';
import type { RecordingStoreRef } from '../actors/debug/recording-ref.js';

/**
 * One recorded batch: the sequence number of its first message in the recorded stream (1, 2, ...
 * per stream: a batch of n messages at `seq` is followed by one at `seq + n`), the engine-clock
 * time it was handed off at, and its messages. Recording happens per batch, at hand-off, never
 * per message.
 *
 * @example
 * ```ts
 * const b: RecordedBatch = { seq: 1, at: Date.now(), messages: batch.messages };
 * ```
 */
export interface RecordedBatch {
  readonly seq: number;
  readonly at: number;
  readonly messages: readonly StreamMessage[];
}

/**
 * Where a read starts: at the batch holding message `seq`, or at the first batch handed off at or
 * after time `at` (every store takes the first batch where the largest `at` so far reaches it,
 * so a clock that stepped back cannot hide the batches after it).
 *
 * @example
 * ```ts
 * const from: ReadFrom = { at: Date.now() - 60_000 }; // the last minute
 * ```
 */
export type ReadFrom = { readonly seq: number } | { readonly at: number };

/**
 * What a log holds now (after retention): its first and last batch's seq and time.
 *
 * @example
 * ```ts
 * const b = log.bounds();
 * if (b) console.log(`seq ${b.first.seq}..${b.lastSeq}`);
 * ```
 */
export interface LogBounds {
  readonly first: { readonly seq: number; readonly at: number };
  readonly last: { readonly seq: number; readonly at: number };
  /** The seq of the last message held (`last.seq` + its batch's length - 1). */
  readonly lastSeq: number;
  /**
   * The largest `at` held, present only when a clock that stepped back left it above
   * `last.at`: a read from a time up to it starts where the times first reached it.
   */
  readonly maxAt?: number;
}

/**
 * A store of one recorded stream: the embedded segmented file log, or a JetStream stream with
 * Limits retention, behind the same interface. Appends return at once (the writing is off the
 * hot path); reads see what was appended, in order.
 *
 * @example
 * ```ts
 * log.append({ seq: 1, at: clock.now(), messages });
 * for await (const b of log.read({ seq: 1 })) show(b.messages);
 * ```
 */
export interface RecordLog {
  /**
   * Appends one batch. Its `seq` must follow the last one's (`NodeflowError` INVALID_ARGUMENT
   * otherwise). Returns at once; durability follows the log's sync policy. A write that fails
   * (a full disk) is a typed error event and a counted drop, never a throw here or a crash.
   */
  append(batch: RecordedBatch): void;
  /** What the log holds now, or `undefined` when it holds nothing. */
  bounds(): LogBounds | undefined;
  /**
   * The batches from `from` to the last one appended before the read reaches it, in order. A
   * start outside what the log holds is a typed `NodeflowError`, not an empty read.
   */
  read(from: ReadFrom): AsyncIterableIterator<RecordedBatch>;
  /** Resolves once everything appended so far is on durable storage. */
  sync(): Promise<void>;
  close(): Promise<void>;
  /**
   * Where the log is, as plain data a debug export can carry (`Recording.ref()`); a log without
   * it cannot be referenced.
   */
  location?(): RecordingStoreRef;
}
