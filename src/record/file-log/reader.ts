import * as fs from 'node:fs/promises';
import type { StreamMessage } from '../../message.js';
import type { ReadFrom, RecordedBatch } from '../record-log.js';
import { FrameCursor } from './cursor.js';
import { frameFields, frameMessages } from './frame.js';
import { logErrors, type HeldRange } from './log-errors.js';
import { seekStart, type Segment } from './segment.js';

/**
 * What a read needs of its log. @internal
 *
 * @example
 * ```ts
 * readSegments(fileLog satisfies ReadSource, { seq: 1 });
 * ```
 */
export interface ReadSource {
  /** The segments, oldest first (retention removes from the front, the writer adds at the end). */
  readonly segments: readonly Segment[];
  /** The highest base seq retention has deleted (0: none yet). */
  readonly trimmedBase: number;
  /** Resolves once what was appended is written; false if nothing was waiting. */
  flushed(): Promise<boolean>;
  held(): HeldRange | undefined;
}

/**
 * Reads batches from `from` on, in order: the segment holding the start found in memory (by
 * base seq, or by the running maximum of `at`), its sparse index gives an offset at most 64 KiB
 * before the start, the frames before the start are checked and skipped undecoded. At the end
 * of what is written, the read waits for what was appended meanwhile to be written and goes on;
 * it ends when nothing more is waiting. A frame found damaged now (after open) or a segment
 * deleted by retention before the read reached it ends the read with a typed error.
 *
 * @example
 * ```ts
 * for await (const b of readSegments(source, { seq: 1 })) show(b.messages);
 * ```
 */
export async function* readSegments(src: ReadSource, from: ReadFrom): AsyncGenerator<RecordedBatch, void, undefined> {
  const bySeq = 'seq' in from;
  const target = bySeq ? from.seq : from.at;
  let seg = await locate(src, bySeq, target, from);
  if (!seg) return;
  let { offset, maxAt } = seekStart(seg, bySeq ? 'seq' : 'at', target);
  let skipping = true;
  for (;;) {
    const fh = await fs.open(seg.path, 'r').catch(() => {
      throw logErrors.outOfRange(from, src.held()); // deleted by retention before the read got to it
    });
    try {
      const cursor = new FrameCursor(fh, offset, seg.bytes);
      for (;;) {
        cursor.limit = seg.bytes;
        const r = await cursor.next();
        if (typeof r === 'number') {
          const f = frameFields(cursor.buf, cursor.at);
          maxAt = Math.max(maxAt, f.at);
          if (skipping && (bySeq ? f.seq + f.count - 1 < target : maxAt < target)) continue;
          skipping = false;
          yield { seq: f.seq, at: f.at, messages: decoded(cursor.buf, cursor.at, r, seg.path, cursor.fileOffset) };
          continue;
        }
        if (r !== 'end') throw logErrors.corrupt(seg.path, cursor.position, r === 'short' ? 'truncated' : `bad ${r}`, 0, 0);
        if (seg !== src.segments.at(-1) || seg.bytes > cursor.position) {
          if (seg.bytes > cursor.position) continue;
          break;
        }
        if (!(await src.flushed()) && seg.bytes === cursor.position && seg === src.segments.at(-1)) return;
      }
    } finally {
      await fh.close();
    }
    seg = nextSegment(src, seg, from);
    offset = 0;
  }
}

/** The segment holding the start, waiting for pending appends to be written if needed. */
async function locate(src: ReadSource, bySeq: boolean, target: number, from: ReadFrom): Promise<Segment | undefined> {
  for (;;) {
    const segs = src.segments;
    if (segs.length > 0 && bySeq && target < segs[0]!.baseSeq) throw logErrors.outOfRange(from, src.held());
    for (let i = segs.length - 1; bySeq && i >= 0; i--) {
      if (segs[i]!.baseSeq <= target) {
        if (target <= segs[i]!.lastSeq) return segs[i];
        break;
      }
    }
    if (!bySeq) {
      // Segments are in time order by their running maximum: the first that reaches `at`.
      const hit = segs.find((s) => s.bytes > 0 && s.maxAt >= target);
      if (hit) return hit;
    }
    if (!(await src.flushed())) return undefined;
  }
}

function nextSegment(src: ReadSource, seg: Segment, from: ReadFrom): Segment {
  if (src.trimmedBase > seg.baseSeq) throw logErrors.outOfRange(from, src.held());
  const next = src.segments.find((s) => s.baseSeq > seg.baseSeq);
  if (!next) throw logErrors.outOfRange(from, src.held());
  return next;
}

/**
 * The messages of a frame whose checksum held: a body that still does not decode (a shape no
 * writer makes: a newer writer's bug, or bytes damaged before their checksum was taken) is
 * `LOG_CORRUPT` naming where, like any damaged frame, never the decoder's RangeError.
 */
function decoded(buf: Buffer, at: number, length: number, segment: string, fileOffset: number): StreamMessage[] {
  try {
    return frameMessages(buf, at, length);
  } catch (e) {
    throw logErrors.corrupt(segment, fileOffset, `a body that does not decode (${(e as Error).message})`, 0, 0);
  }
}
