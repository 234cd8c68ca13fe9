import type { StreamMessage } from '../../message.js';
import type { BodyArea } from '../body/body-codec.js';
import type { NarrowLayout } from '../body/narrow-columns.js';
import { BODY_FIXED, FRAME_HEADER, planFrame, writeFrame, writeNarrowFrame } from './frame.js';

const INITIAL = 256 * 1024;
/** A buffer grown past this by a burst goes back to INITIAL once written (bounded memory). */
const KEEP = 4 * 1024 * 1024;
/** The same for the frame numbers (five per frame). */
const KEEP_FRAMES = 16 * 1024;

/** Shared memory, so the write stage's worker seals and writes the same bytes without a copy. */
function area(bytes: number): BodyArea {
  const sab = new SharedArrayBuffer(bytes);
  return { bytes: Buffer.from(sab), f64: new Float64Array(sab), i32: new Int32Array(sab) };
}

/**
 * Encoded frames waiting for their write: one byte buffer (frames back to back, exactly as they
 * go to disk, unsealed) and five numbers per frame (seq, at, message count, start, end) in one
 * reused array, so an append allocates nothing per message. @internal
 *
 * @example
 * ```ts
 * const p = new PendingFrames();
 * p.add(1, Date.now(), messages, 64 << 20);
 * ```
 */
export class PendingFrames {
  private area: BodyArea = area(INITIAL);
  /** Bytes of frames in `buf`. */
  length = 0;
  /** Frames in `buf`. */
  count = 0;
  /** Five numbers per frame in a typed array grown by doubling: a plain array emptied by `length = 0` gave its storage back and regrew it after every write. */
  private meta = new Float64Array(5 * 512);
  /** The one-pass writer's layout guess for this buffer's stream (body/narrow-columns.ts). */
  private readonly layout: NarrowLayout = { constTimes: true };

  get buf(): Buffer {
    return this.area.bytes;
  }

  /** Adds a frame; false (nothing added) when it would take the buffer past `maxBytes`. */
  add(seq: number, at: number, messages: readonly StreamMessage[], maxBytes: number): boolean {
    // One pass for what a live stream mostly sends; anything else is planned and written again.
    const narrow = writeNarrowFrame(this.area, this.length, this.area.bytes.length - this.length - FRAME_HEADER - BODY_FIXED, seq, at, messages, this.layout);
    if (narrow >= 0) return this.added(seq, at, messages.length, narrow);
    const plan = planFrame(messages);
    const need = this.length + plan.bytes;
    if (need > this.area.bytes.length) {
      if (need > maxBytes) return false;
      const grown = area(Math.min(maxBytes + 8, Math.max(need, this.area.bytes.length * 2) + 7) & ~7);
      this.area.bytes.copy(grown.bytes, 0, 0, this.length);
      this.area = grown;
    }
    return this.added(seq, at, messages.length, writeFrame(this.area, this.length, seq, at, messages, plan));
  }

  private added(seq: number, at: number, count: number, end: number): true {
    const k = this.count * 5;
    if (k + 5 > this.meta.length) {
      const grown = new Float64Array(this.meta.length * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    const meta = this.meta;
    meta[k] = seq;
    meta[k + 1] = at;
    meta[k + 2] = count;
    meta[k + 3] = this.length;
    meta[k + 4] = end;
    this.length = end;
    this.count++;
    return true;
  }

  seq(i: number): number {
    return this.meta[i * 5]!;
  }
  at(i: number): number {
    return this.meta[i * 5 + 1]!;
  }
  msgs(i: number): number {
    return this.meta[i * 5 + 2]!;
  }
  start(i: number): number {
    return this.meta[i * 5 + 3]!;
  }
  end(i: number): number {
    return this.meta[i * 5 + 4]!;
  }

  clear(): void {
    this.length = 0;
    this.count = 0;
    if (this.area.bytes.length > KEEP) this.area = area(INITIAL);
    if (this.meta.length > KEEP_FRAMES * 5) this.meta = new Float64Array(5 * 512);
  }
}
