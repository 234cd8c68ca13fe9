/**
 * One line of a file, without its newline, and its 1-based number; `oversized` when it was
 * longer than the limit (its bytes were not kept: `bytes` is empty).
 *
 * @example
 * ```ts
 * const l: Line = { bytes: Buffer.from('{"t":1}'), line: 3, oversized: false };
 * ```
 * @internal
 */
export interface Line {
  readonly bytes: Buffer;
  readonly line: number;
  readonly oversized: boolean;
}

/**
 * Splits chunks of a file into lines. A line longer than `maxLineBytes` is not kept: its bytes
 * are skipped up to its newline and it comes out once, `oversized`, so a file with no newline
 * at all costs `maxLineBytes` of memory, not its size. A `\r` before the newline is dropped.
 *
 * @example
 * ```ts
 * const s = new LineSplitter(1 << 20);
 * s.push(Buffer.from('a\nb')); // [{ bytes: 'a', line: 1 }]
 * s.end(); // [{ bytes: 'b', line: 2 }]
 * ```
 * @internal
 */
export class LineSplitter {
  private partial: Buffer[] = [];
  private partialSize = 0;
  private skipping = false;
  private line = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** The lines a chunk completes (a trailing partial line waits for the next chunk). */
  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.keep(chunk.subarray(start, nl));
      out.push(this.take());
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
    return out;
  }

  /** The last line, if the file does not end with a newline. */
  end(): Line[] {
    return this.partialSize > 0 || this.skipping ? [this.take()] : [];
  }

  private keep(bytes: Buffer): void {
    if (this.skipping) return;
    if (this.partialSize + bytes.length > this.maxLineBytes) {
      this.skipping = true;
      this.partial = [];
      this.partialSize = 0;
      return;
    }
    // Copy: the caller reuses its read buffer.
    this.partial.push(Buffer.from(bytes));
    this.partialSize += bytes.length;
  }

  private take(): Line {
    this.line++;
    const oversized = this.skipping;
    let bytes = this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    this.partial = [];
    this.partialSize = 0;
    this.skipping = false;
    return { bytes, line: this.line, oversized };
  }
}
