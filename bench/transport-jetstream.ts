// The JetStream carrier (both ends) against raw nats.js JetStream with the same batch frames,
// same server, same stream set-up, interleaved rounds. Not a test: prints a table, or JSON.
// Default: both ends in this process. --two-process: the consumer end (carrier or raw) runs in a
// child process (this file with --child), as an edge across processes would.
// --headroom: the stream's per-subject bound at twice the edge's, to price the refusal race.
// Run: node scripts/run-ts.mjs bench/transport-jetstream.ts [--quick] [--json] [--two-process] [--headroom]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { StreamMessage } from '../src/message.js';
import { decodeFrame, encodeFrame, ensureRunStreams, jetStreamCarriers, removeRunStreams } from '../src/transport/jetstream/index.js';
import { fmt, freePort, listening, median, table } from './lib.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const twoProcessArg = process.argv.includes('--two-process');
const headroom = process.argv.includes('--headroom');
// Exported (with frameOf and rawRound) for bench/cluster.ts, whose raw baseline this is.
export const BATCH = 50;
export const FRAMES = quick ? 1000 : 4000;
export const MAX_FRAMES = 64; // bufferSize 3200 / maxBatchSize 50
/** Consumer child processes still running: an importer's interrupt handler kills them. */
export const children = new Set<ChildProcess>();
const self = fileURLToPath(import.meta.url);
const ROUNDS = quick ? 2 : 5;
let retries = 0;

// About 100 bytes of JSON per message, as in the measurements.
export const frameOf = (seq: number): StreamMessage[] =>
  Array.from({ length: BATCH }, (_, i) => ({ id: seq * BATCH + i, timestamp: 1_700_000_000_000, sourceNodeId: 'src', targetNodeId: 'dst', port: 'in', data: { v: i, s: 'abcdefgh' } }));

// The consumer ends; each resolves once FRAMES frames were taken.
async function carrierConsumer(nc: NatsConnection, run: string, started: () => void): Promise<void> {
  const consumer = jetStreamCarriers({ connection: nc, run, edge: 'e', maxFrames: MAX_FRAMES }).consumer();
  let n = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.open({ frame: (f) => (consumer.settle(f.seq), consumer.request(1), ++n === FRAMES && done()), link: () => undefined });
  consumer.request(MAX_FRAMES);
  started();
  await finished;
  await consumer.close();
}

async function rawConsumer(nc: NatsConnection, run: string, started: () => void, onAck: () => void = () => undefined): Promise<void> {
  const messages = await jetstream(nc).consumers.get(`nodeflow_${run}`, 'e').then((c) => c.consume({ max_messages: MAX_FRAMES }));
  started();
  let n = 0;
  for await (const m of messages) {
    JSON.parse(m.string());
    m.ack();
    onAck();
    if (++n === FRAMES) break;
  }
}

// Starts the consumer end here, or in a child; resolves `ready` once it pulls, `done` at the end.
function consumerEnd(nc: NatsConnection, url: string, mode: 'raw' | 'raw-credit' | 'carrier', run: string, onAck?: () => void, twoProcess = twoProcessArg): { ready: Promise<void>; done: Promise<void> } {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  if (!twoProcess) return { ready: isReady, done: mode === 'raw' ? rawConsumer(nc, run, ready, onAck) : carrierConsumer(nc, run, ready) };
  const child = spawn(process.execPath, [self, '--child', mode, url, run, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const done = new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => (l === 'ready' ? ready() : l === 'done' ? resolve() : undefined));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`consumer child exited ${code}`))));
  });
  return { ready: isReady, done };
}

async function carrierRound(nc: NatsConnection, url: string, run: string): Promise<number> {
  // --headroom: the server's per-subject bound at twice the producer end's (no refusal race).
  await ensureRunStreams(nc, { run, edges: [{ edge: 'e', maxFrames: headroom ? 2 * MAX_FRAMES : MAX_FRAMES }] });
  const end = consumerEnd(nc, url, 'carrier', run);
  await end.ready;
  const producer = jetStreamCarriers({ connection: nc, run, edge: 'e', maxFrames: MAX_FRAMES }).producer();
  let sent = 0;
  let upTo = 0;
  let settled!: () => void;
  const finished = new Promise<void>((r) => (settled = r));
  const fill = () => {
    while (sent < FRAMES && sent - upTo < MAX_FRAMES) producer.send({ seq: ++sent, messages: frameOf(sent) });
  };
  await producer.open({ settled: (u) => ((upTo = u), u === FRAMES ? settled() : fill()), deadLettered: () => undefined, link: () => undefined });
  const t0 = performance.now();
  fill();
  await finished;
  const ms = performance.now() - t0;
  retries += producer.retries;
  await Promise.all([producer.close(), end.done]);
  await removeRunStreams(nc, run);
  return (FRAMES * BATCH) / (ms / 1000);
}

// Raw nats.js: JSON frames, at most MAX_FRAMES published and not yet acknowledged (by the
// consumer's acks in one process; by PubAcks across processes, where the publisher cannot see
// the consumer's acks: the stream is then bounded at FRAMES, not MAX_FRAMES). `credit` (two
// processes): windowed by the consumer's acks instead, which the child reports as one core NATS
// message per ack on nodeflow.<run>.credit (bench/cluster.ts: the edge's own end-to-end window).
export async function rawRound(nc: NatsConnection, url: string, run: string, twoProcess = twoProcessArg, credit = false): Promise<number> {
  // Twice the bound in one process: an ack the client sent is not yet applied when the next
  // publish arrives, and a raw publisher has no retry (the carrier retries those refusals).
  await ensureRunStreams(nc, { run, edges: [{ edge: 'e', maxFrames: twoProcess ? FRAMES : 2 * MAX_FRAMES }] });
  const js = jetstream(nc);
  let acked = 0;
  let wake: (() => void) | undefined;
  const ack = () => (acked++, wake?.(), (wake = undefined));
  const credits = credit ? nc.subscribe(`nodeflow.${run}.credit`, { callback: ack }) : undefined;
  if (credits) await nc.flush(); // subscribed at the server before the child can ack
  const end = consumerEnd(nc, url, credit ? 'raw-credit' : 'raw', run, ack, twoProcess);
  await end.ready;
  const t0 = performance.now();
  const pubAcks: Promise<unknown>[] = [];
  for (let seq = 1; seq <= FRAMES; seq++) {
    while (seq - 1 - acked >= MAX_FRAMES) await new Promise<void>((r) => (wake = r));
    const p = js.publish(`nodeflow.${run}.e`, JSON.stringify(frameOf(seq)), { msgID: `${run}.${seq}` });
    if (twoProcess && !credit) void p.then(ack);
    pubAcks.push(p);
  }
  await Promise.all([end.done, ...pubAcks]);
  const ms = performance.now() - t0;
  credits?.unsubscribe();
  await removeRunStreams(nc, run);
  return (FRAMES * BATCH) / (ms / 1000);
}

function codecCost(): number {
  const frame = frameOf(1);
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) decodeFrame(encodeFrame(frame), 'bench');
  return ((performance.now() - t0) * 1000) / (n * BATCH);
}

async function child(mode: string, url: string, run: string): Promise<void> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const credit = mode === 'raw-credit' ? () => nc.publish(`nodeflow.${run}.credit`) : undefined;
  await (mode === 'carrier' ? carrierConsumer(nc, run, () => console.log('ready')) : rawConsumer(nc, run, () => console.log('ready'), credit));
  await nc.close();
  console.log('done');
}

async function main(): Promise<void> {
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodeflow-bench-js-'));
  const server = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  // Interrupted (Ctrl-C, a timeout): the server child and its store go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (server.kill(), rmSync(dir, { recursive: true, force: true }), process.exit(130)));
  try {
    await listening(port, 'nats-server');
    const nc = await connect({ servers: url, noAsyncTraces: true });
    const perRound: { raw: number; carrier: number }[] = [];
    await rawRound(nc, url, 'warm-raw');
    await carrierRound(nc, url, 'warm-carrier');
    for (let r = 0; r < ROUNDS; r++) perRound.push({ raw: await rawRound(nc, url, `raw${r}`), carrier: await carrierRound(nc, url, `carrier${r}`) });
    await nc.close();
    const carrier = median(perRound.map((p) => p.carrier));
    const result = {
      processes: twoProcessArg ? 2 : 1,
      serverBoundFrames: headroom ? 2 * MAX_FRAMES : MAX_FRAMES,
      batch: BATCH,
      frames: FRAMES,
      maxFrames: MAX_FRAMES,
      rounds: ROUNDS,
      rawMsgsPerSec: median(perRound.map((p) => p.raw)),
      carrierMsgsPerSec: carrier,
      carrierFramesPerSec: carrier / BATCH,
      ratio: median(perRound.map((p) => p.carrier / p.raw)),
      codecMicrosPerMsg: codecCost(),
      carrierPublishRetries: retries,
      perRound,
    };
    if (!json) {
      console.log(table(['', 'msg/s', 'frames/s'], [
        ['raw nats.js', fmt(result.rawMsgsPerSec), fmt(result.rawMsgsPerSec / BATCH)],
        ['carrier', fmt(carrier), fmt(result.carrierFramesPerSec)],
      ]));
      console.log(`carrier / raw (median of per-round ratios): ${result.ratio.toFixed(2)}; codec encode+decode ${result.codecMicrosPerMsg.toFixed(2)} µs/msg`);
    }
    console.log(JSON.stringify(result));
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1]!, process.argv[at + 2]!, process.argv[at + 3]!);
else if (process.argv[1] === self) await main();
