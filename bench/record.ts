// Record and replay (issue 18). Prints a table, or JSON with --json (progress to stderr).
// - recorded vs unrecorded connection throughput at maxBatchSize 50, the same path measured in
//   interleaved rounds of the same run (goal: recorded >= 0.8x unrecorded and >= 1M msg/s), with
//   a no-op log (the tap alone), the memory log and the file log; and the file log with object
//   data, and with messages as the spec writes them (string ids, object data, priorities), each
//   against the unrecorded path with the same messages (floor: >= 1M msg/s);
// - instant replay into a widget, msg/s (goal from the file log: >= 1M msg/s);
// - original-timing replay on the real clock: |shown gap - recorded gap / speed| per batch,
//   p50/p99/max ms (goal: within 5 ms per gap).
// Run: node scripts/run-ts.mjs bench/record.ts [--json] [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamEngine } from '../src/index.js';
import { openFileLog, type FileLog } from '../src/record/file-log/file-log.js';
import { MemoryLog } from '../src/record/memory-log.js';
import type { RecordLog } from '../src/record/record-log.js';
import { replay } from '../src/record/replay.js';
import { fieldsOnlyLog, make, makeObject, makeSpec, noOpLog, widgetPath } from './record-cases.js';
import { instantReplayRate } from './record-replay.js';
import { fmt, measureThroughput, median, ratio, table, type ThroughputCase, type ThroughputResult } from './lib.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const say = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');
const CONFIG = { maxBatchSize: 50, bufferSize: 10_000 };

/** The file log (src/record/file-log/), with its default sync policy. */
async function fileLogFactory(): Promise<((dir: string) => Promise<RecordLog>) | undefined> {
  // Retention bounds the disk: the rounds write gigabytes.
  return (dir) => openFileLog(dir, { retention: { maxBytes: 512 * 1024 * 1024 } });
}

const KEPT_BASE = 'unrecorded (beside the 1M-kept log)';

async function throughput(fileLog: ((dir: string) => Promise<RecordLog>) | undefined, dir: string) {
  const cases = [
    widgetPath('unrecorded'),
    // The tap and the append call alone: what recording costs before the store does anything.
    widgetPath('recorded (no-op log)', noOpLog()),
    // The floor of any encoder on this thread: each message's six fields read and checked, its
    // three numbers stored, nothing framed or handed on. Recording cannot cost less than this.
    widgetPath('recorded (fields read only: the floor)', fieldsOnlyLog()),
    // Kept as objects: the retained messages outlive the young generation, so GC pays for them.
    widgetPath('recorded (memory log, 10k kept)', new MemoryLog({ maxMessages: 10_000 })),
  ];
  const fileLogged = fileLog ? ((await fileLog(path.join(dir, 'tp'))) as FileLog) : undefined;
  const objectLogged = fileLog ? ((await fileLog(path.join(dir, 'tp-objects'))) as FileLog) : undefined;
  const specLogged = fileLog ? ((await fileLog(path.join(dir, 'tp-spec'))) as FileLog) : undefined;
  if (fileLogged) cases.push(widgetPath('recorded (file log)', fileLogged));
  cases.push(widgetPath('unrecorded, object data', undefined, makeObject));
  if (objectLogged) cases.push(widgetPath('recorded (file log), object data', objectLogged, makeObject));
  cases.push(widgetPath('unrecorded, spec messages', undefined, makeSpec));
  if (specLogged) cases.push(widgetPath('recorded (file log), spec messages', specLogged, makeSpec));
  // Each run starts after a full collection (outside the timing), so no case pays for the
  // garbage the one before it left.
  // Rounds of this machine's connection path swing by a quarter from one to the next: twelve
  // short rounds give a steadier median ratio than seven long ones, in the same time.
  const rounds = quick ? 3 : 12;
  const targetMs = quick ? 150 : 250;
  const results = await measureThroughput(cases, { rounds, targetMs, onProgress: say, collect: true });
  const stats = { numeric: fileLogged?.stats(), objects: objectLogged?.stats(), spec: specLogged?.stats() };
  say(`file logs during the throughput rounds: ${JSON.stringify(stats)}`);
  await Promise.all([fileLogged?.close(), objectLogged?.close(), specLogged?.close()]);
  // A log that keeps a million messages makes a heap of about 100 MB, and every case measured
  // beside it pays in GC, the one run right after it most (measured: the encoder alone 0.91x
  // without it, 0.30x right after it). So it is measured on its own, after the others, against
  // an unrecorded run in the same interleaved rounds. A full GC before each run would take its
  // own old garbage (the messages it let go) out of its timing, and one after the unrecorded
  // run would charge that run for marking the log's live heap: so only the kept case's runs end
  // with a full GC, inside its timing (more than its share, if anything: V8 alone might not
  // collect that often).
  const payOwnGc = (c: ThroughputCase): ThroughputCase => ({ ...c, run: async (n) => { await c.run(n); (globalThis as { gc?: () => void }).gc?.(); } });
  const kept = await measureThroughput([widgetPath(KEPT_BASE), payOwnGc(widgetPath('recorded (memory log, 1M kept)', new MemoryLog({ maxMessages: 1_000_000 })))], { rounds, targetMs, onProgress: say });
  const logOf = (name: string) => (name === 'recorded (file log)' ? stats.numeric : name === 'recorded (file log), object data' ? stats.objects : name === 'recorded (file log), spec messages' ? stats.spec : undefined);
  const dropped = (name: string) => logOf(name)?.droppedBatches ?? 0;
  // Each recorded case against the unrecorded one with the same messages, in the same rounds.
  const base = (name: string) => (name.endsWith('object data') ? 'unrecorded, object data' : name.endsWith('spec messages') ? 'unrecorded, spec messages' : name === KEPT_BASE || name.includes('1M kept') ? KEPT_BASE : 'unrecorded');
  const row = (all: typeof results) => (r: ThroughputResult) => ({ name: r.name, msgsPerSec: Math.round(r.msgsPerSec), vs: base(r.name), ratio: r.name === base(r.name) ? 1 : ratio(all, r.name, base(r.name)), droppedBatches: dropped(r.name) });
  return [...[...results.values()].map(row(results)), ...[...kept.values()].map(row(kept))];
}

async function fill(log: RecordLog, messages: number, gap: (i: number) => number): Promise<void> {
  let at = 0;
  for (let i = 0, seq = 1; i < messages / 50; i++, seq += 50) {
    at += gap(i);
    log.append({ seq, at, messages: Array.from({ length: 50 }, (_, k) => make(seq + k)) });
    if (i % 100 === 99) await (log as { flushed?: () => Promise<unknown> }).flushed?.();
  }
  await log.sync();
}

async function instantReplay(log: RecordLog, messages: number): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) rates.push(await instantReplayRate(log, messages));
  return median(rates);
}

async function timing(speed: number, batches: number) {
  // A full collection first: the rounds before left a large heap (a million messages kept), and
  // a major GC landing inside the replay would be that garbage's pause, not the replay's timing.
  (globalThis as { gc?: () => void }).gc?.();
  const log = new MemoryLog();
  const gaps: number[] = [];
  await fill(log, batches * 50, () => {
    const g = (5 + Math.floor(Math.random() * 26)) * speed; // 5..30 ms once scaled
    gaps.push(g);
    return g;
  });
  const engine = new StreamEngine(CONFIG);
  const w = engine.createWidget('view', { bufferSize: 100 });
  const shown: number[] = [];
  w.data$.subscribe(() => shown.push(performance.now()));
  await replay(engine, log, 'view', { speed }).done;
  engine.dispose();
  const errors = shown.slice(1).map((t, i) => Math.abs(t - shown[i]! - gaps[i + 1]! / speed)).sort((a, b) => a - b);
  const q = (p: number) => errors[Math.min(errors.length - 1, Math.floor(p * errors.length))]!;
  return { speed, gaps: errors.length, p50: +q(0.5).toFixed(3), p99: +q(0.99).toFixed(3), max: +errors.at(-1)!.toFixed(3) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodeflow-record-'));
  try {
    const fileLog = await fileLogFactory();
    say(fileLog ? 'file log: found' : 'file log: not merged here (memory log only)');
    const tp = await throughput(fileLog, dir);
    const N = quick ? 200_000 : 1_000_000;
    const replays: Array<{ log: string; msgsPerSec: number }> = [];
    let mem: MemoryLog | undefined = new MemoryLog();
    await fill(mem, N, () => 1);
    replays.push({ log: 'memory', msgsPerSec: Math.round(await instantReplay(mem, N)) });
    mem = undefined; // a million messages: not kept alive through the timing runs
    if (fileLog) {
      const f = await fileLog(path.join(dir, 'replay'));
      await fill(f, N, () => 1);
      replays.push({ log: 'file', msgsPerSec: Math.round(await instantReplay(f, N)) });
      await f.close();
    }
    const timed = [await timing(1, quick ? 60 : 200), await timing(10, quick ? 60 : 200)];
    if (json) {
      process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, maxBatchSize: 50, throughput: tp, instantReplay: { messages: N, results: replays }, originalTiming: timed }, null, 2) + '\n');
      return;
    }
    say('\nConnection throughput at maxBatchSize 50 (same run, interleaved rounds)\n');
    say(table(['path', 'msg/s', 'ratio', 'against (same messages, same rounds)', 'dropped batches'], tp.map((r) => [r.name, fmt(r.msgsPerSec), r.ratio.toFixed(2) + 'x', r.name === r.vs ? '' : r.vs, r.droppedBatches])));
    const file = tp.find((r) => r.name === 'recorded (file log)');
    if (file) say(`\ntarget: recorded through the file log >= 0.8x unrecorded and >= 1M msg/s, no drops: ${file.ratio.toFixed(2)}x, ${fmt(file.msgsPerSec)} msg/s, ${file.droppedBatches} dropped: ${file.ratio >= 0.8 && file.msgsPerSec >= 1e6 && file.droppedBatches === 0 ? 'yes' : 'NO'}`);
    for (const r of tp.filter((x) => x.name.startsWith('recorded (file log), '))) say(`floor: ${r.name} >= 1M msg/s, no drops: ${fmt(r.msgsPerSec)} msg/s, ${r.droppedBatches} dropped: ${r.msgsPerSec >= 1e6 && r.droppedBatches === 0 ? 'yes' : 'NO'}`);
    say(`\nInstant replay of ${fmt(N)} messages into a widget\n`);
    say(table(['log', 'msg/s'], replays.map((r) => [r.log, fmt(r.msgsPerSec)])));
    say('\nOriginal-timing replay on the real clock: |shown gap - recorded gap / speed|\n');
    say(table(['speed', 'gaps', 'p50 ms', 'p99 ms', 'max ms'], timed.map((t) => [`${t.speed}x`, t.gaps, t.p50, t.p99, t.max])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
