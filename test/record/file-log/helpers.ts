import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { nodeLogFs, type LogFs } from '../../../src/record/file-log/fs-layer.js';

export { until } from '../../support/until.js';
import type { RecordedBatch, RecordLog } from '../../../src/record/record-log.js';

/** A fresh temporary folder (removed by the returned cleanup): for a folder made and removed inside one test. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-log-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The temporary folders of a test file: `fresh()` makes one, and after each test every one it
 * made is removed, after the test's `defer`red steps (newest first: an unmount before its
 * folder goes). Call it once, at the top of the file.
 */
export function tempDirs(): () => { dir: string; defer(step: () => void): void } {
  let made: Array<() => void> = [];
  afterEach(() => {
    const steps = made.reverse();
    made = [];
    for (const step of steps) step();
  });
  return () => {
    const t = tempDir();
    made.push(t.cleanup);
    return { dir: t.dir, defer: (step) => void made.push(step) };
  };
}

/**
 * Message `seq` of the recorded stream: its content is a function of seq, so a read can be
 * checked. Numeric data in the first half of every hundred (batches there are written as numeric
 * columns), a flat object in the third quarter (a column per key) and a nested one in the last
 * (columns with JSON data), so every test covers every columns kind.
 */
export function message(seq: number): StreamMessage {
  const data = seq % 100 < 50 ? seq * 1.5 : seq % 100 < 75 ? { v: seq, s: `m${seq}` } : { v: seq, s: [`m${seq}`] };
  return { id: seq, timestamp: 1_700_000_000_000 + seq, sourceNodeId: 'src', targetNodeId: 'dst', port: 'out', data };
}

/** The batch of `n` messages starting at `seq`, handed off at `at`. */
export function batch(seq: number, n: number, at = seq): RecordedBatch {
  const messages: StreamMessage[] = [];
  for (let i = 0; i < n; i++) messages.push(message(seq + i));
  return { seq, at, messages };
}

/** Appends `count` batches of `n` from `seq` on, at times from `at0` in steps of `step`. */
export function appendBatches(log: RecordLog, seq: number, count: number, n: number, at0 = 0, step = 10): number {
  for (let i = 0; i < count; i++) log.append(batch(seq + i * n, n, at0 + i * step));
  return seq + count * n;
}

/** Everything a read yields. */
export async function collect(it: AsyncIterable<RecordedBatch>): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** How many messages a read from seq 1 yields. */
export async function messagesHeld(log: RecordLog): Promise<number> {
  return (await collect(log.read({ seq: 1 }))).reduce((n, b) => n + b.messages.length, 0);
}

/** How many messages the log in `dir` holds when opened again from the disk (closed after). */
export async function messagesOnReopen(dir: string): Promise<number> {
  const back = await openFileLog(dir);
  try {
    return await messagesHeld(back);
  } finally {
    await back.close();
  }
}

/** The file log's internal `flushed()`: resolves once everything appended is written (not synced). */
export const flushed = (log: RecordLog): Promise<boolean> => (log as unknown as { flushed(): Promise<boolean> }).flushed();

/** Total bytes of the files in `dir`. */
export function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((s, n) => s + fs.statSync(path.join(dir, n)).size, 0);
}

/** The segment files of `dir`, in seq order. */
export function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.seg')).sort().map((n) => path.join(dir, n));
}

/**
 * node:fs whose fdatasync calls made while `holding` wait until `release()` (calls in progress
 * counted in `syncing`, all of them in `calls`), and fail while `failing`; `closedWhileSyncing` lists the files closed
 * while an fdatasync of theirs was in progress (the number may be reused by the next open).
 */
export function slowSyncFs() {
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const layer = {
    ...nodeLogFs,
    syncing: 0,
    calls: 0,
    failing: false,
    holding: false,
    closedWhileSyncing: [] as number[],
    inSync: new Map<number, number>(),
    async close(fd: number): Promise<void> {
      if ((layer.inSync.get(fd) ?? 0) > 0) layer.closedWhileSyncing.push(fd);
      return nodeLogFs.close(fd);
    },
    hold() {
      layer.holding = true;
      gate = new Promise<void>((r) => (release = r));
    },
    release() {
      layer.holding = false;
      release();
    },
    async fdatasync(fd: number): Promise<void> {
      layer.syncing++;
      layer.calls++;
      layer.inSync.set(fd, (layer.inSync.get(fd) ?? 0) + 1);
      try {
        if (layer.holding) await gate;
        if (layer.failing) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        await nodeLogFs.fdatasync(fd);
      } finally {
        layer.syncing--;
        layer.inSync.set(fd, layer.inSync.get(fd)! - 1);
      }
    },
  } satisfies LogFs & Record<string, unknown>;
  return layer;
}

/** Resolves to whether `p` settles within `ms`. */
export const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), ms))]);
