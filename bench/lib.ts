import type { Batch, Connection, OutputPort, StreamEngine } from '../src/index.js';
/**
 * Benchmark harness: calibrate each case to ~targetMs per round, one discarded warm-up round,
 * then interleaved measured rounds (every case once per round, so noise hits all alike);
 * report medians, and ratios computed within each round, then the median of those.
 */
export interface ThroughputCase {
  name: string;
  /** Sends `n` messages through the path; resolves when they are through. */
  run(n: number): void | Promise<void>;
  /** Releases what the case holds (engines, timers) once measured. */
  dispose?(): void;
}

export interface ThroughputResult {
  name: string;
  msgsPerSec: number;
  min: number;
  max: number;
  nsPerMsg: number;
  rounds: number[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timeRun(c: ThroughputCase, n: number, collect = false): Promise<number> {
  // A full collection first, outside the timing, when asked: otherwise a case that leaves much
  // old garbage (one that keeps a million messages) has its major GC land in the next case's run.
  if (collect) (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  await c.run(n);
  return performance.now() - t;
}

export async function measureThroughput(
  cases: ThroughputCase[],
  opts: { rounds: number; targetMs: number; onProgress?: (msg: string) => void; collect?: boolean },
): Promise<Map<string, ThroughputResult>> {
  const sizes = new Map<string, number>();
  for (const c of cases) {
    let n = 1000;
    for (;;) {
      const ms = await timeRun(c, n);
      if (ms > opts.targetMs / 4 || n > 50_000_000) {
        sizes.set(c.name, Math.max(1000, Math.round((n * opts.targetMs) / Math.max(ms, 1))));
        break;
      }
      n *= 4;
    }
  }
  for (const c of cases) await timeRun(c, sizes.get(c.name)!); // warm-up, discarded
  const perRound = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < opts.rounds; r++) {
    for (const c of cases) {
      const n = sizes.get(c.name)!;
      const ms = await timeRun(c, n, opts.collect);
      perRound.get(c.name)!.push(n / (ms / 1000));
    }
    opts.onProgress?.(`round ${r + 1}/${opts.rounds}`);
  }
  for (const c of cases) c.dispose?.();
  const out = new Map<string, ThroughputResult>();
  for (const [name, xs] of perRound) {
    const m = median(xs);
    out.set(name, { name, msgsPerSec: m, min: Math.min(...xs), max: Math.max(...xs), nsPerMsg: 1e9 / m, rounds: xs });
  }
  return out;
}

/** Median over rounds of a/b, each round's pair measured back to back. */
export function ratio(results: Map<string, ThroughputResult>, a: string, b: string): number {
  const ra = results.get(a)!.rounds;
  const rb = results.get(b)!.rounds;
  return median(ra.map((x, i) => x / rb[i]!));
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function fmtMs(ms: number): string {
  if (ms < 1) return `${fmt(ms * 1000, 0)} µs`;
  return `${fmt(ms, ms < 10 ? 2 : 1)} ms`;
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  return [line(headers), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

/**
 * The overload benches' rig: node 'slow' consumes each batch in its own event-loop turn
 * (setImmediate), as an I/O-bound or worker-backed consumer would, spinning `costUs` per
 * message, then calls `onBatch`; node 'fast' feeds it through one connection.
 */
export function slowRig(engine: StreamEngine, costUs: number, onBatch: (batch: Batch) => void = () => undefined): { conn: Connection; out: OutputPort } {
  engine.node('slow', {
    process: (batch) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          spin(costUs * batch.messages.length);
          onBatch(batch);
          resolve();
        }),
      ),
  });
  const conn = engine.getConnection(engine.createConnection('fast', 'slow', 'out', 'in'));
  return { conn, out: engine.node('fast').output('out') };
}

/** Heap in use after a GC, then its peak sampled every 50 ms until `stop()`. */
export function watchHeap(): { startMB: number; stop(): number } {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().heapUsed;
  let max = start;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().heapUsed)), 50);
  return {
    startMB: start / 1e6,
    stop: () => {
      clearInterval(timer);
      return Math.max(max, process.memoryUsage().heapUsed) / 1e6;
    },
  };
}

/** Busy-waits `us` microseconds: a consumer of fixed cost per message, for overload benches. */
export function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released): for the broker children of the I/O races. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:`port` accepts a connection (a broker child started); throws after about 5 s. */
export async function listening(port: number, name: string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i <= 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true))).once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${name} did not start`);
}
