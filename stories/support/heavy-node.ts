import type { StreamEngine } from '../../src/index.js';
import { threadNode, threadPool, type ThreadFn, type ThreadPool } from '../../src/threads/web.js';
import { startProducer, type Producer } from './producer.js';

/** Where the heavy node runs: on a Web Worker, or inline on the page's main thread. */
export type Placement = 'worker' | 'inline';

/** The id of the connection out of the heavy node, into the chart: its `accepted` is the node's output. */
export const OUT = 'heavy:out->chart:in';

/**
 * The heavy node's work: `costUs` µs of busy CPU per message, spent per batch (the browser's
 * `performance.now()` is coarsened to 100 µs outside cross-origin isolation, too coarse to time
 * one message), then the values unchanged. Built from text with the cost written in, because a
 * thread function crosses to the worker by its text and may not close over a variable.
 */
export function heavyWork(costUs: number): ThreadFn {
  if (!(costUs >= 0 && costUs <= 10_000)) throw new RangeError(`cost must be 0-10000 µs per message, got ${costUs}`);
  return new Function('values', `const end = performance.now() + values.length * ${costUs / 1000}; while (performance.now() < end); return values;`) as ThreadFn;
}

/** What the page keeps of the live pipeline (the bench reads it as `__nodeflowThreads`). */
export interface HeavyPipeline {
  readonly placement: Placement;
  readonly producer: Producer;
  readonly pool: ThreadPool | undefined;
}

declare global {
  var __nodeflowThreads: HeavyPipeline | undefined;
}

/**
 * sensor (a paced producer at `rate`) -> heavy (`costUs` µs/msg, on a Web Worker or inline) ->
 * chart. The same connections either way: batches of `batch` messages (`batch` × `costUs` of work each), a
 * buffer of 10 batches that backpressures the producer (it counts what it could not send),
 * nothing dropped.
 */
export function heavyPipeline(engine: StreamEngine, placement: Placement, rate: number, batch: number, costUs: number): HeavyPipeline {
  const heavy = heavyWork(costUs);
  let pool: ThreadPool | undefined;
  if (placement === 'worker') {
    pool = threadPool({ size: 1 });
    threadNode(engine, 'heavy', { kind: 'function', fn: heavy }, { pool });
  } else {
    engine.node('heavy', {
      process(batch, node) {
        const out = node.output('out');
        const values = heavy(batch.messages.map((m) => m.data), { port: batch.port }) as unknown[];
        for (let i = 0; i < values.length; i++) out.emit({ id: batch.messages[i]!.id, timestamp: batch.messages[i]!.timestamp, sourceNodeId: 'heavy', port: 'out', data: values[i] });
      },
    });
  }
  engine.createConnection('sensor', 'heavy', 'out', 'in', { bufferSize: 10 * batch, maxBatchSize: batch, batchTimeout: 4, overflowStrategy: 'backpressure' });
  engine.createWidget('chart', { bufferSize: 2000 });
  engine.createConnection('heavy', 'chart', 'out', 'in', { bufferSize: 10_000, maxBatchSize: 500, overflowStrategy: 'dropHead' });
  const producer = startProducer(engine, 'sensor', { rate, pattern: 'sine-wave', amplitude: 100 });
  return (globalThis.__nodeflowThreads = { placement, producer, pool });
}
