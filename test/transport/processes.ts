import { SimulatedClock } from 'xstate';
import { StreamEngine, WorkflowEngine, type StreamConfig, type WorkflowRun } from '../../src/index.js';
import type { ConsumerCarrier, ProducerCarrier } from '../../src/transport/carrier.js';
import { inletNodeType } from '../../src/transport/inlet.js';
import { memoryCarrier, type MemoryCarrier, type MemoryCarrierOptions } from '../../src/transport/memory-carrier.js';
import { OutletReadouts, outletNodeType } from '../../src/transport/outlet.js';
import { stepUntil } from './step.js';

/** A process as a kill -9 leaves it: from `kill()` on, its carrier ends neither act nor hear. */
function severable() {
  let dead = false;
  const producer = (c: ProducerCarrier): ProducerCarrier => ({
    open: (e) =>
      c.open({
        settled: (upTo) => void (dead || e.settled(upTo)),
        deadLettered: (seq, n) => void (dead || e.deadLettered(seq, n)),
        link: (s, err) => void (dead || e.link(s, err)),
      }),
    send: (f) => void (dead || c.send(f)),
    close: async () => void (dead || (await c.close())),
  });
  const consumer = (c: ConsumerCarrier): ConsumerCarrier => ({
    open: (e) => c.open({ frame: (f) => void (dead || e.frame(f)), link: (s, err) => void (dead || e.link(s, err)) }),
    oldest: () => c.oldest(),
    request: (n) => void (dead || c.request(n)),
    settle: (seq) => void (dead || c.settle(seq)),
    deadLetter: (seq, ms, reason) => void (dead || c.deadLetter(seq, ms, reason)),
    working: (seq) => void (dead || c.working(seq)),
    close: async () => void (dead || (await c.close())),
  });
  return { producer, consumer, kill: () => void (dead = true) };
}

/** One process of the rig: its run, its outlets' readouts, and how to kill it. */
export interface Proc {
  readonly run: WorkflowRun;
  readonly engine: WorkflowEngine;
  readonly outlets: OutletReadouts;
  /** As `kill -9`: the carrier ends vanish (nothing more is sent, settled or heard), then the engine is torn down. */
  kill(): void;
  counters(node: string): Record<string, number>;
}

/**
 * Processes on one simulated clock joined by memory carriers `e1` and `e2`: A (`src → outlet e1`),
 * B, the relay (`inlet e1 → map → outlet e2`), and C (`inlet e2 → sink`, recording what arrives,
 * taking `sinkMs` of simulated time per batch). Any of them can be killed and replaced.
 */
export function processes(options: { config?: Partial<StreamConfig>; carrier?: Omit<MemoryCarrierOptions, 'clock'>; sinkMs?: number } = {}) {
  const clock = new SimulatedClock();
  const e1: MemoryCarrier = memoryCarrier({ ...options.carrier, clock });
  const e2: MemoryCarrier = memoryCarrier({ ...options.carrier, seed: (options.carrier?.seed ?? 1) + 1, clock });
  const received: number[] = [];
  /** A node, and the StreamConfig of the edge into it (beyond the engine's). */
  type Spec = { id: string; type: string; config?: Record<string, unknown>; edge?: Partial<StreamConfig> };
  const proc = async (specs: Spec[]): Promise<Proc> => {
    const nodes = specs.map(({ id, type, config }) => ({ id, type, ...(config ? { config } : {}) }));
    const cut = severable();
    const outlets = new OutletReadouts();
    const engine = new WorkflowEngine({ streamEngine: new StreamEngine(options.config ?? {}, { clock }) });
    engine.registerNodeType(outletNodeType((c) => cut.producer(c.edge === 'e1' ? e1.producer() : e2.producer()), outlets));
    engine.registerNodeType(inletNodeType((c) => cut.consumer(c.edge === 'e1' ? e1.consumer() : e2.consumer())));
    engine.registerNodeType({
      type: 'test.sink',
      kind: 'sink',
      inputs: { in: {} },
      create: () => ({
        process: (b) => {
          const take = () => void received.push(...b.messages.map((m) => m.data as number));
          const ms = options.sinkMs ?? 0;
          if (ms === 0) return take();
          return new Promise<void>((resolve) => clock.setTimeout(() => (take(), resolve()), ms));
        },
      }),
    });
    const edges = specs.slice(1).map((n, i) => ({ source: specs[i]!.id, sourcePort: 'out', target: n.id, targetPort: 'in', ...(n.edge ? { config: n.edge } : {}) }));
    const run = await engine.executeWorkflow({ nodes, edges });
    return {
      run,
      engine,
      outlets,
      kill: () => {
        cut.kill();
        void run.stop({ timeout: 0 });
      },
      counters: (node) => run.status().nodes[node]?.io?.counters ?? {},
    };
  };
  /** A: `count` values from `offset`, at `rate` per second (all at once without). */
  const producer = (count: number, offset = 0, rate?: number) =>
    proc([
      { id: 'src', type: 'source.sequential', config: { count, offset, ...(rate ? { rate } : {}) } },
      { id: 'o', type: 'transport.outlet', config: { edge: 'e1' } },
    ]);
  /** B; `out` configures its map → outlet edge (and so e2). */
  const relay = (out?: Partial<StreamConfig>) =>
    proc([
      { id: 'i', type: 'transport.inlet', config: { edge: 'e1' } },
      { id: 'map', type: 'transform.map', config: { scale: 1 } },
      { id: 'o', type: 'transport.outlet', config: { edge: 'e2' }, ...(out ? { edge: out } : {}) },
    ]);
  /** C, or (with `edge: 'e1'`) a consumer straight off A. */
  const consumer = (edge = 'e2') =>
    proc([
      { id: 'i', type: 'transport.inlet', config: { edge } },
      { id: 'sink', type: 'test.sink' },
    ]);
  const run = stepUntil(clock);
  const stop = async (...ps: Proc[]) => {
    for (const p of ps) void p.run.stop();
    await run(() => false, 50);
  };
  return { clock, e1, e2, received, producer, relay, consumer, run, stop };
}

/** How often a sequence steps back (a replay after a kill starts one): 0 means strictly in order. */
export function descents(values: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! <= values[i - 1]!) n++;
  return n;
}
