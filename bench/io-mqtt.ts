// node scripts/run-ts.mjs bench/io-mqtt.ts [--quick] [--json]: `mqtt in` → engine → widget against a raw
// mqtt.js subscriber, same broker, same backlog, interleaved rounds. Also called from bench/index.ts.
//
// Each round a publisher child process first fills a persistent session's backlog at the broker
// (N small JSON messages, as fast as it can), then the subscriber under test connects and drains
// it: msgs/s = N / (connect → N-th message). Draining a backlog measures the receiving side, not
// the publisher's pace (a live publisher would cap both cases at its own rate). The node's time
// includes building and starting its workflow. The subscriber's CPU per message is recorded too:
// the same code's drain rate swings 2x between rounds here (JIT, GC, how mosquitto fills each TCP
// read), so two warm-up rounds are dropped and the verdict is the median of per-round ratios.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { WorkflowEngine } from '../src/index.js';
import { registerIoNodeTypes } from '../src/io/index.js';
import { fmt, freePort, listening, median, table } from './lib.js';

export interface MqttBenchRow { qos: 0 | 1; raw: number[]; node: number[]; ratios: number[]; rawMedian: number; nodeMedian: number; ratio: number; rawCpuUsPerMsg: number; nodeCpuUsPerMsg: number }

interface Drain { msgsPerSec: number; cpuUsPerMsg: number }

const cpuSince = (c: NodeJS.CpuUsage, n: number) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / n;
};
export interface MqttBenchResult { n: number; rounds: number; rows: MqttBenchRow[] }


async function startBroker() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodeflow-bench-mqtt-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  // The backlog waits for an offline session: keep all of it, QoS 0 included.
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `user ${os.userInfo().username}`, 'max_queued_messages 0', 'queue_qos0_messages true', 'max_inflight_messages 100'].join('\n') + '\n');
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
  await listening(port, 'mosquitto');
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => (child.kill('SIGTERM'), rmSync(dir, { recursive: true, force: true })) };
}

// The child: publishes n messages on topic at qos, keeping at most 1000 unacknowledged.
async function publisher(url: string, topic: string, n: number, qos: 0 | 1): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId: `bench-pub-${process.pid}` });
  let out = 0;
  let wake: (() => void) | undefined;
  const done = () => (out--, wake?.());
  for (let i = 0; i < n; i++) {
    while (out >= 1000) await new Promise<void>((r) => (wake = r));
    out++;
    c.publish(topic, JSON.stringify({ seq: i, t: 20.5, id: 'sensor-1' }), { qos }, done);
  }
  while (out > 0) await new Promise<void>((r) => (wake = r));
  await c.endAsync();
}

function fillBacklog(url: string, topic: string, n: number, qos: 0 | 1): void {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--publish', url, topic, String(n), String(qos)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the publisher failed');
}

const V5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 600, receiveMaximum: 100 } };

// Creates the persistent session with its subscription, then leaves it offline.
async function prime(url: string, clientId: string, topic: string, qos: 0 | 1): Promise<void> {
  const c = await mqtt.connectAsync(url, { ...V5, clientId });
  await c.subscribeAsync(topic, { qos });
  await c.endAsync();
}

async function drainRaw(url: string, clientId: string, n: number): Promise<Drain> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let got = 0;
  let sum = 0;
  const c = mqtt.connect(url, { ...V5, clientId });
  await new Promise<void>((resolve) =>
    c.on('message', (_t, payload) => {
      sum += (JSON.parse(payload.toString()) as { seq: number }).seq; // decode, as the node does
      if (++got === n) resolve();
    }),
  );
  const ms = performance.now() - t0;
  const cpuUsPerMsg = cpuSince(cpu, n);
  await c.endAsync();
  return { msgsPerSec: sum >= 0 ? (n / ms) * 1000 : 0, cpuUsPerMsg };
}

async function drainNode(url: string, clientId: string, n: number, qos: 0 | 1): Promise<Drain> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  const run = await wf.executeWorkflow({
    nodes: [{ id: 'in', type: 'mqtt in', config: { url, topic: 'bench', qos, clientId, clean: false, receiveMaximum: 100 } }, { id: 'w', type: 'sink.widget', config: { bufferSize: 1000 } }],
    edges: [{ source: 'in', sourcePort: 'out', target: 'w', targetPort: 'in' }],
  });
  const w = run.widget('w');
  while (w.total < n) await new Promise((r) => setImmediate(r));
  const ms = performance.now() - t0;
  const cpuUsPerMsg = cpuSince(cpu, n);
  await run.stop();
  return { msgsPerSec: (n / ms) * 1000, cpuUsPerMsg };
}

// Rounds run and dropped before the measured ones: the first drains run cold (2x slower here).
const WARMUP = 2;

/** Runs the MQTT benchmark: `rounds` interleaved rounds per QoS, `n` messages per drain. */
export async function runMqttBench(opts: { n: number; rounds: number; onProgress?: (s: string) => void }): Promise<MqttBenchResult> {
  const broker = await startBroker();
  const rows: MqttBenchRow[] = [];
  try {
    for (const qos of [0, 1] as const) {
      const raw: number[] = [];
      const node: number[] = [];
      const cpu = { raw: [] as number[], node: [] as number[] };
      for (let r = -WARMUP; r < opts.rounds; r++) {
        const pair: Record<string, Drain> = {};
        // Alternate which goes first, so a warmer broker or cache favours neither.
        for (const which of r % 2 ? (['raw', 'node'] as const) : (['node', 'raw'] as const)) {
          const id = `bench-${which}-q${qos}-r${r}`;
          await prime(broker.url, id, 'bench', qos);
          fillBacklog(broker.url, 'bench', opts.n, qos);
          pair[which] = which === 'raw' ? await drainRaw(broker.url, id, opts.n) : await drainNode(broker.url, id, opts.n, qos);
        }
        const say = (d: Drain) => `${fmt(d.msgsPerSec)} msg/s (${d.cpuUsPerMsg.toFixed(2)} µs CPU/msg)`;
        opts.onProgress?.(`mqtt QoS ${qos} ${r < 0 ? 'warm-up' : `round ${r + 1}/${opts.rounds}`}: raw ${say(pair.raw!)}, node ${say(pair.node!)}`);
        if (r < 0) continue;
        raw.push(pair.raw!.msgsPerSec);
        node.push(pair.node!.msgsPerSec);
        cpu.raw.push(pair.raw!.cpuUsPerMsg);
        cpu.node.push(pair.node!.cpuUsPerMsg);
      }
      const ratios = raw.map((x, i) => node[i]! / x);
      rows.push({ qos, raw, node, ratios, rawMedian: median(raw), nodeMedian: median(node), ratio: median(ratios), rawCpuUsPerMsg: median(cpu.raw), nodeCpuUsPerMsg: median(cpu.node) });
    }
  } finally {
    broker.stop();
  }
  return { n: opts.n, rounds: opts.rounds, rows };
}

/** The table lines of a result. */
export function mqttBenchTable(res: MqttBenchResult): string {
  return table(
    ['QoS', 'raw mqtt.js msgs/s (median)', 'mqtt in → engine → widget', 'ratio (median of rounds)', 'goal', 'CPU µs/msg raw / node'],
    res.rows.map((r) => [String(r.qos), fmt(r.rawMedian), fmt(r.nodeMedian), `${r.ratio.toFixed(2)}x`, '>= 0.8x', `${r.rawCpuUsPerMsg.toFixed(2)} / ${r.nodeCpuUsPerMsg.toFixed(2)}`]),
  );
}

const self = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (self && process.argv[2] === '--publish') {
  const [url, topic, n, qos] = process.argv.slice(3);
  await publisher(url!, topic!, Number(n), Number(qos) as 0 | 1);
} else if (self) {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  const res = await runMqttBench({ n: quick ? 20_000 : 100_000, rounds: quick ? 3 : 7, onProgress: (s) => process.stderr.write(`  … ${s}\n`) });
  // With --json the JSON alone goes to stdout (the table to stderr), so it can be redirected.
  const say = args.has('--json') ? (s: string) => process.stderr.write(s + '\n') : (s: string) => console.log(s);
  say(`# mqtt in vs raw mqtt.js subscriber (${res.n} messages drained per case, ${res.rounds} rounds)\n`);
  say(mqttBenchTable(res));
  console.log((args.has('--json') ? '' : '\n') + JSON.stringify(res, null, 2));
}
