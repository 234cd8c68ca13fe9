// src -> heavy -> sink: the pipeline the thread tests share, in Node and in the browser. `place`
// puts the node `heavy` on the engine (on workers, or inline); the sink keeps what it got.
import { GracefulErrorRecovery, StreamEngine, type DeadLetter } from '../../src/index.js';

export interface PipelineOptions {
  readonly retryAttempts?: number;
  readonly deliveryTimeout?: number;
  /** The input connection's maxBatchSize (default 10) and bufferSize (default 200). */
  readonly inBatch?: number;
  readonly inBuffer?: number;
  /** The output connection's maxBatchSize (default 10). */
  readonly outBatch?: number;
}

/**
 * Builds the pipeline on a new engine (pushed on `engines`, for the test file to dispose):
 * `send` writes values in order, waiting for room; `got` and `dead` fill as they arrive.
 */
export function threadPipeline(engines: StreamEngine[], place: (engine: StreamEngine) => void, o: PipelineOptions = {}) {
  const engine = new StreamEngine();
  engines.push(engine);
  engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: o.retryAttempts ?? 0, retryDelay: 1, jitter: 0, ...(o.deliveryTimeout ? { deliveryTimeout: o.deliveryTimeout } : {}) }));
  const got: unknown[] = [];
  const dead: DeadLetter[] = [];
  engine.deadLetters$.subscribe((d) => dead.push(d));
  place(engine);
  const id = engine.createConnection('src', 'heavy', 'out', 'in', { maxBatchSize: o.inBatch ?? 10, bufferSize: o.inBuffer ?? 200, batchTimeout: 1 });
  engine.createConnection('heavy', 'sink', 'out', 'in', { maxBatchSize: o.outBatch ?? 10, bufferSize: 100_000, batchTimeout: 1 });
  engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
  const input = () => engine.getConnection(id);
  let next = 0;
  const write = (data: unknown) => input().writer.write({ id: next++, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'heavy', port: 'out', data });
  const send = async (values: readonly unknown[]) => {
    for (const data of values) await write(data);
  };
  return { engine, got, dead, input, write, send };
}
