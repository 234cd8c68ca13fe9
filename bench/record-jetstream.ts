// The JetStream record log (issue 18) on a local nats-server (Debian's 2.9.10, file store in a
// temp folder, started and removed here). Batches of 50 small messages, 1M messages by default:
// - append: log.append() of every batch (yielding a turn every 64, as a recording does between
//   hand-offs), until sync() says every batch has its PubAck;
// - read: every batch back through log.read({ seq: 1 }) (binary search, ordered consumer, decode);
// - instant replay into a widget: replay(engine, log, 'view') at maxBatchSize 50, until done.
//   Goal (issue 18): >= 500k msg/s from JetStream.
// - original timing: 200 batches recorded 5-30 ms apart, replayed at 1x on the real clock from
//   the stream: |shown gap - recorded gap| per batch (goal: within 5 ms), and the same from a
//   MemoryLog as a control (what the loaded machine's timers give without the store).
// Medians of interleaved rounds; each round appends into a fresh stream.
//
// Run: node scripts/run-ts.mjs bench/record-jetstream.ts [--json] [--messages=N] [--rounds=N]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamEngine } from '../src/index.js';
import type { StreamMessage } from '../src/message.js';
import { openJetStreamLog, type JetStreamLog } from '../src/record/jetstream/jetstream-log.js';
import { MemoryLog } from '../src/record/memory-log.js';
import type { RecordLog } from '../src/record/record-log.js';
import { replay } from '../src/record/replay.js';
import { instantReplayRate } from './record-replay.js';
import { fmt, freePort, listening, median, table } from './lib.js';

const BATCH = 50;
const json = process.argv.includes('--json');
const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const quick = process.argv.includes('--quick');
const N = arg('messages', quick ? 200_000 : 1_000_000);
const ROUNDS = arg('rounds', quick ? 2 : 3);
const BATCHES = Math.ceil(N / BATCH);
const say = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');

// 200 distinct batches, reused: building messages is not what is measured.
const pool: StreamMessage[][] = Array.from({ length: 200 }, (_, b) =>
  Array.from({ length: BATCH }, (_, i) => ({ id: b * BATCH + i, timestamp: 1_750_000_000_000 + i, sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: { value: (b * 31 + i) % 997 } })),
);

/** Time spent inside append() calls (encode + publish call): what a recorded connection pays per batch. */
let inAppendMs = 0;

async function append(log: JetStreamLog): Promise<number> {
  const t = performance.now();
  inAppendMs = 0;
  for (let k = 0; k < BATCHES; k++) {
    const a = performance.now();
    log.append({ seq: k * BATCH + 1, at: k, messages: pool[k % 200]! });
    inAppendMs += performance.now() - a;
    if ((k & 63) === 63) await new Promise((r) => setImmediate(r));
  }
  await log.sync();
  const ms = performance.now() - t;
  const s = log.stats();
  if (s.droppedBatches > 0 || s.batches !== BATCHES) throw new Error(`append: ${s.batches}/${BATCHES} stored, ${s.droppedBatches} dropped`);
  return N / (ms / 1000);
}

async function read(log: JetStreamLog): Promise<number> {
  const t = performance.now();
  let n = 0;
  for await (const b of log.read({ seq: 1 })) n += b.messages.length;
  const ms = performance.now() - t;
  if (n !== BATCHES * BATCH) throw new Error(`read ${n}/${BATCHES * BATCH}`);
  return n / (ms / 1000);
}


type Timing = { log: string; gaps: number; p50: number; p99: number; max: number };

/** Original-timing replay at 1x of 200 batches 5-30 ms apart, from `log`: |shown gap - recorded gap|. */
async function timing(name: string, log: RecordLog): Promise<Timing> {
  const gaps: number[] = [];
  let at = 0;
  for (let k = 0; k < 200; k++) {
    const g = 5 + Math.floor(Math.random() * 26);
    gaps.push(g);
    at += g;
    log.append({ seq: k * BATCH + 1, at, messages: pool[k % 200]! });
  }
  await log.sync();
  const engine = new StreamEngine({ maxBatchSize: BATCH });
  const w = engine.createWidget('view', { bufferSize: 100 });
  const shown: number[] = [];
  w.data$.subscribe(() => shown.push(performance.now()));
  await replay(engine, log, 'view', { speed: 1 }).done;
  engine.dispose();
  await log.close();
  const errors = shown.slice(1).map((t, i) => Math.abs(t - shown[i]! - gaps[i + 1]!)).sort((a, b) => a - b);
  const q = (p: number) => +errors[Math.min(errors.length - 1, Math.floor(p * errors.length))]!.toFixed(3);
  return { log: name, gaps: errors.length, p50: q(0.5), p99: q(0.99), max: +errors.at(-1)!.toFixed(3) };
}

async function main(): Promise<void> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-bench-js-'));
  const port = await freePort();
  const server = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
  const rates = { append: [] as number[], read: [] as number[], replay: [] as number[] };
  const nsPerMessage: number[] = [];
  const timed: Timing[] = [];
  try {
    await listening(port, 'nats-server');
    for (let r = 0; r < ROUNDS; r++) {
      const log = await openJetStreamLog({ servers: `nats://127.0.0.1:${port}`, stream: `bench-${r}` });
      try {
        rates.append.push(await append(log));
        nsPerMessage.push((inAppendMs * 1e6) / (BATCHES * BATCH));
        rates.read.push(await read(log));
        rates.replay.push(await instantReplayRate(log, BATCHES * BATCH, BATCH));
      } finally {
        await log.close();
      }
      say(`round ${r + 1}/${ROUNDS}: append ${fmt(rates.append[r]!)}, read ${fmt(rates.read[r]!)}, replay ${fmt(rates.replay[r]!)} msg/s`);
    }
    // The same replay from a MemoryLog right after: what the machine's timers give without the store.
    timed.push(await timing('jetstream', await openJetStreamLog({ servers: `nats://127.0.0.1:${port}`, stream: 'bench-timing' })));
    timed.push(await timing('memory (control)', new MemoryLog()));
  } finally {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await gone;
    fs.rmSync(store, { recursive: true, force: true });
  }
  const rows = [
    ['append (until every PubAck)', rates.append],
    ['read (decode included)', rates.read],
    ['instant replay into a widget (goal >= 500k)', rates.replay],
  ] as const;
  if (json) {
    const results = rows.map(([name, xs]) => ({ case: name, medianMsgsPerSec: Math.round(median([...xs])), rounds: xs.map(Math.round) }));
    const appendCallNsPerMessage = Math.round(median(nsPerMessage));
    process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, messages: BATCHES * BATCH, batch: BATCH, results, appendCallNsPerMessage, originalTiming: timed }, null, 2) + '\n');
    return;
  }
  say(`\nJetStream record log, ${fmt(BATCHES * BATCH)} messages in batches of ${BATCH}, medians of ${ROUNDS} rounds\n`);
  say(table(['case', 'msg/s (median)', 'rounds'], rows.map(([name, xs]) => [name, fmt(median([...xs])), xs.map((x) => fmt(x)).join(' / ')])));
  say('\nOriginal timing at 1x, |shown gap - recorded gap| in ms over 199 gaps of 5-30 ms (goal: within 5 ms)\n');
  say(table(['log', 'p50', 'p99', 'max'], timed.map((t) => [t.log, t.p50, t.p99, t.max])));
  say(`\nappend() call alone (encode + publish call, the hot-path cost): ${fmt(median(nsPerMessage))} ns per message`);
}

await main();
