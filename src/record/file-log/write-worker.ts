import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';

// The worker's whole program, run with `eval` (no file to find, whether this module runs as
// TypeScript source, from dist/, or bundled). It seals each frame (CRC-32 over the body, into
// bytes 4-8 of its header) and writes the range with positional writeSync calls, then answers.
// Buffers are shared memory registered once under a number: posting a SharedArrayBuffer costs
// 10-170 us (more while the heap is busy), posting a few numbers a fraction of that.
const PROGRAM = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { crc32 } = require('node:zlib');
const held = new Map();
parentPort.on('message', (m) => {
  if (m.sab) {
    held.set(m.key, Buffer.from(m.sab));
    if (m.evict !== undefined) held.delete(m.evict);
    return;
  }
  try {
    const b = held.get(m.key);
    for (let o = m.off, end = m.off + m.len; o < end; ) {
      const n = b.readUInt32LE(o);
      b.writeUInt32LE(crc32(b.subarray(o + 8, o + 8 + n)), o + 4);
      o += 8 + n;
    }
    let off = m.off, len = m.len, pos = m.pos;
    while (len > 0) {
      const k = fs.writeSync(m.fd, b, off, len, pos);
      if (k <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      off += k; pos += k; len -= k;
    }
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, code: e && e.code, message: String(e && e.message) });
  }
});
`;

interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

/**
 * The shared write worker, as a log sees it. @internal
 *
 * @example
 * ```ts
 * const w = workerStage();
 * if (w?.alive()) await w.write(fd, buf, 0, len, pos);
 * ```
 */
export interface SharedWriteWorker {
  alive(): boolean;
  write(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<void>;
  release(): void;
}

/** Buffers the worker holds, oldest first, at most HELD: both sides evict the same one. */
const HELD = 64;
let held: SharedArrayBuffer[] = [];
const keys = new WeakMap<SharedArrayBuffer, number>();
let nextKey = 1;
let worker: Worker | undefined;
let users = 0;
let nextId = 1;
let dead = false;
const waiting = new Map<number, Pending>();

function start(): Worker {
  held = [];
  const w = new Worker(PROGRAM, { eval: true, name: 'nodeflow file log writer' });
  w.unref(); // idle, it must not keep the process alive; a write in progress refs it
  w.on('message', (m: { id: number; code?: string; message?: string }) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (waiting.size === 0) w.unref();
    if (!p) return;
    if (m.message === undefined) p.resolve();
    else p.reject(Object.assign(new Error(m.message), { code: m.code }));
  });
  const die = (e: Error) => {
    if (worker !== w) return;
    dead = true;
    worker = undefined;
    for (const p of waiting.values()) p.reject(Object.assign(new Error(`the write worker stopped: ${e.message}`), { code: 'EWORKER' }));
    waiting.clear();
  };
  w.on('error', die);
  w.on('exit', (code) => die(new Error(`exit code ${code}`)));
  return w;
}

function register(w: Worker, sab: SharedArrayBuffer): number {
  let key = keys.get(sab);
  if (key !== undefined && held.includes(sab)) return key;
  key = nextKey++;
  keys.set(sab, key);
  held.push(sab);
  const evicted = held.length > HELD ? held.shift() : undefined;
  w.postMessage({ key, sab, evict: evicted && keys.get(evicted) });
  return key;
}

/**
 * Takes a share of the process's write worker, starting it on first use; `undefined` where
 * worker threads or `zlib.crc32` are missing, or after the worker died (the log then writes on
 * its own thread). @internal
 *
 * @example
 * ```ts
 * const w = workerStage();
 * ```
 */
export function workerStage(): SharedWriteWorker | undefined {
  if (dead || typeof (zlib as { crc32?: unknown }).crc32 !== 'function') return undefined;
  try {
    worker ??= start();
  } catch {
    dead = true;
    return undefined;
  }
  users++;
  let released = false;
  return {
    alive: () => worker !== undefined,
    write(fd, buf, off, len, pos) {
      const w = worker;
      if (!w) return Promise.reject(Object.assign(new Error('the write worker stopped'), { code: 'EWORKER' }));
      const id = nextId++;
      if (waiting.size === 0) w.ref();
      const key = register(w, buf.buffer as SharedArrayBuffer);
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, key, off: buf.byteOffset + off, len, fd, pos });
      });
    },
    release() {
      if (released) return;
      released = true;
      if (--users > 0 || !worker) return;
      const w = worker;
      worker = undefined;
      void w.terminate();
    },
  };
}

/**
 * Is the shared write worker running? @internal (tests: clean shutdown)
 *
 * @example
 * ```ts
 * await log.close();
 * writeWorkerRunning(); // false once no log uses it
 * ```
 */
export const writeWorkerRunning = (): boolean => worker !== undefined;

/**
 * Stops the shared write worker as a crash would (its writes in progress fail, later ones run on
 * the calling thread). @internal (tests: the fallback)
 *
 * @example
 * ```ts
 * await killWriteWorker();
 * ```
 */
export async function killWriteWorker(): Promise<void> {
  const w = worker;
  if (!w) return;
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  await w.terminate();
  await exited;
}
