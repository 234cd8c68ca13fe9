import { createWriteStream, fsync, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/**
 * An append-only file as `file out` writes it: opened once (its size read for rotation), each
 * write resolving once the stream flushed it (and, with `sync`, once fsync returned), every
 * failure a rejection the caller turns into a typed error. A failed stream is not reused.
 *
 * @example
 * ```ts
 * const f = await AppendFile.open('out.ndjson');
 * await f.write('{"t":1}\n', false);
 * await f.close();
 * ```
 * @internal
 */
export class AppendFile {
  private failure: Error | undefined;

  private constructor(
    private readonly stream: WriteStream,
    public size: number,
  ) {
    stream.on('error', (e) => (this.failure = e));
  }

  /** Opens `path` for appending; rejects if it cannot (EACCES, ENOENT folder, EISDIR). */
  static async open(path: string): Promise<AppendFile> {
    const stream = createWriteStream(path, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const size = (await stat(path)).size;
    return new AppendFile(stream, size);
  }

  /** True once a write failed: open a new one. */
  get failed(): boolean {
    return this.failure !== undefined || this.stream.destroyed;
  }

  /** Appends `chunk`; resolves once written (the stream's callback, so its drain is honoured). */
  async write(chunk: string, sync: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => this.stream.write(chunk, (e) => (e ? reject(e) : resolve())));
    this.size += Buffer.byteLength(chunk);
    // The stream is open (see open()), so its fd is a number.
    if (sync) await fsyncAsync((this.stream as unknown as { fd: number }).fd);
  }

  /** Closes the file (after what was written is flushed). */
  close(): Promise<void> {
    if (this.stream.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.stream.once('close', () => resolve());
      if (this.stream.destroyed) return;
      this.stream.end();
    });
  }
}
