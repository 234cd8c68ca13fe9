import * as fs from 'node:fs/promises';
import type { NodeflowError } from '../../errors.js';
import { FrameCursor } from './cursor.js';
import { frameFields } from './frame.js';
import { logErrors } from './log-errors.js';
import { newSegment, noteFrame, type Segment } from './segment.js';

/**
 * Rebuilds the in-memory index of a log at open by reading every frame of every segment and
 * checking it; the index is not stored, so there is no second file to keep consistent with the
 * segments after a crash. The first frame that is not whole and sound ends the log: a torn tail
 * (the file ends inside a frame), a bad length or checksum, a seq that goes backwards, or a
 * segment whose first frame is not the seq it is named by. The log is cut there: the segment
 * truncated at that frame, later segments deleted, one `LOG_CORRUPT` reported. What follows a
 * bad frame is never replayed, because after it nothing proves the frames are the ones written
 * (and a log with a hole would break "seq follows"). Seq gaps going forward are kept: they are
 * batches a failed write dropped (counted and reported when it happened).
 *
 * @example
 * ```ts
 * const segments = await recoverSegments('/data/rec', [1, 40001], (e) => console.warn(e.message));
 * ```
 */
export async function recoverSegments(dir: string, bases: readonly number[], report: (e: NodeflowError) => void): Promise<Segment[]> {
  const segments: Segment[] = [];
  let maxAt = -Infinity;
  let expect = 0;
  for (let i = 0; i < bases.length; i++) {
    const seg = newSegment(dir, bases[i]!, maxAt);
    const fh = await fs.open(seg.path, 'r');
    let size = 0;
    let bad: string | undefined;
    try {
      size = (await fh.stat()).size;
      const cursor = new FrameCursor(fh, 0, size);
      for (;;) {
        const r = await cursor.next();
        if (r === 'end') break;
        if (typeof r !== 'number') {
          bad = r === 'short' ? 'torn' : `bad ${r}`;
          break;
        }
        const f = frameFields(cursor.buf, cursor.at);
        if (seg.bytes === 0 && f.seq !== seg.baseSeq) bad = 'misnamed (first seq differs from the name)';
        else if (f.seq < expect || f.count < 1 || !Number.isSafeInteger(f.seq)) bad = 'out-of-sequence';
        if (bad) break;
        noteFrame(seg, cursor.fileOffset, f.seq, f.at, f.count, r);
        expect = f.seq + f.count;
      }
    } finally {
      await fh.close();
    }
    if (bad !== undefined) {
      const later = bases.slice(i + 1);
      await cut(seg, later.map((b) => newSegment(dir, b).path));
      report(logErrors.corrupt(seg.path, seg.bytes, bad, size - seg.bytes, later.length));
      if (seg.bytes > 0) segments.push(seg);
      break;
    }
    // An empty file is a segment created just before a crash: nothing in it was lost.
    if (seg.bytes === 0) await fs.unlink(seg.path);
    else {
      segments.push(seg);
      maxAt = seg.maxAt;
    }
  }
  return segments;
}

/** Truncates `seg` after its last good frame (or deletes it if none) and deletes `later`. */
async function cut(seg: Segment, later: readonly string[]): Promise<void> {
  if (seg.bytes > 0) await fs.truncate(seg.path, seg.bytes);
  else await fs.unlink(seg.path);
  for (const p of later) await fs.unlink(p);
}
