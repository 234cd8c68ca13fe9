// The processes of the cluster bench (bench/cluster.ts): a nats-server child with a temporary
// store, `nodeflow worker` children, and the sinks' reports from both. Everything started here is
// stopped by `stopAll()`, also on SIGINT/SIGTERM, so an interrupted run leaves no child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, listening } from './lib.js';
import { children as rawChildren } from './transport-jetstream.js';
import { onReport, type SinkReport } from './cluster-types.js';

const workers = new Set<ChildProcess>();
const named = new Map<string, ChildProcess>(); // by role: 'nats-server', 'w1', 'w2'
const cleanups: (() => void)[] = [];
const waiting = new Map<string, { resolve: (r: SinkReport) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

const deliver = (r: SinkReport) => {
  const w = waiting.get(r.tag);
  if (!w) return;
  waiting.delete(r.tag);
  clearTimeout(w.timer);
  w.resolve(r);
};
onReport(deliver);

/** Resolves with the report of the sink tagged `tag` (here or in a worker); rejects after `ms`. */
export function reportOf(tag: string, ms: number): Promise<SinkReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (waiting.delete(tag), reject(new Error(`no report from sink ${tag} within ${ms} ms`))), ms);
    waiting.set(tag, { resolve, reject, timer });
  });
}

/** A nats-server with JetStream on a free port, its store in a temporary folder. */
export async function startServer(): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodeflow-bench-cluster-'));
  const server = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  named.set('nats-server', server);
  cleanups.push(() => (server.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })));
  await listening(port, 'nats-server');
  return `nats://127.0.0.1:${port}`;
}

/** `nodeflow worker --name <name>` with the bench's node types; resolves once it is ready. */
export function startWorker(url: string, name: string): Promise<ChildProcess> {
  const bin = path.join(import.meta.dirname, 'cluster-worker.js');
  const types = path.join(import.meta.dirname, 'cluster-types.js');
  // BENCH_CLUSTER_PROF=<dir>: each worker writes a CPU profile there when it exits.
  const prof = process.env.BENCH_CLUSTER_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CLUSTER_PROF] : [];
  const child = spawn(process.execPath, [...prof, bin, 'worker', '--nats', url, '--name', name, '--types', types], { stdio: ['ignore', 'pipe', 'pipe'] });
  workers.add(child);
  named.set(name, child);
  let text = '';
  child.stderr!.on('data', (d) => (text = (text + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      workers.delete(child);
      const why = new Error(`worker ${name} exited (${code ?? signal}):\n${text}`);
      for (const w of waiting.values()) w.reject(why); // a case waiting on it fails now, not at its timeout
      reject(why);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('bench-result ')) deliver(JSON.parse(line.slice('bench-result '.length)) as SinkReport);
      else if (line.includes(' ready on ')) resolve(child);
    });
  });
}

/**
 * CPU time (user + system, ms) each process used so far: this one ('coordinator'), the server and
 * the workers (Linux /proc; empty elsewhere). Differences over a round show where the time goes.
 */
export function cpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  const self = process.cpuUsage();
  out.coordinator = (self.user + self.system) / 1000;
  for (const [name, c] of named) {
    try {
      const fields = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out[name] = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
    } catch {
      // not Linux, or the process is gone
    }
  }
  return out;
}

/** Stops the workers (SIGTERM: they stop their parts and leave), then the server; removes its store. */
export async function stopAll(): Promise<void> {
  await Promise.all([...workers].map((w) => new Promise<void>((r) => (w.removeAllListeners('exit'), w.once('exit', () => r()), w.kill('SIGTERM'), setTimeout(() => (w.kill('SIGKILL'), r()), 5000).unref()))));
  killAll();
}

// Synchronous: what an interrupt handler can still do.
function killAll(): void {
  for (const c of [...workers, ...rawChildren]) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (killAll(), process.exit(130)));
