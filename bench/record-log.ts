// The file log (issue 18) against the floor, in one run: batches of 50 small messages.
// - raw fs append: the same frames' bytes (each batch's record body, body-bytes.ts: columns with
//   the data as JSON for these messages) gathered and written with node:fs, one write per
//   256 KiB, no checksum, no index, no sync: what any log on this disk costs;
// - file log, append: hot-path cost (time inside append() only) and end to end (until written);
// - file log, sync every 200 batches: end to end until durable;
// - instant read: every batch back through read({ seq: 1 }) (decode included);
// - the parts: the record body's encode/decode per message, CRC-32 in JS vs node's zlib.crc32 (MB/s);
// - append by message kind, until written, and bytes on disk: numbers, string ids, priorities,
//   keys, readings with a fractional number, and messages as the spec writes them (format 4
//   keeps ids, priorities and keys as columns, format 5 flat object data a column per key).
// Medians of interleaved rounds. Targets (issue 18): replay >= 1M msg/s instant; the append cost
// per message is what a recorded connection pays (REPLAY measures the 0.8x end to end).
//
// Run: node scripts/run-ts.mjs bench/record-log.ts [--json] [--messages=N]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { StreamMessage } from '../src/message.js';
import { decodeBatchBytes, encodeBatchBytes } from '../src/record/body/body-bytes.js';
import { crc32 } from '../src/record/file-log/crc32.js';
import { openFileLog } from '../src/record/file-log/file-log.js';
import { fmt, median, table } from './lib.js';

const BATCH = 50;
const json = process.argv.includes('--json');
const N = Number(process.argv.find((a) => a.startsWith('--messages='))?.slice(11) ?? 2_000_000);
const BATCHES = Math.ceil(N / BATCH);
const ROUNDS = 5;

// 200 distinct batches, reused: building messages is not what is measured.
const pool: StreamMessage[][] = Array.from({ length: 200 }, (_, b) =>
  Array.from({ length: BATCH }, (_, i) => ({ id: b * BATCH + i, timestamp: 1_750_000_000_000 + i, sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: { value: (b * 31 + i) % 997 } })),
);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-bench-log-'));
let dirN = 0;
const freshDir = () => path.join(root, `log-${dirN++}`);

async function rawAppend(): Promise<number> {
  const fd = fs.openSync(path.join(root, `raw-${dirN++}`), 'w');
  let buf = Buffer.allocUnsafe(512 * 1024);
  let len = 0;
  let pos = 0;
  const writes: Promise<void>[] = [];
  const t = performance.now();
  for (let k = 0; k < BATCHES; k++) {
    const body = encodeBatchBytes(pool[k % 200]!);
    len += 24; // the frame's header and fixed fields less the body's own 8 (kind, count): the same volume
    buf.set(body, len);
    len += body.length;
    if (len > 256 * 1024) {
      const out = buf;
      writes.push(new Promise((r) => fs.write(fd, out, 0, len, pos, () => r())));
      pos += len;
      buf = Buffer.allocUnsafe(512 * 1024);
      len = 0;
    }
    if ((k & 63) === 63) await new Promise((r) => setImmediate(r)); // let writes run, as the log's pump does
  }
  writes.push(new Promise((r) => fs.write(fd, buf, 0, len, pos, () => r())));
  await Promise.all(writes);
  const ms = performance.now() - t;
  fs.closeSync(fd);
  return ms;
}

/** Appends BATCHES batches; [ms inside append() calls, ms until written (or synced)]. */
async function logAppend(dir: string, sync: 'none' | { everyBatches: number }, batches: StreamMessage[][] = pool): Promise<[number, number]> {
  const log = await openFileLog(dir, { sync, segmentBytes: 64 * 1024 * 1024 });
  let inAppend = 0;
  const t = performance.now();
  for (let k = 0; k < BATCHES; ) {
    const a = performance.now();
    for (const end = Math.min(BATCHES, k + 64); k < end; k++) log.append({ seq: 1 + k * BATCH, at: k, messages: batches[k % 200]! });
    inAppend += performance.now() - a;
    await new Promise((r) => setImmediate(r)); // a recorded connection hands off between turns
    // Every 1024 batches, wait for the writer thread: an end-to-end figure, not a backlog that
    // outgrows maxPendingBytes and drops (a drop would fail the read check below).
    if (k % 1024 === 0) await (log as unknown as { flushed(): Promise<unknown> }).flushed();
  }
  await (sync === 'none' ? log.close() : log.sync());
  const total = performance.now() - t;
  await log.close();
  return [inAppend, total];
}

async function readAll(dir: string): Promise<number> {
  const log = await openFileLog(dir);
  const t = performance.now();
  let n = 0;
  for await (const b of log.read({ seq: 1 })) n += b.messages.length;
  const ms = performance.now() - t;
  await log.close();
  if (n !== BATCHES * BATCH) throw new Error(`read ${n} messages, wrote ${BATCHES * BATCH}`);
  return ms;
}

function parts(): { bodyEncodeNs: number; bodyDecodeNs: number; crcJsMBs: number; crcZlibMBs: number; frameBytesPerMsg: number } {
  const bodies = pool.map((b) => encodeBatchBytes(b));
  let t = performance.now();
  for (let k = 0; k < BATCHES; k++) encodeBatchBytes(pool[k % 200]!);
  const enc = performance.now() - t;
  t = performance.now();
  for (let k = 0; k < BATCHES; k++) decodeBatchBytes(bodies[k % 200]!);
  const dec = performance.now() - t;
  const big = Buffer.concat(bodies);
  const mbs = (f: () => void) => {
    const s = performance.now();
    for (let i = 0; i < 50; i++) f();
    return (50 * big.length) / 1e6 / ((performance.now() - s) / 1000);
  };
  const z = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
  return {
    bodyEncodeNs: (enc * 1e6) / (BATCHES * BATCH),
    bodyDecodeNs: (dec * 1e6) / (BATCHES * BATCH),
    crcJsMBs: mbs(() => crc32(big)),
    crcZlibMBs: z ? mbs(() => z(big)) : 0,
    frameBytesPerMsg: (big.length / 200 + 24) / BATCH,
  };
}

// The same appends with other messages: what each optional field costs (format 4: columns).
const reading = (i: number, more: Partial<StreamMessage>): StreamMessage => ({ id: i, timestamp: 1_750_000_000_000 + (i >> 4), sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: i % 997, ...more });
const KINDS: Record<string, (i: number) => StreamMessage> = {
  numbers: (i) => reading(i, {}),
  'string ids': (i) => reading(i, { id: `msg-${i}` }),
  priorities: (i) => reading(i, { priority: i % 4 === 0 ? 'high' : 'normal' }),
  'keys, { t } data': (i) => reading(i, { data: { t: i % 997 }, key: `k${i % 16}` }),
  '{ temp, unit, ok } data': (i) => reading(i, { data: { temp: 20 + (i % 997) / 7, unit: 'C', ok: i % 5 !== 0 } }),
  'as the spec writes them': (i) => reading(i, { id: `msg-${i}`, data: { value: i % 997 }, priority: i % 10 === 0 ? 'high' : 'normal' }),
};

async function byKind(): Promise<Array<{ kind: string; msgsPerSec: number; bytesPerMsg: number }>> {
  const out = [];
  for (const [kind, make] of Object.entries(KINDS)) {
    const batches = Array.from({ length: 200 }, (_, b) => Array.from({ length: BATCH }, (_, i) => make(b * BATCH + i)));
    const rates: number[] = [];
    let bytes = 0;
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      rates.push(per((await logAppend(dir, 'none', batches))[1]));
      bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    out.push({ kind, msgsPerSec: Math.round(median(rates)), bytesPerMsg: +(bytes / (BATCHES * BATCH)).toFixed(1) });
  }
  return out;
}

const per = (ms: number) => (BATCHES * BATCH) / (ms / 1000);
const r = { raw: [] as number[], appendHot: [] as number[], append: [] as number[], appendSync: [] as number[], read: [] as number[], ratio: [] as number[] };
try {
  await logAppend(freshDir(), 'none'); // warm-up, discarded
  for (let round = 0; round < ROUNDS; round++) {
    const raw = await rawAppend();
    const dir = freshDir();
    const [hot, total] = await logAppend(dir, 'none');
    const [, synced] = await logAppend(freshDir(), { everyBatches: 200 });
    const read = await readAll(dir);
    r.raw.push(per(raw));
    r.appendHot.push(per(hot));
    r.append.push(per(total));
    r.appendSync.push(per(synced));
    r.read.push(per(read));
    r.ratio.push(raw / total);
    if (!json) process.stderr.write(`round ${round + 1}/${ROUNDS}\r`);
  }
  const p = parts();
  const kinds = await byKind();
  const out = {
    node: process.version,
    messages: BATCHES * BATCH,
    batch: BATCH,
    rawAppendMsgPerSec: median(r.raw),
    logAppendMsgPerSec: median(r.append),
    logAppendVsRaw: median(r.ratio),
    appendCallNsPerMsg: 1e9 / median(r.appendHot),
    logAppendSync200MsgPerSec: median(r.appendSync),
    instantReadMsgPerSec: median(r.read),
    ...p,
    byKind: kinds,
  };
  if (!json) {
    console.log(`file log, batches of ${BATCH}, ${fmt(out.messages)} messages, median of ${ROUNDS} rounds (node ${process.version})\n`);
    console.log(
      table(
        ['case', 'msg/s', 'note'],
        [
          ['raw node:fs append (floor)', fmt(out.rawAppendMsgPerSec), 'the same body per batch + one write per 256 KiB'],
          ['file log append, until written', fmt(out.logAppendMsgPerSec), `${fmt(out.logAppendVsRaw, 2)}x the floor`],
          ['file log append() call only', fmt(median(r.appendHot)), `${fmt(out.appendCallNsPerMsg)} ns per message on the hot path`],
          ['file log append, sync every 200 batches', fmt(out.logAppendSync200MsgPerSec), 'until durable'],
          ['instant read (replay)', fmt(out.instantReadMsgPerSec), 'target >= 1,000,000'],
        ],
      ),
    );
    console.log(`\nappend by message kind, until written (median of 3 rounds)\n`);
    console.log(table(['messages', 'msg/s', 'bytes/msg on disk'], kinds.map((k) => [k.kind, fmt(k.msgsPerSec), fmt(k.bytesPerMsg, 1)])));
    console.log(`\nparts: body encode ${fmt(p.bodyEncodeNs)} ns/msg, decode ${fmt(p.bodyDecodeNs)} ns/msg; ${fmt(p.frameBytesPerMsg, 1)} bytes/msg on disk; CRC-32 JS ${fmt(p.crcJsMBs)} MB/s, zlib.crc32 ${fmt(p.crcZlibMBs)} MB/s\n`);
  }
  console.log(JSON.stringify(out));
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
