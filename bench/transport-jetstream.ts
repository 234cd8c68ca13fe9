// The JetStream carrier (both ends) against raw nats.js JetStream with the same batch frames,
// same server, same stream set-up, interleaved rounds in one process (both sides share a core
// here, as both raw sides do). Not a test: prints a table, or JSON with --json.
// Run: node scripts/run-ts.mjs bench/transport-jetstream.ts [--quick] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { StreamMessage } from '../src/message.js';
import { decodeFrame, encodeFrame, ensureRunStreams, jetStreamCarriers, removeRunStreams } from '../src/transport/jetstream/index.js';
import { fmt, freePort, listening, median, table } from './lib.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const BATCH = 50;
const FRAMES = quick ? 1000 : 4000;
const MAX_FRAMES = 64; // bufferSize 3200 / maxBatchSize 50
const ROUNDS = quick ? 2 : 5;
let retries = 0;

// About 100 bytes of JSON per message, as in the measurements.
const frameOf = (seq: number): StreamMessage[] =>
  Array.from({ length: BATCH }, (_, i) => ({ id: seq * BATCH + i, timestamp: 1_700_000_000_000, sourceNodeId: 'src', targetNodeId: 'dst', port: 'in', data: { v: i, s: 'abcdefgh' } }));

async function carrierRound(nc: NatsConnection, run: string): Promise<number> {
  await ensureRunStreams(nc, { run, edges: [{ edge: 'e', maxFrames: MAX_FRAMES }] });
  const c = jetStreamCarriers({ connection: nc, run, edge: 'e', maxFrames: MAX_FRAMES });
  const consumer = c.consumer();
  const producer = c.producer();
  let sent = 0;
  let upTo = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const fill = () => {
    while (sent < FRAMES && sent - upTo < MAX_FRAMES) producer.send({ seq: ++sent, messages: frameOf(sent) });
  };
  await consumer.open({ frame: (f) => (consumer.settle(f.seq), consumer.request(1)), link: () => undefined });
  await producer.open({ settled: (u) => ((upTo = u), u === FRAMES ? done() : fill()), deadLettered: () => undefined, link: () => undefined });
  const t0 = performance.now();
  consumer.request(MAX_FRAMES);
  fill();
  await finished;
  const ms = performance.now() - t0;
  retries += producer.retries;
  await Promise.all([producer.close(), consumer.close()]);
  await removeRunStreams(nc, run);
  return (FRAMES * BATCH) / (ms / 1000);
}

// Raw nats.js: JSON frames, one consume() with explicit acks, at most MAX_FRAMES published and not
// yet acked by the consumer (the same window the carrier keeps, so the per-subject bound holds).
async function rawRound(nc: NatsConnection, run: string): Promise<number> {
  // Twice the bound on the server: a raw publisher has no retry, and an ack the client sent is
  // not yet applied when the next publish arrives (the carrier retries those refusals).
  await ensureRunStreams(nc, { run, edges: [{ edge: 'e', maxFrames: 2 * MAX_FRAMES }] });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(`nodeflow_${run}`, 'e');
  const t0 = performance.now();
  const messages = await consumer.consume({ max_messages: MAX_FRAMES });
  let acked = 0;
  let wake: (() => void) | undefined;
  const consuming = (async () => {
    for await (const m of messages) {
      JSON.parse(m.string());
      m.ack();
      acked++;
      wake?.();
      wake = undefined;
      if (acked === FRAMES) break;
    }
  })();
  const pubAcks: Promise<unknown>[] = [];
  for (let seq = 1; seq <= FRAMES; seq++) {
    while (seq - 1 - acked >= MAX_FRAMES) await new Promise<void>((r) => (wake = r));
    pubAcks.push(js.publish(`nodeflow.${run}.e`, JSON.stringify(frameOf(seq)), { msgID: `${run}.${seq}` }));
  }
  await Promise.all([consuming, ...pubAcks]);
  const ms = performance.now() - t0;
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

async function main(): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodeflow-bench-js-'));
  const server = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  try {
    await listening(port, 'nats-server');
    const nc = await connect({ servers: `nats://127.0.0.1:${port}`, noAsyncTraces: true });
    const perRound: { raw: number; carrier: number }[] = [];
    await rawRound(nc, 'warm-raw');
    await carrierRound(nc, 'warm-carrier');
    for (let r = 0; r < ROUNDS; r++) perRound.push({ raw: await rawRound(nc, `raw${r}`), carrier: await carrierRound(nc, `carrier${r}`) });
    await nc.close();
    const result = {
      batch: BATCH,
      frames: FRAMES,
      maxFrames: MAX_FRAMES,
      rounds: ROUNDS,
      rawMsgsPerSec: median(perRound.map((p) => p.raw)),
      carrierMsgsPerSec: median(perRound.map((p) => p.carrier)),
      carrierFramesPerSec: median(perRound.map((p) => p.carrier)) / BATCH,
      ratio: median(perRound.map((p) => p.carrier / p.raw)),
      codecMicrosPerMsg: codecCost(),
      carrierPublishRetries: retries,
      perRound,
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(table(['', 'msg/s', 'frames/s'], [
        ['raw nats.js', fmt(result.rawMsgsPerSec), fmt(result.rawMsgsPerSec / BATCH)],
        ['carrier', fmt(result.carrierMsgsPerSec), fmt(result.carrierFramesPerSec)],
      ]));
      console.log(`carrier / raw (median of per-round ratios): ${result.ratio.toFixed(2)}; codec encode+decode ${result.codecMicrosPerMsg.toFixed(2)} µs/msg`);
      console.log(JSON.stringify(result));
    }
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
