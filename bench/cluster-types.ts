// Node types of the cluster bench (bench/cluster.ts), registered in the coordinator and loaded by
// each `nodeflow worker --types` child: a source with the raw baseline's message shape, a sink
// that counts and times arrivals, and a CPU-bound middle node. A sink that has its `count`
// reports once, through `report` (a worker prints it on stdout; the coordinator listens).
import type { NodeTypeDefinition } from '../src/index.js';
import { driveSource } from '../src/actors/workflow/source-driver.js';

/** What a `bench.count` sink reports once it received `count` messages. Times are epoch ms. */
export interface SinkReport {
  readonly tag: string;
  readonly received: number;
  /** The first message's timestamp: its source's start (unpaced) or intended send time (paced). */
  readonly firstSent: number;
  readonly lastArrival: number;
  /** Arrival − intended send time over the messages after `skip`, in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

let report = (r: SinkReport): void => void process.stdout.write(`bench-result ${JSON.stringify(r)}\n`);
/** The coordinator takes its own sinks' reports in-process. */
export const onReport = (fn: (r: SinkReport) => void) => void (report = fn);

// performance.timeOrigin + now(): the engine clock's epoch, comparable across processes on one machine.
const now = () => performance.timeOrigin + performance.now();
const quantile = (s: Float64Array, q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!);

export const source: NodeTypeDefinition = {
  type: 'bench.source',
  kind: 'source',
  outputs: { out: { type: 'any' } },
  create(ctx) {
    const c = ctx.config as { rate?: number; count: number };
    // About 100 bytes of JSON per message with the engine's envelope, as the raw baseline's frames.
    const d = driveSource(ctx, 'out', { ...(c.rate ? { rate: c.rate } : {}), count: c.count }, (i) => ({ v: i, s: 'abcdefgh' }));
    return { start: d.start, pause: d.pause, resume: d.resume, stop: d.stop };
  },
};

export const count: NodeTypeDefinition = {
  type: 'bench.count',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  create(ctx) {
    const c = ctx.config as { tag: string; count: number; skip?: number };
    const skip = c.skip ?? 0;
    const latency = new Float64Array(c.count); // preallocated: nothing per message on the hot path
    let n = 0;
    let firstSent = 0;
    return {
      process(batch) {
        const t = now(); // one arrival time per batch: all its messages arrived together
        for (const m of batch.messages) {
          if (n === 0) firstSent = m.timestamp;
          if (n < c.count) latency[n] = t - m.timestamp;
          if (++n === c.count) {
            const s = latency.subarray(Math.min(skip, n)).sort();
            report({ tag: c.tag, received: n, firstSent, lastArrival: t, p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.length ? s[s.length - 1]! : NaN });
          }
        }
      },
    };
  },
};

export const work: NodeTypeDefinition = {
  type: 'bench.work',
  kind: 'transform',
  inputs: { in: { type: 'any' } },
  outputs: { out: { type: 'any' } },
  create(ctx) {
    const out = ctx.output('out');
    const ms = ((ctx.config.us as number | undefined) ?? 10) / 1000;
    return {
      process(batch) {
        for (const m of batch.messages) {
          // Busy, not sleeping: the work holds this process's core as real computation would.
          const until = performance.now() + ms;
          while (performance.now() < until);
          out(m.data, m);
        }
      },
    };
  },
};
