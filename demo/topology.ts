// What the demo runs, in one place: the workflow (one source per data pattern) and the two
// connections the demo drives itself, each with the line the legend prints for it.
import type { WorkflowDefinition } from '../src/index.js';

/** A connection of the demo and what it carries, for the legend. */
export interface DemoConnection {
  readonly id: string;
  readonly carries: string;
}

const edge = (source: string, target: string) => ({ id: `${source}->${target}`, source, sourcePort: 'out', target, targetPort: 'in' });
/** The engine names a connection `<source>:<port>-><target>:<port>`. */
const connectionId = (source: string, target: string) => `${source}:out->${target}:in`;

/**
 * The workflow of phases 1-3. Its sources run `sourceMs`: a little past the streaming phases, so
 * the debug export, taken when they end, sees every connection up.
 *
 * @example
 * ```ts
 * const run = await new WorkflowEngine().executeWorkflow(demoWorkflow(49_000));
 * ```
 */
export function demoWorkflow(sourceMs: number): WorkflowDefinition {
  const src = (rate: number) => ({ rate, duration: sourceMs });
  return {
    id: 'demo',
    nodes: [
      { id: 'sensor', type: 'source.sine', config: { ...src(20_000), amplitude: 10, period: 2000, noise: 0.05 } },
      { id: 'chart', type: 'sink.widget', config: { bufferSize: 500 } },
      { id: 'random', type: 'source.random', config: { ...src(10_000), amplitude: 100, seed: 7 } },
      { id: 'scale', type: 'transform.map', config: { scale: 2, offset: 1 } },
      { id: 'samples', type: 'sink.collector', config: { limit: 100 } },
      { id: 'steps', type: 'source.step', config: { ...src(5000), amplitude: 5, period: 1000 } },
      { id: 'sampler', type: 'transform.throttle', config: { interval: 100, mode: 'sample' } },
      { id: 'kpi', type: 'sink.widget', config: { bufferSize: 50 } },
      { id: 'counter', type: 'source.sequential', config: src(50_000) },
      { id: 'sum', type: 'transform.aggregate', config: { window: 1000, op: 'sum' } },
      { id: 'sums', type: 'sink.collector', config: { limit: 100 } },
    ],
    edges: [edge('sensor', 'chart'), edge('random', 'scale'), edge('scale', 'samples'), edge('steps', 'sampler'), edge('sampler', 'kpi'), edge('counter', 'sum'), edge('sum', 'sums')],
  };
}

/** Every connection of phases 1-3, in the dashboard's order. */
export const DEMO_CONNECTIONS: readonly DemoConnection[] = [
  { id: connectionId('sensor', 'chart'), carries: 'sine wave (noisy), 20k msg/s, into a chart widget' },
  { id: connectionId('random', 'scale'), carries: 'random values (seeded), 10k msg/s, into a map (x2+1)' },
  { id: connectionId('scale', 'samples'), carries: 'the mapped random values, into a collector' },
  { id: connectionId('steps', 'sampler'), carries: 'step function, 5k msg/s, into a throttle (latest every 100 ms)' },
  { id: connectionId('sampler', 'kpi'), carries: 'the throttled steps, 10 msg/s, into a KPI widget' },
  { id: connectionId('counter', 'sum'), carries: 'sequential counter, 50k msg/s, into sums of 1000' },
  { id: connectionId('sum', 'sums'), carries: 'the sums, 50 msg/s, into a collector' },
  { id: connectionId('bursts', 'slowSink'), carries: 'phase 2 only: bursts of 400k msg/s (half of each second) into a 2 ms-per-batch consumer' },
  { id: connectionId('feed', 'flaky'), carries: 'all phases: 2k msg/s into a consumer that throws for a while in phase 3' },
];
