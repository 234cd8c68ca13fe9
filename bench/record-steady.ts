// Recording's cost in long steady runs (issue 18's 0.8x goal, measured apart from bench/record.ts's
// short rounds). Each case sends N messages through the same connection path as bench/record.ts
// (record-cases.ts) in one run, after a full GC; the cases alternate, round after round. Per case:
// msg/s, the ratio to the unrecorded run of the same round, and the nanoseconds a message it adds
// to that run (median over rounds). The no-op log is the tap alone; "fields read only" reads and
// checks each message's six fields and keeps its three numbers (the floor of any encoder on this
// thread); the file log is the real store with its writer thread and the disk.
// Run: node scripts/run-ts.mjs bench/record-steady.ts [--json] [--quick]   (progress to stderr)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFileLog, type FileLog } from '../src/record/file-log/file-log.js';
import { fieldsOnlyLog, noOpLog, widgetPath } from './record-cases.js';
import { fmt, median, table, type ThroughputCase } from './lib.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const N = quick ? 4_000_000 : 20_000_000;
const ROUNDS = quick ? 3 : 7;
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc (scripts/run-ts.mjs passes it): each run starts after a full GC');
  const dir = mkdtempSync(path.join(tmpdir(), 'nodeflow-record-steady-'));
  let log: FileLog;
  try {
    // One file log for every round: each run records on from where the last one ended. Retention
    // bounds the disk (the rounds write about 90 MB each).
    log = await openFileLog(path.join(dir, 'log'), { retention: { maxBytes: 512 * 1024 * 1024 } });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const cases: Array<{ name: string; path: () => ThroughputCase }> = [
    { name: 'unrecorded', path: () => widgetPath('unrecorded') },
    { name: 'recorded (no-op log)', path: () => widgetPath('no-op', noOpLog()) },
    { name: 'recorded (fields read only: the floor)', path: () => widgetPath('floor', fieldsOnlyLog()) },
    { name: 'recorded (file log)', path: () => widgetPath('file log', log) },
  ];
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  // A fresh engine per run (the recording of the last one stops with its engine).
  const once = async (c: (typeof cases)[number], n: number): Promise<number> => {
    const p = c.path();
    gc();
    const t = performance.now();
    await p.run(n);
    const ms = performance.now() - t;
    p.dispose?.();
    return n / (ms / 1000);
  };
  try {
    // A warm-up round, discarded: the first runs are partly the JIT's.
    for (const c of cases) await once(c, N / 4);
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of cases) rates.get(c.name)!.push(await once(c, N));
      process.stderr.write(`  … round ${r + 1}/${ROUNDS}: ${cases.map((c) => `${c.name} ${fmt(rates.get(c.name)!.at(-1)! / 1e6, 1)}M`).join(', ')}\n`);
    }
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rates.get('unrecorded')!;
  const rows = cases.map((c) => {
    const xs = rates.get(c.name)!;
    const ratios = xs.map((x, i) => x / base[i]!);
    return {
      name: c.name,
      msgsPerSec: Math.round(median(xs)),
      nsPerMsg: +(1e9 / median(xs)).toFixed(2),
      ratio: +median(ratios).toFixed(3),
      ratios: ratios.map((x) => +x.toFixed(3)),
      addedNsPerMsg: +median(xs.map((x, i) => 1e9 / x - 1e9 / base[i]!)).toFixed(2),
    };
  });
  const fileStats = log.stats();
  if (json) {
    process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, maxBatchSize: 50, messagesPerRun: N, rounds: ROUNDS, cases: rows, fileLog: fileStats }, null, 2) + '\n');
    return;
  }
  console.log(`\nRecording in long steady runs: ${fmt(N)} messages a run, ${ROUNDS} rounds, maxBatchSize 50\n`);
  console.log(table(['path', 'msg/s (median)', 'ns/msg', 'ratio (median)', 'ns/msg added', 'ratio per round'], rows.map((r) => [r.name, fmt(r.msgsPerSec), r.nsPerMsg.toFixed(1), r.ratio.toFixed(3) + 'x', r.addedNsPerMsg.toFixed(1), r.ratios.join(' ')])));
  const unrec = rows[0]!.nsPerMsg;
  console.log(`\n0.8x of this path leaves ${(unrec / 4).toFixed(1)} ns a message for recording; the floor case adds ${rows[2]!.addedNsPerMsg.toFixed(1)}, the file log ${rows[3]!.addedNsPerMsg.toFixed(1)}.`);
  console.log(`file log: ${fileStats.droppedBatches} batches dropped, ${fileStats.writeErrors} write errors`);
}

await main();
