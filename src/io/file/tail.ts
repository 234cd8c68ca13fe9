import { open, stat, type FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * What a {@link readFileChunks} loop asks of its caller: take a chunk (resolving once the
 * caller may take more: that is the backpressure), and stop.
 *
 * @example
 * ```ts
 * const r: ChunkReader = { onChunk: async (c) => handle(c), onRotate: () => {}, stopped: () => false, sleep: (ms) => wait(ms) };
 * ```
 * @internal
 */
export interface ChunkReader {
  onChunk(chunk: Buffer): Promise<void> | void;
  /** The file was replaced (rotated by rename) or truncated: reading restarts at its start. */
  onRotate(why: 'rotated' | 'truncated'): void;
  stopped(): boolean;
  sleep(ms: number): Promise<void>;
}

/**
 * Reads `path` chunk by chunk from `from`, awaiting `onChunk` before the next read (a caller
 * that is paused simply does not resolve: nothing more is read). Without `follow` it returns at
 * end of file. With `follow` it waits `pollMs` at the end and reads what was appended, and when
 * the path names a new file (rotation by rename: a new inode) it finishes the old one, then
 * reads the new one from its start; a file truncated below the position is read again from 0.
 * Polling, not fs.watch: watch events are lost on some file systems and across renames.
 *
 * @example
 * ```ts
 * await readFileChunks('/var/log/app.ndjson', { follow: true, from: 'end', pollMs: 250 }, reader);
 * ```
 * @internal
 */
export async function readFileChunks(path: string, o: { follow: boolean; from: 'start' | 'end'; pollMs: number }, r: ChunkReader): Promise<void> {
  let fh: FileHandle = await open(path, 'r');
  try {
    let { ino, size } = await fh.stat();
    let pos = o.follow && o.from === 'end' ? size : 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    let renamed = false;
    for (;;) {
      if (r.stopped()) return;
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        await r.onChunk(buf.subarray(0, bytesRead));
        continue;
      }
      if (!o.follow) return;
      const now = await stat(path).catch(() => undefined); // moved away, not yet recreated: wait
      if (now && now.ino !== ino) {
        // Rotated. A writer may have appended to the old file between our read and the stat:
        // read it to its end once more before leaving it.
        if (!renamed) {
          renamed = true;
          continue;
        }
        // The new file may be gone again already (rotated twice, removed): look again later.
        const next = await open(path, 'r').catch(() => undefined);
        if (!next) {
          await r.sleep(o.pollMs);
          continue;
        }
        renamed = false;
        await fh.close();
        fh = next;
        ({ ino } = await fh.stat());
        pos = 0;
        r.onRotate('rotated');
        continue;
      }
      if (now && now.size < pos) {
        pos = 0;
        r.onRotate('truncated');
        continue;
      }
      await r.sleep(o.pollMs);
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * The first line of a file (its CSV header), read apart when tailing from its end.
 *
 * @example
 * ```ts
 * const header = await firstLine('data.csv', 1 << 20); // Buffer of 't,v' or undefined
 * ```
 * @internal
 */
export async function firstLine(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(maxBytes + 1, 1 << 20));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    return nl < 0 ? undefined : buf.subarray(0, nl);
  } finally {
    await fh.close();
  }
}
