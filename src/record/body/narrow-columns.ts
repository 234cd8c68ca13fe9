import type { StreamMessage } from '../../message.js';
import { DATA_I32, ID_SEQ, LITTLE_ENDIAN, TS_CONST, TS_I32, headWords, pad8, routing, type BodyArea } from './body-codec.js';
import { headFor } from './body-head.js';

// The columns body of the batches a live stream mostly sends (sequential ids, one time or small
// offsets from the first, small-integer data), written in ONE pass straight into the area: no
// plan pass, no scratch columns, no plan object. Any message that does not fit (another type, a
// -0, a gap in the ids, routing that differs) gives up, and the caller writes the batch the
// general way (planColumns, writeColumns), over whatever this pass left. The bytes are exactly
// the general writer's for the same shape, so the reader is the same (body-codec.ts).

/**
 * The layout a writer tries first, kept per writer (a file log's pending buffer), not per
 * process: a stream's batches mostly repeat their kind of time, and two recordings that differ
 * must not flip one shared guess at every batch. @internal
 *
 * @example
 * ```ts
 * const layout: NarrowLayout = { constTimes: true };
 * ```
 */
export interface NarrowLayout {
  /** The last batch had one time: lay the next out with no time column. */
  constTimes: boolean;
}

/**
 * Writes `messages` as a narrow columns body at `off` (8-aligned) when they fit it and `room`
 * bytes suffice; returns the end (8-aligned), or -1 (nothing promised about the bytes written).
 * @internal
 *
 * @example
 * ```ts
 * let end = writeNarrowColumns(area, off, room, messages, layout);
 * if (end < 0) end = writeColumns(area, off, planColumns(messages)!, messages);
 * ```
 */
export function writeNarrowColumns(area: BodyArea, off: number, room: number, messages: readonly StreamMessage[], layout: NarrowLayout): number {
  const n = messages.length;
  const m0 = messages[0];
  if (m0 === undefined || !LITTLE_ENDIAN || (off & 7) !== 0) return -1;
  const s = m0.sourceNodeId;
  const t = m0.targetNodeId;
  const p = m0.port;
  const id0 = m0.id;
  const t0 = m0.timestamp;
  if (typeof id0 !== 'number' || typeof t0 !== 'number' || Object.is(t0, -0)) return -1;
  if (!routing(s) || !routing(t) || !routing(p)) return -1;
  const head = headFor(s, t, p);
  const col = pad8(4 * n);
  const constTimes = layout.constTimes;
  if (head.length + 16 + (constTimes ? col : 2 * col) > room) return -1;
  const i32 = area.i32;
  const tsK = (off + head.length + 16) >> 2;
  let tsConst = true;
  let end: number;
  if (constTimes) {
    // Laid out for one time (the last batch had one): no time column, nothing stored per time.
    // A time that differs gives up; the next batch is laid out for offsets.
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      if (!fits(m, i, s, t, p, id0)) return -1;
      // A time that is not a number, or -0, is not t0 (t0 is a number, not -0).
      const ts = m.timestamp;
      if (ts !== t0 || Object.is(ts, -0)) {
        // This batch goes the general way; the next is laid out for offsets.
        layout.constTimes = false;
        return -1;
      }
      i32[tsK + i] = m.data as number;
    }
    // The padding word is zeroed: the buffer is reused, and a frame must not carry an earlier one's bytes.
    if (n & 1) i32[tsK + n] = 0;
    end = (tsK << 2) + col;
  } else {
    const dataK = tsK + (col >> 2);
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      if (!fits(m, i, s, t, p, id0)) return -1;
      const ts = m.timestamp;
      if (typeof ts !== 'number') return -1;
      const dt = ts - t0;
      if ((dt | 0) !== dt || t0 + dt !== ts || Object.is(ts, -0)) return -1;
      if (dt !== 0) tsConst = false;
      i32[tsK + i] = dt;
      i32[dataK + i] = m.data as number;
    }
    if (n & 1) i32[tsK + n] = i32[dataK + n] = 0;
    end = (dataK << 2) + col;
    if (tsConst) {
      // Every time was t0 after all: the data moves up over the zero offsets.
      i32.copyWithin(tsK, dataK, dataK + (col >> 2));
      end = (tsK << 2) + col;
      layout.constTimes = true;
    }
  }
  const k = off >> 2;
  const words = headWords(head);
  for (let w = 0; w < words.length; w++) i32[k + w] = words[w]!;
  i32[k + 1] = ID_SEQ | (tsConst ? TS_CONST : TS_I32) | DATA_I32;
  area.f64[(off + head.length) >> 3] = id0;
  area.f64[(off + head.length + 8) >> 3] = t0;
  return end;
}

/**
 * What both layouts ask of message `i`, as the general planner does (planColumns), in plain
 * comparisons: the batch's routing, no priority or key, the id run (an id that is not a number
 * is never id0 + i; -0 breaks it), and data a 32-bit integer (not -0). Small: the JIT inlines it.
 */
function fits(m: StreamMessage, i: number, s: unknown, t: unknown, p: unknown, id0: number): boolean {
  const id = m.id;
  const d = m.data;
  if (typeof d !== 'number' || m.sourceNodeId !== s || m.targetNodeId !== t || m.port !== p || m.priority !== undefined || m.key !== undefined) return false;
  if (i > 0 && (id !== id0 + i || Object.is(id, -0))) return false;
  return (d | 0) === d && !Object.is(d, -0);
}
