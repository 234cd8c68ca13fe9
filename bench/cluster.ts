// A workflow across processes (issue 17): an edge from this process to a `nodeflow worker` child
// against raw nats.js JetStream with the same frames and window (interleaved rounds, same server);
// latency at 10k and 100k msg/s offered, from each message's intended send time to its arrival
// in the worker; and a CPU-bound workflow (10 µs per message) in one process, on one worker, on two.
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
  // The verdict is the median of the per-round ratios (each round's pair ran back to back); the
  // ratio of the two medians above is printed beside it, since single rounds swing a lot.
  log(`engine / raw: median of per-round ratios ${t.ratio.toFixed(2)}x (rounds ${perRound.map((p) => (p.engine / p.raw).toFixed(2)).join(', ')}); ratio of the medians ${(median(perRound.map((p) => p.engine)) / median(perRound.map((p) => p.raw))).toFixed(2)}x`);
  targets.push({ name: 'engine edge / raw nats.js JetStream, same window, two processes (median of per-round ratios)', value: `${t.ratio.toFixed(2)}x`, goal: '>= 0.75x', met: t.ratio >= 0.75 });
  targets.push({ name: 'engine edge / raw nats.js windowed by PubAcks (reported)', value: `${t.ratioPubAck.toFixed(2)}x`, goal: 'reported', met: true });
  return t;
}

async function latency(cluster: Cluster) {
  const out = [];
  for (const rate of [10_000, 100_000]) {
    progress(`latency at ${fmt(rate)} msg/s`);
    out.push(await latencyRun(cluster, rate, quick ? 1 : 3));
  }
  log('\n### Latency: intended send time here → arrival in the worker (the first 250 ms left out); "from emit": from the time the source really emitted it (without its ~1 ms timer tick)');
  log(table(['offered msg/s', 'achieved', 'p50', 'p99', 'max', 'p50 from emit', 'p99 from emit'], out.map((l) => [fmt(l.offered), fmt(l.achieved), fmtMs(l.p50), fmtMs(l.p99), fmtMs(l.max), fmtMs(l.p50Sent), fmtMs(l.p99Sent)])));
  const at100k = out.find((l) => l.offered === 100_000)!;
  targets.push({ name: `p50 at 100k msg/s offered (achieved ${fmt(at100k.achieved)}), from intended send time`, value: fmtMs(at100k.p50), goal: '<= 2 ms', met: at100k.p50 <= 2 });
  targets.push({ name: 'the same from the source\'s real emit, without its timer tick (reported)', value: fmtMs(at100k.p50Sent), goal: 'reported', met: true });
  return out;
}

// The issue's goal: "scaling of a CPU-bound workflow from one to two worker processes", ≥ 1.3x,
// with the server and the source on the same cores: held to c/b, (c) two workers against (b) one
// worker running both partitions behind the same crossing. (a), the same workflow in one process
// with no NATS at all, is reported beside it: c/a is what a user gains over not distributing.
// Each at frames of 50 and of 200.
const LAYOUTS = [['local', 'a: one process, plain executeWorkflow (no NATS)'], [1, 'b: one worker, both partitions'], [2, 'c: two workers, one partition each']] as const;

async function scaling(cluster: Cluster) {
  const n = quick ? 60_000 : 200_000;
  const rounds = quick ? 2 : 3;
  const out = [];
  for (const batch of [BATCH, 200]) {
    progress(`scaling warm-up, maxBatchSize ${batch}`);
    for (const [l] of LAYOUTS) await scalingRound(cluster, l, n / 4, batch);
    const perRound: { a: number; b: number; c: number; cpuUsPerMessage: Record<string, Record<string, number>> }[] = [];
    for (let r = 0; r < rounds; r++) {
      const [a, b, c] = [await scalingRound(cluster, 'local', n, batch), await scalingRound(cluster, 1, n, batch), await scalingRound(cluster, 2, n, batch)];
      perRound.push({ a: a.rate, b: b.rate, c: c.rate, cpuUsPerMessage: { a: a.cpuUsPerMessage, b: b.cpuUsPerMessage, c: c.cpuUsPerMessage } });
      progress(`scaling (batch ${batch}) round ${r + 1}: one process ${fmt(a.rate)}, one worker ${fmt(b.rate)}, two workers ${fmt(c.rate)} msg/s`);
    }
    const s = { maxBatchSize: batch, bufferSize: MAX_FRAMES * batch, oneProcessMsgsPerSec: median(perRound.map((p) => p.a)), oneWorkerMsgsPerSec: median(perRound.map((p) => p.b)), twoWorkersMsgsPerSec: median(perRound.map((p) => p.c)), ratioToOneProcess: median(perRound.map((p) => p.c / p.a)), ratioToOneWorker: median(perRound.map((p) => p.c / p.b)), perRound };
    log(`\n### Scaling, maxBatchSize ${batch} (bufferSize ${fmt(s.bufferSize)}): 2 sources here → 2 nodes busy 10 µs/message → 2 sinks beside them, ${fmt(n)} messages, ${rounds} interleaved rounds; ${os.cpus().length} cores shared by nats-server, this process and the workers`);
    log(table(['layout', 'msg/s delivered (median)', 'min', 'max'], LAYOUTS.map(([, name], k) => rowOf(name, perRound.map((p) => [p.a, p.b, p.c][k]!)))));
    log(`two workers / one process (c/a) ${s.ratioToOneProcess.toFixed(2)}x, two workers / one worker (c/b) ${s.ratioToOneWorker.toFixed(2)}x`);
    const cpu = perRound.at(-1)!.cpuUsPerMessage;
    const names = Object.keys(cpu.c!);
    log(`CPU µs per message by process (last round, a / b / c): ${names.map((k) => `${k} ${['a', 'b', 'c'].map((x) => cpu[x]![k] ?? '-').join(' / ')}`).join(', ')}; os.cpus().length ${os.cpus().length}`);
    // What each layout could deliver on idle cores from its CPU per message alone: every process
    // bounded by one core, all together by os.cpus().length. The ratio of these is the scaling a
    // quiet machine allows; the measured ratio also depends on the share other jobs leave.
    const ceiling = (c: Record<string, number>) => Math.min(os.cpus().length * 1e6 / Object.values(c).reduce((x, y) => x + y, 0), ...Object.values(c).filter((v) => v > 0).map((v) => 1e6 / v));
    const ceilings = { a: ceiling(cpu.a!), b: ceiling(cpu.b!), c: ceiling(cpu.c!) };
    log(`CPU-bound ceiling on ${os.cpus().length} idle cores from those figures: a ${fmt(ceilings.a)}, b ${fmt(ceilings.b)}, c ${fmt(ceilings.c)} msg/s (c/a ${(ceilings.c / ceilings.a).toFixed(2)}x, c/b ${(ceilings.c / ceilings.b).toFixed(2)}x)`);
    out.push({ ...s, cpuCeilingMsgsPerSec: ceilings });
  }
  // The goal is held to frames of 200 (fewer per-frame costs: the higher ceiling for c), chosen
  // before measuring; both the measured ratio and the idle-core ceiling's, since under other jobs'
  // load one process gets a smaller share of the cores than three do.
  const held = out.find((x) => x.maxBatchSize === 200)!;
  const ceilingRatio = held.cpuCeilingMsgsPerSec.c / held.cpuCeilingMsgsPerSec.b;
  targets.push({ name: `two workers / one worker, 10 µs per message, maxBatchSize 200, measured (${os.cpus().length} cores)`, value: `${held.ratioToOneWorker.toFixed(2)}x`, goal: '>= 1.3x', met: held.ratioToOneWorker >= 1.3 });
  targets.push({ name: `the same from CPU per message, on ${os.cpus().length} idle cores (reported)`, value: `${ceilingRatio.toFixed(2)}x`, goal: 'reported', met: true });
  targets.push({ name: `two workers / the workflow in one process without NATS, maxBatchSize 200 (reported)`, value: `${held.ratioToOneProcess.toFixed(2)}x`, goal: 'reported', met: true });
  return { messages: n, usPerMessage: 10, cpus: os.cpus().length, heldTo: held.maxBatchSize, configs: out };
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
