import * as path from 'node:path';

/**
 * Bytes of frames between two entries of a segment's sparse index.
 *
 * @example
 * ```ts
 * const entries = Math.ceil(seg.bytes / INDEX_EVERY);
 * ```
 */
export const INDEX_EVERY = 64 * 1024;

/**
 * One segment file of the log and its in-memory index. The file is named by the seq of its first
 * batch; it holds whole frames only, `bytes` of them once written (what a reader may read). The
 * sparse index keeps one entry per `INDEX_EVERY` bytes of frames (and the first frame): seq,
 * the running maximum of `at` up to that frame, and the byte offset, so a seek reads at most
 * about 64 KiB of frames it then skips. Memory: three numbers per 64 KiB of log.
 *
 * @example
 * ```ts
 * const seg = newSegment('/data/rec', 1);
 * noteFrame(seg, 0, 1, 1000, 50, 4100, 1000);
 * ```
 */
export interface Segment {
  readonly baseSeq: number;
  readonly path: string;
  bytes: number;
  messages: number;
  /** Time of the first batch; `NaN` while the segment is empty. */
  firstAt: number;
  /** Time of the last batch, and the highest `at` of the log up to here. */
  lastAt: number;
  maxAt: number;
  /** Seq of the last message held (the last batch's seq + its count - 1). */
  lastSeq: number;
  /** Seq of the last batch (its first message). */
  lastFrameSeq: number;
  readonly idxSeq: number[];
  readonly idxAt: number[];
  readonly idxOff: number[];
}

/**
 * The file name of the segment starting at `baseSeq`: 20 digits, so names sort as seqs.
 *
 * @example
 * ```ts
 * segmentName(1); // '00000000000000000001.seg'
 * ```
 */
export const segmentName = (baseSeq: number): string => `${String(baseSeq).padStart(20, '0')}.seg`;

/**
 * The base seq a segment file name announces, or `undefined` for any other file.
 *
 * @example
 * ```ts
 * parseSegmentName('00000000000000000051.seg'); // 51
 * ```
 */
export function parseSegmentName(name: string): number | undefined {
  const m = /^(\d{20})\.seg$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * An empty segment for `baseSeq` in `dir`; `maxAtBefore` carries the log's running max time.
 *
 * @example
 * ```ts
 * const seg = newSegment('/data/rec', 4001, previous.maxAt);
 * ```
 */
export function newSegment(dir: string, baseSeq: number, maxAtBefore = -Infinity): Segment {
  return {
    baseSeq,
    path: path.join(dir, segmentName(baseSeq)),
    bytes: 0,
    messages: 0,
    firstAt: NaN,
    lastAt: NaN,
    maxAt: maxAtBefore,
    lastSeq: baseSeq - 1,
    lastFrameSeq: NaN,
    idxSeq: [],
    idxAt: [],
    idxOff: [],
  };
}

/**
 * Records a frame written at `offset` (the segment's end) in the segment's counters and index.
 *
 * @example
 * ```ts
 * noteFrame(seg, seg.bytes, 51, 1000, 50, 6100);
 * ```
 */
export function noteFrame(seg: Segment, offset: number, seq: number, at: number, count: number, length: number): void {
  if (seg.bytes === 0) seg.firstAt = at;
  seg.maxAt = Math.max(seg.maxAt, at);
  const n = seg.idxOff.length;
  if (n === 0 || offset - seg.idxOff[n - 1]! >= INDEX_EVERY) {
    seg.idxSeq.push(seq);
    seg.idxAt.push(seg.maxAt);
    seg.idxOff.push(offset);
  }
  seg.bytes = offset + length;
  seg.messages += count;
  seg.lastAt = at;
  seg.lastSeq = seq + count - 1;
  seg.lastFrameSeq = seq;
}

/**
 * Where to start reading `seg` for a batch holding `seq` (or the first batch whose running time
 * reaches `at`): the offset of the last index entry before it, and the running time as of the
 * frame there (the entry's own: it counts the segments before, so a maximum in a segment that
 * retention deleted still counts). The reader skips the frames before the one it wants.
 *
 * @example
 * ```ts
 * const { offset, maxAt } = seekStart(seg, 'seq', 15_005);
 * ```
 */
export function seekStart(seg: Segment, by: 'seq' | 'at', value: number): { offset: number; maxAt: number } {
  const keys = by === 'seq' ? seg.idxSeq : seg.idxAt;
  // The last entry with key < value (seq: <= value): binary search over a sorted array.
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (by === 'seq' ? keys[mid]! <= value : keys[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  // From the first frame when no entry is before the start: its entry's time is the segment's
  // running time as of that frame (at least what the segments before reached).
  const k = Math.max(0, lo - 1);
  return { offset: lo === 0 ? 0 : seg.idxOff[k]!, maxAt: seg.idxAt[k] ?? -Infinity };
}
