import { frameCapacity, writeFrame } from './frame.js';

const INITIAL = 256 * 1024;
/** A buffer grown past this by a burst goes back to INITIAL once written (bounded memory). */
const KEEP = 4 * 1024 * 1024;

/**
 * Encoded frames waiting for their write: one byte buffer (frames back to back, exactly as they
 * go to disk) and five numbers per frame (seq, at, message count, start, end) in one reused
 * array, so an append allocates nothing but its JSON string. @internal
 *
 * @example
 * ```ts
 * const p = new PendingFrames();
 * p.add(1, Date.now(), 2, '[1,2]', 64 << 20);
 * ```
 */
export class PendingFrames {
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  /** Bytes of frames in `buf`. */
  length = 0;
  /** Frames in `buf`. */
  count = 0;
  private readonly meta: number[] = [];

  /** Adds a frame; false (nothing added) when it would take the buffer past `maxBytes`. */
  add(seq: number, at: number, messages: number, json: string, maxBytes: number): boolean {
    const need = this.length + frameCapacity(json);
    if (need > this.buf.length) {
      if (need > maxBytes) return false;
      const grown = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(need, this.buf.length * 2)));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    const end = writeFrame(this.buf, this.length, seq, at, messages, json);
    this.meta.push(seq, at, messages, this.length, end);
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
    this.meta.length = 0;
    if (this.buf.length > KEEP) this.buf = Buffer.allocUnsafe(INITIAL);
  }
}
