import { SimulatedClock } from 'xstate';
import { GracefulErrorRecovery, StreamEngine, WorkflowEngine, type Connection, type GracefulErrorRecoveryOptions, type StreamConfig, type WorkflowRun } from '../../src/index.js';
import { inletNodeType } from '../../src/transport/inlet.js';
import { memoryCarrier, type MemoryCarrier, type MemoryCarrierOptions } from '../../src/transport/memory-carrier.js';
import { OutletReadouts, outletNodeType } from '../../src/transport/outlet.js';
import { stepUntil } from './step.js';

/** What a target does with one batch: ok, throw, or take `ms` of simulated time. */
export type TargetStep = { kind: 'ok' } | { kind: 'fail' } | { kind: 'slow'; ms: number };

/**
 * Two WorkflowEngines (three and more with `newConsumer()`: a replacement consumer process) on one simulated clock, joined by a memory carrier: process 1 runs
 * `src → o` (transport.outlet), process 2 runs `i → sink` (transport.inlet into a recorder whose
 * behaviour per batch follows `steps`, cycled). Exactly the cluster's wire-up, in one process.
 */
export function twoEngines(options: { config?: Partial<StreamConfig>; carrier?: Omit<MemoryCarrierOptions, 'clock'>; steps?: readonly TargetStep[]; recovery?: GracefulErrorRecoveryOptions } = {}) {
  const clock = new SimulatedClock();
  const carrier: MemoryCarrier = memoryCarrier({ ...options.carrier, clock });
  const outlets = new OutletReadouts();
  const producer = new WorkflowEngine({ streamEngine: new StreamEngine(options.config ?? {}, { clock }) });
  producer.registerNodeType(outletNodeType(() => carrier.producer(), outlets));
  const received: unknown[] = [];
  /** What each consumer process received, in order (a replacement starts a new list). */
  const perConsumer: unknown[][] = [];
  const steps = options.steps ?? [{ kind: 'ok' }];
  let step = 0;
  const newConsumer = () => {
  const mine: unknown[] = [];
  perConsumer.push(mine);
  const consumer = new WorkflowEngine({ streamEngine: new StreamEngine(options.config ?? {}, { clock }) });
  if (options.recovery) consumer.getStreamEngine().setErrorRecovery(new GracefulErrorRecovery(options.recovery));
  consumer.registerNodeType(inletNodeType(() => carrier.consumer()));
  consumer.registerNodeType({
    type: 'test.target',
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process: (b) => {
        const s = steps[step++ % steps.length]!;
        if (s.kind === 'fail') throw new Error('target failed');
        const take = () => {
          for (const m of b.messages) received.push(m.data), mine.push(m.data);
        };
        if (s.kind === 'ok') return take();
        return new Promise<void>((resolve) => clock.setTimeout(() => (take(), resolve()), s.ms));
      },
    }),
  });
  return consumer.executeWorkflow({
      nodes: [
        { id: 'i', type: 'transport.inlet', config: { edge: 'e1' } },
        { id: 'sink', type: 'test.target' },
      ],
      edges: [{ source: 'i', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
    });
  };
  const start = async (count: number, rate?: number) => {
    const p = await producer.executeWorkflow({
      nodes: [
        { id: 'src', type: 'source.sequential', config: rate ? { count, rate } : { count } },
        { id: 'o', type: 'transport.outlet', config: { edge: 'e1' } },
      ],
      edges: [{ source: 'src', sourcePort: 'out', target: 'o', targetPort: 'in' }],
    });
    const c = await newConsumer();
    conn = producer.getStreamEngine().getConnection(p.connectionId('src.out->o.in'));
    return { p, c };
  };
  let conn: Connection | undefined;
  /** The producer connection src → o. */
  const producerConnection = () => conn!;
  const run = stepUntil(clock);
  const stop = async (...runs: WorkflowRun[]) => {
    for (const r of runs) void r.stop();
    await run(() => false, 50);
  };
  return { clock, carrier, outlets, producer, newConsumer, received, perConsumer, start, run, stop, producerConnection };
}
