import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER, checkFrame } from './frame.js';

const CHUNK = 1024 * 1024;

/**
 * Reads the frames of one segment file in order, from a byte offset up to `limit` (what the
 * writer has committed; the reader raises it as the active segment grows), a megabyte per read.
 * Each `next()` checks one frame's length and checksum and says where it lies in `buf`; the
 * caller decodes only the frames it keeps. Shared by recovery at open and by reads.
 *
 * @example
 * ```ts
 * const c = new FrameCursor(fh, 0, size);
 * for (let r = await c.next(); typeof r === 'number'; r = await c.next()) use(c.buf, c.at, r);
 * ```
 */
export class FrameCursor {
  buf: Buffer = Buffer.allocUnsafe(CHUNK);
  /** Offset in `buf` of the frame `next()` last returned. */
  at = 0;
  private start = 0;
  private filled = 0;
  /** File offset of `buf[0]`. */
  private base: number;

  constructor(
    private readonly fh: FileHandle,
    offset: number,
    public limit: number,
  ) {
    this.base = offset;
  }

  /** File offset of the frame `next()` last returned. */
  get fileOffset(): number {
    return this.base + this.at;
  }

  /** File offset where the next frame starts. */
  get position(): number {
    return this.base + this.start;
  }

  /**
   * The next frame's total length, `end` at `limit`, or why the bytes there are not a frame:
   * `short` (the file or limit ends inside it: torn), `length` or `checksum` (damaged).
   */
  async next(): Promise<number | 'end' | 'short' | 'length' | 'checksum'> {
    for (;;) {
      const r = checkFrame(this.buf, this.start, this.filled);
      if (typeof r === 'number') {
        this.at = this.start;
        this.start += r;
        return r;
      }
      if (r !== 'short') return r;
      if (this.base + this.filled >= this.limit) return this.start === this.filled ? 'end' : 'short';
      if (!(await this.refill())) return 'short';
    }
  }

  /** Moves the unread tail to the front, grows `buf` for a frame larger than it, reads more. */
  private async refill(): Promise<boolean> {
    const tail = this.filled - this.start;
    const need = tail >= FRAME_HEADER ? FRAME_HEADER + this.buf.readUInt32LE(this.start) : CHUNK;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, this.start, this.filled);
      this.buf = grown;
    } else this.buf.copyWithin(0, this.start, this.filled);
    this.base += this.start;
    this.start = 0;
    this.filled = tail;
    const want = Math.min(this.buf.length - tail, this.limit - this.base - tail);
    const { bytesRead } = await this.fh.read(this.buf, tail, want, this.base + tail);
    this.filled += bytesRead;
    return bytesRead > 0;
  }
}
