import type { JetStreamManager } from '@nats-io/jetstream';
import type { LogBounds, ReadFrom } from '../record-log.js';
import { readPrefix, type FramePrefix } from './frame.js';

/**
 * What the stream holds, read from the server: its bounds as a `RecordLog` names them, and the
 * stream sequences they lie at. @internal
 *
 * @example
 * ```ts
 * const s: StreamSnapshot = await snapshot(jsm, 'rec');
 * ```
 */
export interface StreamSnapshot {
  readonly bounds: LogBounds | undefined;
  readonly firstStreamSeq: number;
  readonly lastStreamSeq: number;
  /** The last batch's running maximum of `at` (what the next batch's continues from). */
  readonly lastMaxAt: number;
  readonly batches: number;
  readonly bytes: number;
}

/**
 * The stream's state and its first and last batch's prefixes (two message gets). Retried when
 * retention deletes the first message between the two questions. @internal
 *
 * @example
 * ```ts
 * const { bounds } = await snapshot(jsm, 'rec');
 * ```
 */
export async function snapshot(jsm: JetStreamManager, stream: string): Promise<StreamSnapshot> {
  for (let attempt = 0; ; attempt++) {
    const { state } = await jsm.streams.info(stream);
    const empty = { bounds: undefined, firstStreamSeq: state.last_seq + 1, lastStreamSeq: state.last_seq, lastMaxAt: -Infinity, batches: 0, bytes: 0 };
    if (state.messages === 0) return empty;
    const first = await prefixAt(jsm, stream, state.first_seq);
    const last = await prefixAt(jsm, stream, state.last_seq);
    if (!first || !last) {
      if (attempt < 5) continue;
      return empty;
    }
    return {
      bounds: { first: { seq: first.seq, at: first.at }, last: { seq: last.seq, at: last.at }, lastSeq: last.seq + last.count - 1, ...(last.maxAt > last.at ? { maxAt: last.maxAt } : {}) },
      firstStreamSeq: state.first_seq,
      lastStreamSeq: state.last_seq,
      lastMaxAt: last.maxAt,
      batches: state.messages,
      bytes: state.bytes,
    };
  }
}

/**
 * The prefix of the batch at stream sequence `seq`, or `undefined` if the stream no longer
 * holds it. @internal
 *
 * @example
 * ```ts
 * const p = await prefixAt(jsm, 'rec', 1);
 * ```
 */
export async function prefixAt(jsm: JetStreamManager, stream: string, seq: number): Promise<FramePrefix | undefined> {
  const m = await jsm.streams.getMessage(stream, { seq }).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 10037 || /no message found/i.test(String((e as Error).message))) return null;
    throw e;
  });
  return m ? readPrefix(m.data, stream) : undefined;
}

/**
 * The stream sequence a read from `from` starts at, by binary search between `lo` and `hi`
 * with one message get (`STREAM.MSG.GET`) per step, decoding its prefix only: the first batch whose last message is at or past `from.seq`,
 * or whose running maximum of `at` reaches `from.at`. Both keys never decrease along the stream
 * (the writer keeps batches in order), so about log2(batches) reads: 20 for a million batches.
 * A message deleted by retention during the search counts as before the start. @internal
 *
 * @example
 * ```ts
 * const streamSeq = await findStart(jsm, 'rec', { seq: 1234 }, s.firstStreamSeq, s.lastStreamSeq);
 * ```
 */
export async function findStart(jsm: JetStreamManager, stream: string, from: ReadFrom, lo: number, hi: number): Promise<number> {
  const bySeq = 'seq' in from;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const p = await prefixAt(jsm, stream, mid);
    if (!p || (bySeq ? p.seq + p.count - 1 < from.seq : p.maxAt < from.at)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
