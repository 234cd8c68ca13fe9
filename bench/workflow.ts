import { LatencyHistogram, StreamEngine, WorkflowEngine, realClock, type Emitter, type StreamMessage } from '../src/index.js';
import { measureThroughput, median, type ThroughputCase } from './lib.js';

let sink = 0;

/** Registers the bench's own node types: a source the bench drives by hand, counting and latency sinks. */
function benchTypes(wf: WorkflowEngine, pushers: Map<string, Emitter>, histograms?: Map<string, LatencyHistogram>) {
  wf.registerNodeType({ type: 'bench.push', kind: 'source', outputs: { out: { type: 'number' } }, create: (ctx) => (pushers.set(ctx.nodeId, ctx.output('out')), {}) });
  wf.registerNodeType({
    type: 'bench.sink',
    kind: 'sink',
    inputs: { in: {} },
    create: (ctx) => {
      const h = histograms?.get(ctx.nodeId);
      return {
        process(b) {
          const now = h ? realClock.now() : 0;
          for (const m of b.messages) {
            sink = (sink + (m.data as number)) | 0;
            if (h) h.record(now - m.timestamp);
          }
        },
      };
    },
  });
}

const message = (i: number): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 'src', targetNodeId: '', port: 'out', data: i & 7 });

/** src → [hops pass-through nodes: the same message object re-emitted] → sink, engine API only. */
function bareChain(name: string, hops: number): ThroughputCase {
  const engine = new StreamEngine();
  const ids = ['src', ...Array.from({ length: hops }, (_, i) => `p${i}`), 'sink'];
  engine.node('sink', { process: (b) => void b.messages.forEach((m) => (sink = (sink + (m.data as number)) | 0)) });
  for (let i = 1; i < ids.length - 1; i++) {
    const out = engine.node(ids[i]!).output('out');
    engine.node(ids[i]!, { process: (b) => void b.messages.forEach((m) => out.emit(m)) });
  }
  for (let i = 0; i + 1 < ids.length; i++) engine.createConnection(ids[i]!, ids[i + 1]!, 'out', 'in');
  const out = engine.node('src').output('out');
  const conns = engine.listConnections().map((c) => engine.getConnection(c.id));
  return {
    name,
    run(n) {
      for (let i = 0; i < n; i++) out.emit(message(i));
      for (const c of conns) c.flush();
    },
  };
}

/** The same chain as a workflow: bench.push → hops x transform.map → bench.sink. */
function transformChain(name: string, hops: number): ThroughputCase {
  const wf = new WorkflowEngine();
  const pushers = new Map<string, Emitter>();
  benchTypes(wf, pushers);
  const nodes = [{ id: 'src', type: 'bench.push' }, ...Array.from({ length: hops }, (_, i) => ({ id: `t${i}`, type: 'transform.map', config: { scale: 1 } })), { id: 'sink', type: 'bench.sink' }];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, sourcePort: 'out', target: n.id, targetPort: 'in' }));
  void wf.executeWorkflow({ nodes, edges });
  const engine = wf.getStreamEngine();
  return {
    name,
    run(n) {
      const out = pushers.get('src')!;
      for (let i = 0; i < n; i++) out(i & 7);
      for (const c of engine.listConnections()) engine.getConnection(c.id).flush();
    },
  };
}

export interface HopCosts {
  bareHopNs: number;
  transformHopNs: number;
  ratio: number;
  throughput: Record<string, number>;
}

/** Per-hop cost of a transform node vs a bare connection hop, from 0-hop and 4-hop chains of each kind, same run. */
export async function hopCosts(rounds: number, targetMs: number, onProgress?: (s: string) => void): Promise<HopCosts> {
  const hops = 4;
  const r = await measureThroughput([bareChain('bare-0', 0), bareChain('bare-4', hops), transformChain('transform-0', 0), transformChain('transform-4', hops)], { rounds, targetMs, onProgress });
  const ns = (name: string) => r.get(name)!.rounds.map((x) => 1e9 / x);
  const perHop = (a: string, b: string) => ns(b).map((x, i) => (x - ns(a)[i]!) / hops);
  const bare = perHop('bare-0', 'bare-4');
  const transform = perHop('transform-0', 'transform-4');
  return {
    bareHopNs: median(bare),
    transformHopNs: median(transform),
    ratio: median(transform.map((t, i) => t / bare[i]!)),
    throughput: Object.fromEntries([...r.values()].map((x) => [x.name, x.msgsPerSec])),
  };
}

export interface TenNodeResult {
  offered: number;
  durationMs: number;
  delivered: number;
  throughput: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  dropped: number;
}

/**
 * The 10-node workflow: 2 rate-driven sources at `rate` msg/s each, 3 transforms after each
 * (map, filter, map), 2 latency sinks. Latency runs from each message's intended send time at
 * its source to its arrival at the sink.
 */
export async function tenNode(durationMs: number, rate = 500_000): Promise<TenNodeResult> {
  const wf = new WorkflowEngine();
  const h = new Map([['sink1', new LatencyHistogram()], ['sink2', new LatencyHistogram()]]);
  benchTypes(wf, new Map(), h);
  const chain = (src: string, type: string, n: number, sinkId: string) => [
    { id: src, type, config: { rate, duration: durationMs, seed: 1 } },
    { id: `${src}-scale`, type: 'transform.map', config: { scale: 2 } },
    { id: `${src}-filter`, type: 'transform.filter', config: { min: -1e9 } },
    { id: `${src}-offset`, type: 'transform.map', config: { offset: n } },
    { id: sinkId, type: 'bench.sink' },
  ];
  const nodes = [...chain('seq', 'source.sequential', 1, 'sink1'), ...chain('wave', 'source.sine', 2, 'sink2')];
  const edges = [0, 1, 2, 3, 5, 6, 7, 8].map((i) => ({ source: nodes[i]!.id, sourcePort: 'out', target: nodes[i + 1]!.id, targetPort: 'in' }));
  const t0 = realClock.now();
  const run = await wf.executeWorkflow({ nodes, edges });
  const result = await run.done;
  const elapsed = realClock.now() - t0;
  let delivered = 0;
  for (const x of h.values()) delivered += x.count;
  // Histograms do not merge by percentile: report the sink with the worse p99.
  const worst = [...h.values()].sort((a, b) => b.percentile(99) - a.percentile(99))[0]!;
  const dropped = Object.values(result.metrics.edges).reduce((n, e) => n + e.droppedTotal, 0);
  return {
    offered: 2 * rate,
    durationMs: elapsed,
    delivered,
    throughput: delivered / (elapsed / 1000),
    latency: { p50: worst.percentile(50), p95: worst.percentile(95), p99: worst.percentile(99), max: worst.max },
    dropped,
  };
}

export const keepWorkflowSink = () => sink;
