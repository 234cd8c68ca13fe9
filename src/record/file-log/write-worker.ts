import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { WriteRing, RING_SLOTS } from './write-ring.js';

// The worker's whole program, run with `eval` (no file to find, whether this module runs as
// TypeScript source, from dist/, or bundled). It waits on the ring's head (polling it while
// requests come often, else Atomics.wait until notified), seals each frame of a request (CRC-32
// over the body, into bytes 4-8 of its header), writes the range with positional writeSync
// calls, stores the result in the slot and moves the tail on. Buffers are shared memory
// registered once under a number, by message, which it takes synchronously (receiveMessageOnPort)
// before it looks a key up. No message per write: posting one cost 10-90 us on a busy heap, and
// this thread has nothing else to wait for.

/**
 * When the worker polls the ring instead of sleeping: while requests come under `gapMs` apart,
 * in timed waits of a quarter of the gap, within `sliceMinMs`..`sliceMaxMs` (a write waits at
 * most that long to be picked up, and the end of a run waits for its last writes). Below 20 ms
 * a notify per request costs the hand-off thread more (35-130 us a call on this VM: up to 6.6 ns
 * a recorded message at a request per 20k messages) than the worker's few wake-ups per request
 * cost it; the old bound of 2 ms was crossed by a busy stream in any slower turn, and then every
 * request paid the notify.
 */
const POLL = { gapMs: 20, sliceMinMs: 0.5, sliceMaxMs: 4 } as const;

const PROGRAM = `
const POLL_GAP = ${POLL.gapMs}, SLICE_MIN = ${POLL.sliceMinMs}, SLICE_MAX = ${POLL.sliceMaxMs};
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { crc32 } = require('node:zlib');
const ctl = new Int32Array(workerData.ctl);
const slots = new Float64Array(workerData.slots);
const R = workerData.slotsCount, W = workerData.slotWidth;
const held = new Map();
// The ring's counters are int32 and wrap (write-ring.ts): the ring says where they start.
let tail = Atomics.load(ctl, 1);
let lastAt = -Infinity, gap = Infinity; // ms: when the last request came, and the gap before it
for (;;) {
  if (Atomics.load(ctl, 0) === tail) {
    // A stream whose requests come under POLL_GAP ms apart is polled for twice its gap plus a
    // slice, by timed waits that this thread's own timer ends, each a quarter of the gap (within
    // SLICE_MIN..SLICE_MAX ms): a few wake-ups of this thread per request, where a notify would
    // cost the main thread 35-130 us, and a request waits at most a slice to be picked up. Then,
    // or at once for a slower stream, it sleeps until notified, with ctl[2] set so that the main
    // thread knows to notify (write-ring.ts).
    if (gap < POLL_GAP) {
      const slice = Math.min(SLICE_MAX, Math.max(SLICE_MIN, gap / 4));
      const until = performance.now() + 2 * gap + slice;
      while (Atomics.load(ctl, 0) === tail && performance.now() < until) Atomics.wait(ctl, 0, tail, slice);
    }
    if (Atomics.load(ctl, 0) === tail) {
      Atomics.store(ctl, 2, 1);
      while (Atomics.load(ctl, 0) === tail) Atomics.wait(ctl, 0, tail);
      Atomics.store(ctl, 2, 0);
    }
  }
  for (let r; (r = receiveMessageOnPort(parentPort)); ) {
    held.set(r.message.key, Buffer.from(r.message.sab));
    if (r.message.evict !== undefined) held.delete(r.message.evict);
  }
  const now = performance.now();
  gap = now - lastAt;
  lastAt = now;
  const s = (tail & (R - 1)) * W;
  let result = 0;
  try {
    const b = held.get(slots[s]);
    let off = slots[s + 1], len = slots[s + 2], pos = slots[s + 4];
    const fd = slots[s + 3];
    for (let o = off, end = off + len; o < end; ) {
      const n = b.readUInt32LE(o);
      b.writeUInt32LE(crc32(b.subarray(o + 8, o + 8 + n)), o + 4);
      o += 8 + n;
    }
    while (len > 0) {
      const k = fs.writeSync(fd, b, off, len, pos);
      if (k <= 0) throw Object.assign(new Error('no progress'), { errno: -5 });
      off += k; pos += k; len -= k;
    }
  } catch (e) {
    result = typeof (e && e.errno) === 'number' && e.errno !== 0 ? -Math.abs(e.errno) : -5;
  }
  slots[s + 5] = result;
  tail = (tail + 1) | 0;
  Atomics.store(ctl, 1, tail);
  Atomics.notify(ctl, 1);
}
`;

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
  hurry(): void;
  release(): void;
}

/** Buffers the worker holds, oldest first, at most HELD: both sides evict the same one. */
const HELD = 64;
let held: SharedArrayBuffer[] = [];
const keys = new WeakMap<SharedArrayBuffer, number>();
let nextKey = 1;
let worker: Worker | undefined;
let ring: WriteRing | undefined;
let users = 0;
let dead = false;
const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

function start(): Worker {
  held = [];
  const r = new WriteRing(ringStart);
  const w = new Worker(PROGRAM, { eval: true, name: 'nodeflow file log writer', workerData: { ...r.shared(), slotsCount: RING_SLOTS } });
  w.unref(); // idle, it must not keep the process alive; a write in progress refs it
  r.onIdle = () => w.unref();
  r.onBusy = () => w.ref();
  r.errorOf = (result) => {
    const code = ERRNO_NAMES.get(-result) ?? 'EIO';
    return Object.assign(new Error(`write failed (${code})`), { code });
  };
  const die = (e: Error) => {
    if (worker !== w) return;
    dead = true;
    worker = undefined;
    ring = undefined;
    r.failAll(Object.assign(new Error(`the write worker stopped: ${e.message}`), { code: 'EWORKER' }));
  };
  w.on('error', die);
  w.on('exit', (code) => die(new Error(`exit code ${code}`)));
  ring = r;
  return w;
}

function register(w: Worker, sab: SharedArrayBuffer): number {
  let key = keys.get(sab);
  if (key !== undefined && held.includes(sab)) return key;
  key = nextKey++;
  keys.set(sab, key);
  held.push(sab);
  const evicted = held.length > HELD ? held.shift() : undefined;
  // Before the request that uses it is published: the worker reads it from its port's queue.
  w.postMessage({ key, sab, evict: evicted && keys.get(evicted) });
  return key;
}

/**
 * Takes a share of the process's write worker, starting it on first use; `undefined` where
 * worker threads, `Atomics.waitAsync` or `zlib.crc32` are missing, or after the worker died (the
 * log then writes on its own thread). @internal
 *
 * @example
 * ```ts
 * const w = workerStage();
 * ```
 */
export function workerStage(): SharedWriteWorker | undefined {
  if (dead || typeof (zlib as { crc32?: unknown }).crc32 !== 'function' || typeof (Atomics as { waitAsync?: unknown }).waitAsync !== 'function') return undefined;
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
      const r = ring;
      if (!w || !r) return Promise.reject(Object.assign(new Error('the write worker stopped'), { code: 'EWORKER' }));
      return r.submit(register(w, buf.buffer as SharedArrayBuffer), buf.byteOffset + off, len, fd, pos);
    },
    hurry: () => ring?.hurry(),
    release() {
      if (released) return;
      released = true;
      if (--users > 0 || !worker) return;
      const w = worker;
      worker = undefined;
      ring = undefined;
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

let ringStart = 0;

/**
 * Where the next write worker's ring counters start. @internal (tests: from just below 2^31,
 * the worker's int32 arithmetic wraps within a test, as it would after 2^31 writes)
 *
 * @example
 * ```ts
 * setWriteRingStart(2 ** 31 - 20);
 * ```
 */
export function setWriteRingStart(start: number): void {
  ringStart = start | 0;
}

/**
 * The running write worker's ring counters, or `undefined` with no worker. @internal (tests:
 * once idle, the worker's tail is the ring's head: it took every request and nothing more)
 *
 * @example
 * ```ts
 * const c = writeRingCounters(); // { head: 120, tail: 120 }
 * ```
 */
export const writeRingCounters = (): { head: number; tail: number } | undefined => ring?.counters();
