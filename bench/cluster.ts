// A workflow across processes (issue 17): an edge from this process to a `nodeflow worker` child
// against raw nats.js JetStream with the same frames and window (interleaved rounds, same server);
// latency at 10k and 100k msg/s offered, from each message's intended send time to its arrival
// in the worker; and a CPU-bound workflow (10 µs per message) on one worker against two.
// Not a test: progress on stderr, a table, JSON (stdout with --json; the table then on stderr).
// Run: npm run bench:cluster [-- --quick] [-- --json] [-- --only throughput|latency|scaling]
import os from 'node:os';
import { connect } from '@nats-io/transport-node';
import { natsCluster, type Cluster, type ClusterEdgeStats } from '../src/cluster/index.js';
import { EDGE, engineRound, latencyRun, scalingRound } from './cluster-cases.js';
import { cpuMs, startServer, startWorker, stopAll } from './cluster-procs.js';
import { fmt, fmtMs, median, table } from './lib.js';
import { BATCH, FRAMES, MAX_FRAMES, rawRound } from './transport-jetstream.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
// The report's lines also go into the JSON (`report`), so `npm run bench -- --cluster` prints them.
const report: string[] = [];
const log = (s: string) => (report.push(s), (json ? process.stderr : process.stdout).write(s + '\n'));
const progress = (s: string) => process.stderr.write(`  … cluster: ${s}\n`);
type Target = { name: string; value: string; goal: string; met: boolean };
const targets: Target[] = [];
const rowOf = (name: string, xs: number[]) => [name, fmt(median(xs)), fmt(Math.min(...xs)), fmt(Math.max(...xs))];

async function throughput(cluster: Cluster, url: string) {
  const rounds = quick ? 3 : 5;
  const nc = await connect({ servers: url, noAsyncTraces: true });
  progress('throughput warm-up');
  await rawRound(nc, url, 'raw-warm', true);
  await rawRound(nc, url, 'credit-warm', true, true);
  await engineRound(cluster, FRAMES * BATCH);
  // raw: windowed by the consumer's acks (the edge's own end-to-end window); rawPubAck: by
  // PubAcks, the server buffering the rest (the issue's 265k msg/s set-up), reported beside it.
  const perRound: { raw: number; rawPubAck: number; engine: number }[] = [];
  let edge: ClusterEdgeStats | undefined;
  // CPU µs per message by process over a round (its set-up and teardown included): where the time goes.
  const cpuOf = async <T>(f: () => Promise<T>): Promise<[T, Record<string, number>]> => {
    const before = cpuMs();
    const r = await f();
    return [r, Object.fromEntries(Object.entries(cpuMs()).map(([k, v]) => [k, Math.round(((v - (before[k] ?? 0)) * 1000 * 10) / (FRAMES * BATCH)) / 10]))];
  };
  let cpu: Record<string, Record<string, number>> = {};
  for (let r = 0; r < rounds; r++) {
    const [raw, rawCpu] = await cpuOf(() => rawRound(nc, url, `credit${r}`, true, true));
    const rawPubAck = await rawRound(nc, url, `raw${r}`, true);
    const [e, engineCpu] = await cpuOf(() => engineRound(cluster, FRAMES * BATCH));
    cpu = { raw: rawCpu, engine: engineCpu };
    edge = e.edge;
    perRound.push({ raw, rawPubAck, engine: e.rate });
    progress(`throughput round ${r + 1}/${rounds}: raw ${fmt(raw)} (PubAck window ${fmt(rawPubAck)}), engine ${fmt(e.rate)} msg/s`);
  }
  await nc.close();
  const t = { messages: FRAMES * BATCH, rounds, rawMsgsPerSec: median(perRound.map((p) => p.raw)), rawPubAckMsgsPerSec: median(perRound.map((p) => p.rawPubAck)), engineMsgsPerSec: median(perRound.map((p) => p.engine)), ratio: median(perRound.map((p) => p.engine / p.raw)), ratioPubAck: median(perRound.map((p) => p.engine / p.rawPubAck)), perRound, cpuUsPerMessage: cpu, lastEdge: edge };
  log(`\n### Throughput: ${fmt(t.messages)} messages a round, ${rounds} interleaved rounds; edge bufferSize ${EDGE.bufferSize}, maxBatchSize ${BATCH} (maxFrames ${MAX_FRAMES}); raw: frames of ${BATCH}, ${MAX_FRAMES} in flight`);
  log(table(['publisher here, consumer in a child process', 'msg/s (median)', 'min', 'max'], [
    rowOf('raw nats.js JetStream, 64 frames not acked by the consumer', perRound.map((p) => p.raw)),
    rowOf('raw nats.js JetStream, 64 frames without PubAck (server buffers)', perRound.map((p) => p.rawPubAck)),
    rowOf('engine: source → edge → sink in a worker', perRound.map((p) => p.engine)),
  ]));
  // The raw consumer child is not tracked here: its CPU is not in the raw column.
  log(`CPU µs per message by process (last round, raw / engine): coordinator ${cpu.raw?.coordinator} / ${cpu.engine?.coordinator}, nats-server ${cpu.raw?.['nats-server']} / ${cpu.engine?.['nats-server']}, consumer (w1) - / ${cpu.engine?.w1}`);
  targets.push({ name: 'engine edge / raw nats.js JetStream, same window, two processes', value: `${t.ratio.toFixed(2)}x`, goal: '>= 0.75x', met: t.ratio >= 0.75 });
  targets.push({ name: 'engine edge / raw nats.js windowed by PubAcks (reported)', value: `${t.ratioPubAck.toFixed(2)}x`, goal: 'reported', met: true });
  return t;
}

async function latency(cluster: Cluster) {
  const out = [];
  for (const rate of [10_000, 100_000]) {
    progress(`latency at ${fmt(rate)} msg/s`);
    out.push(await latencyRun(cluster, rate, quick ? 1 : 3));
  }
  log('\n### Latency: intended send time here → arrival in the worker (the first 250 ms left out)');
  log(table(['offered msg/s', 'achieved', 'p50', 'p99', 'max'], out.map((l) => [fmt(l.offered), fmt(l.achieved), fmtMs(l.p50), fmtMs(l.p99), fmtMs(l.max)])));
  const at100k = out.find((l) => l.offered === 100_000)!;
  targets.push({ name: 'p50 at 100k msg/s offered', value: fmtMs(at100k.p50), goal: '<= 2 ms', met: at100k.p50 <= 2 });
  return out;
}

async function scaling(cluster: Cluster) {
  const n = quick ? 60_000 : 200_000;
  progress('scaling warm-up');
  await scalingRound(cluster, 1, n / 4);
  await scalingRound(cluster, 2, n / 4);
  const perRound: { one: number; two: number; cpuUsPerMessage: { one: Record<string, number>; two: Record<string, number> } }[] = [];
  for (let r = 0; r < (quick ? 2 : 3); r++) {
    const a = await scalingRound(cluster, 1, n);
    const b = await scalingRound(cluster, 2, n);
    const [one, two] = [a.rate, b.rate];
    perRound.push({ one, two, cpuUsPerMessage: { one: a.cpuUsPerMessage, two: b.cpuUsPerMessage } });
    progress(`scaling round ${r + 1}: one worker ${fmt(one)}, two ${fmt(two)} msg/s`);
  }
  const s = { messages: n, usPerMessage: 10, cpus: os.cpus().length, oneWorkerMsgsPerSec: median(perRound.map((p) => p.one)), twoWorkersMsgsPerSec: median(perRound.map((p) => p.two)), ratio: median(perRound.map((p) => p.two / p.one)), perRound };
  log(`\n### Scaling: 2 sources here → 2 nodes busy 10 µs/message → 2 sinks here, ${fmt(n)} messages; ${s.cpus} cores shared with nats-server and this process`);
  log(table(['middle nodes on', 'msg/s delivered (median)', 'min', 'max'], [rowOf('one worker process', perRound.map((p) => p.one)), rowOf('two worker processes', perRound.map((p) => p.two))]));
  const cpu = perRound.at(-1)!.cpuUsPerMessage;
  const names = Object.keys(cpu.two);
  log(`CPU µs per message by process (last round): ${names.map((k) => `${k} ${cpu.one[k] ?? '-'} / ${cpu.two[k] ?? '-'}`).join(', ')} (one worker / two)`);
  targets.push({ name: `two workers / one, 10 µs per message (${s.cpus} cores)`, value: `${s.ratio.toFixed(2)}x`, goal: '>= 1.3x', met: s.ratio >= 1.3 });
  return s;
}

async function main(): Promise<void> {
  const start = os.loadavg()[0]!;
  log(`## Across processes (nats-server 2.9.10 child, file store; node ${process.version}; ${os.cpus().length} cores; load average ${start.toFixed(2)} at the start)`);
  const url = await startServer();
  const cluster = natsCluster({ servers: url });
  await Promise.all([startWorker(url, 'w1'), startWorker(url, 'w2')]);
  const result = {
    version: 1,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    quick,
    edge: EDGE,
    throughput: only === undefined || only === 'throughput' ? await throughput(cluster, url) : undefined,
    latency: only === undefined || only === 'latency' ? await latency(cluster) : undefined,
    scaling: only === undefined || only === 'scaling' ? await scaling(cluster) : undefined,
    loadAverage: { start, end: os.loadavg()[0]! },
    targets,
    report,
  };
  await stopAll();
  // Not in `report`: `npm run bench -- --cluster` prints these targets in its own table.
  const out = json ? process.stderr : process.stdout;
  out.write(`\n### Targets (load average ${start.toFixed(2)} → ${result.loadAverage.end.toFixed(2)})\n`);
  out.write(table(['target', 'measured', 'goal', 'met'], targets.map((t) => [t.name, t.value, t.goal, t.met ? 'yes' : 'NO'])) + '\n');
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch(async (e: unknown) => {
  console.error('bench:cluster failed:', e);
  await stopAll().catch(() => undefined);
  process.exit(1);
});
