// `nats in` against the raw nats.js subscriber, same server, same publisher, interleaved rounds.
// Run alone: node scripts/run-ts.mjs bench/io-nats.ts [--quick] [--json]
// A nats-server child (/usr/sbin/nats-server, or NATS_SERVER) on a free port; the publisher is a
// child process (this file with --publisher), so the subscriber side is measured alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { WorkflowEngine } from '../src/index.js';
import { registerIoNodeTypes } from '../src/io/index.js';
import { fmt, freePort, listening, median, table } from './lib.js';

const CHUNK = 1000; // published, then flushed: the server never queues much for a subscriber

export interface NatsBenchResult {
  readonly messages: number;
  readonly rounds: number;
  readonly rawMsgsPerSec: number;
  readonly nodeMsgsPerSec: number;
  /** Median of the per-round ratios `nats in` / raw. */
  readonly ratio: number;
  readonly perRound: readonly { raw: number; node: number }[];
}


async function startServer() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodeflow-bench-nats-'));
  const child = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  await listening(port, 'nats-server');
  return { url: `nats://127.0.0.1:${port}`, stop: () => (child.kill(), rmSync(dir, { recursive: true, force: true })) };
}

// The publisher child: N small JSON messages, in flushed chunks, as fast as the server takes them.
async function publisher(url: string, subject: string, n: number): Promise<void> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  for (let i = 0; i < n; i += CHUNK) {
    for (let k = i; k < Math.min(n, i + CHUNK); k++) nc.publish(subject, JSON.stringify({ i: k, t: 1700000000000 + k, v: k * 0.5 }));
    await nc.flush();
  }
  await nc.close();
}

function publish(url: string, subject: string, n: number): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--publisher', url, subject, String(n)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited ${code}`)))));
}

// Raw nats.js: a callback subscription that parses each payload, as `nats in` does.
async function rawRound(url: string, subject: string, n: number): Promise<number> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  let got = 0;
  let t0 = 0;
  let sink = 0;
  const done = new Promise<number>((resolve) => {
    nc.subscribe(subject, {
      callback: (_, m) => {
        if (got === 0) t0 = performance.now();
        sink += (m.json() as { i: number }).i & 1;
        if (++got === n) resolve(performance.now() - t0);
      },
    });
  });
  await nc.flush();
  const [ms] = await Promise.all([done, publish(url, subject, n)]);
  await nc.close();
  return sink >= 0 ? (n - 1) / (ms / 1000) : 0;
}

// `nats in` -> engine connection (defaults) -> a widget sink, counted from the run's metrics.
async function nodeRound(url: string, subject: string, n: number): Promise<number> {
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  const run = await wf.executeWorkflow({
    nodes: [{ id: 'in', type: 'nats in', config: { servers: url, subject } }, { id: 'view', type: 'sink.widget' }],
    edges: [{ id: 'e', source: 'in', sourcePort: 'out', target: 'view', targetPort: 'in' }],
  });
  while (run.status().nodes.in?.io?.state !== 'connected') await new Promise((r) => setTimeout(r, 5));
  let t0 = 0;
  const pub = publish(url, subject, n);
  // First arrival and completion, sampled every 2 ms (the node counts its own `received`).
  for (;;) {
    await new Promise((r) => setTimeout(r, 2));
    const delivered = run.metrics().edges.e?.delivered ?? 0;
    if (t0 === 0 && delivered > 0) t0 = performance.now();
    if (delivered >= n) break;
  }
  const ms = performance.now() - t0;
  await pub;
  run.stop();
  await run.done;
  return n / (ms / 1000);
}

/** Interleaved rounds of the raw subscriber and `nats in` on one server. */
export async function runNatsBench(options: { quick?: boolean; onProgress?: (s: string) => void } = {}): Promise<NatsBenchResult> {
  const messages = options.quick ? 100_000 : 300_000;
  const rounds = options.quick ? 3 : 5;
  const server = await startServer();
  const perRound: { raw: number; node: number }[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      options.onProgress?.(`nats round ${r + 1}/${rounds}`);
      const first = r % 2 === 0;
      const a = first ? await rawRound(server.url, `bench.${r}.raw`, messages) : 0;
      const node = await nodeRound(server.url, `bench.${r}.node`, messages);
      const raw = first ? a : await rawRound(server.url, `bench.${r}.raw`, messages);
      perRound.push({ raw, node });
    }
  } finally {
    server.stop();
  }
  return {
    messages,
    rounds,
    rawMsgsPerSec: median(perRound.map((x) => x.raw)),
    nodeMsgsPerSec: median(perRound.map((x) => x.node)),
    ratio: median(perRound.map((x) => x.node / x.raw)),
    perRound,
  };
}

/** The result as a markdown table. */
export const natsTable = (r: NatsBenchResult): string =>
  table(
    ['path (core subject, small JSON)', 'msgs/s (median)', 'vs raw'],
    [
      ['raw nats.js subscriber (callback, JSON.parse)', fmt(r.rawMsgsPerSec), '1.00x'],
      ['nats in → connection → widget', fmt(r.nodeMsgsPerSec), `${r.ratio.toFixed(2)}x (goal >= 0.8x)`],
    ],
  );

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--publisher') return publisher(args[1]!, args[2]!, Number(args[3]));
  const json = args.includes('--json');
  const r = await runNatsBench({ quick: args.includes('--quick'), onProgress: (s) => process.stderr.write(`  … ${s}\n`) });
  const out = json ? process.stderr : process.stdout;
  out.write(`## NATS: ${fmt(r.messages)} messages per round, ${r.rounds} interleaved rounds\n${natsTable(r)}\n`);
  (json ? process.stdout : process.stderr).write(JSON.stringify({ nats: r }, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
