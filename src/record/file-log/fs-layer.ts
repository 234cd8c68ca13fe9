import * as fs from 'node:fs';

/**
 * The few file operations the log's writer uses, callback-free. The default is `node:fs`; a
 * test hands in one that fails on cue (a full disk without a full disk). @internal
 *
 * @example
 * ```ts
 * const fd = await nodeLogFs.open('/data/rec/00000000000000000001.seg', 'r+');
 * ```
 */
export interface LogFs {
  open(path: string, flags: string): Promise<number>;
  /** Writes `length` bytes of `buf` from `offset` at file `position`; resolves with bytes written. */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync of a folder, so a new file's name survives a power cut. */
  syncDir(path: string): Promise<void>;
}

const cb =
  <A extends unknown[], R>(f: (...args: [...A, (err: NodeJS.ErrnoException | null, r?: R) => void]) => void) =>
  (...args: A): Promise<R> =>
    new Promise((resolve, reject) => f(...args, (err, r) => (err ? reject(err) : resolve(r as R))));

/**
 * `LogFs` on `node:fs` callbacks (one libuv request each, no FileHandle object per call). @internal
 *
 * @example
 * ```ts
 * await nodeLogFs.fdatasync(fd);
 * ```
 */
export const nodeLogFs: LogFs = {
  open: cb<[string, string], number>((p, f, done) => fs.open(p, f, 0o644, done)),
  write: cb<[number, Uint8Array, number, number, number], number>((fd, b, o, l, p, done) => fs.write(fd, b, o, l, p, done)),
  fdatasync: cb<[number], void>((fd, done) => fs.fdatasync(fd, done)),
  ftruncate: cb<[number, number], void>((fd, l, done) => fs.ftruncate(fd, l, done)),
  close: cb<[number], void>((fd, done) => fs.close(fd, done)),
  unlink: cb<[string], void>((p, done) => fs.unlink(p, done)),
  syncDir: async (p) => {
    const fd = await nodeLogFs.open(p, 'r');
    try {
      await nodeLogFs.fdatasync(fd);
    } finally {
      await nodeLogFs.close(fd);
    }
  },
};
