import type { ThreadPool } from './pool.js';
import type { ThreadDelivery } from './thread-carrier.js';
import type { ThreadWork } from './work.js';

/**
 * `engine.node(id, { thread })`: the node's batches run on `pool`'s workers (made with
 * `threadPool()` from `@nodeflow/runtime/threads`), running `work`. See docs/threads.md.
 *
 * @example
 * ```ts
 * engine.node('heavy', { thread: { pool: threadPool({ size: 2 }), work: { kind: 'module', module: url, export: 'heavy' } } });
 * ```
 */
export interface NodeThreadOptions {
  readonly pool: ThreadPool;
  readonly work: ThreadWork;
  /** `ordered` (default): outputs in the order batches came in; `unordered`: as they finish. */
  readonly delivery?: ThreadDelivery;
  /** Frames outstanding at the workers at most; default `ceil(bufferSize / maxBatchSize)` of the input connection. */
  readonly maxFrames?: number;
}
