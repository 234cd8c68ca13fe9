import { sealFrames } from './frame.js';
import type { LogFs } from './fs-layer.js';
import { workerStage } from './write-worker.js';

/**
 * Where frames are sealed (their checksums computed) and written: the last per-byte work of a
 * recording, so it runs off the thread that hands batches off. `'worker'` (the default in Node):
 * one worker thread per process, shared by every file log, seals and writes the pending buffer
 * (shared memory: no copy); `'main'`: the same work on the calling thread (always used with an
 * injected file layer, and if the worker cannot start or dies).
 *
 * @example
 * ```ts
 * const log = await openFileLog('/data/rec', { writeStage: 'main' });
 * ```
 */
export type WriteStageKind = 'worker' | 'main';

/**
 * Seals and writes whole frames: `buf[off, off + len)` at file position `pos`, all of it or a
 * rejection with the failing call's error (its `code`, e.g. ENOSPC). @internal
 *
 * @example
 * ```ts
 * await stage.write(fd, pending.buf, 0, pending.length, segment.bytes);
 * ```
 */
export interface WriteStage {
  write(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<void>;
  /**
   * Someone waits for the writes (a flush, a sync, a close): the worker is woken now for the
   * writes in its ring and the next one published, not when its poll ends.
   */
  hurry(): void;
  /** This log is done with the stage (the shared worker stops when no log uses it). */
  release(): void;
}

/**
 * The stage for a log: the shared worker when asked for and available, else the calling thread.
 * @internal
 *
 * @example
 * ```ts
 * const stage = writeStage('worker', nodeLogFs);
 * ```
 */
export function writeStage(kind: WriteStageKind, fs: LogFs): WriteStage {
  const main = mainStage(fs);
  if (kind === 'main') return main;
  const worker = workerStage();
  if (!worker) return main;
  return {
    // A worker that died or could not start: this write and the later ones go on this thread.
    write: (fd, buf, off, len, pos) => (worker.alive() ? worker.write(fd, buf, off, len, pos) : main.write(fd, buf, off, len, pos)),
    hurry: () => worker.hurry(),
    release: () => worker.release(),
  };
}

function mainStage(fs: LogFs): WriteStage {
  return {
    async write(fd, buf, off, len, pos) {
      sealFrames(buf, off, off + len);
      while (len > 0) {
        const n = await fs.write(fd, buf, off, len, pos);
        if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        off += n;
        pos += n;
        len -= n;
      }
    },
    hurry() {},
    release() {},
  };
}
