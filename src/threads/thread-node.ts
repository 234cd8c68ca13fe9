import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import { threadPool } from './port-node.js';
import { threadNodeTypeWith, threadNodeWith, type PoolMaker, type ThreadNodeHandle, type ThreadNodeTypeDef, type ThreadOptions } from './thread-nodes.js';
import type { ThreadWork } from './work.js';

export type { ThreadNodeHandle, ThreadNodeTypeDef, ThreadOptions } from './thread-nodes.js';

const nodePool: PoolMaker = (size, clock) => threadPool({ size, clock });

/**
 * A stream-engine node whose batches run on worker threads: `engine.node(id)` with a batch
 * handler that sends each batch as one frame to a pool worker, emits the results on the node's
 * output ports (in order by default), and keeps the batch in its input connection's occupancy
 * until then. Retries, dead letters and `deliveryTimeout` follow the input connection's error
 * recovery. The node's pool ends when the engine stops or is disposed. See docs/threads.md.
 *
 * @example
 * ```ts
 * const n = threadNode(engine, 'heavy', { kind: 'module', module: new URL('./heavy.js', import.meta.url).href, export: 'heavy' }, { size: 2 });
 * engine.createConnection('src', 'heavy', 'out', 'in');
 * ```
 */
export function threadNode(engine: StreamEngine, id: string, work: ThreadWork, options: ThreadOptions = {}): ThreadNodeHandle {
  return threadNodeWith(nodePool, engine, id, work, options);
}

/**
 * A workflow node type whose work runs on worker threads (user types and wrappers of built-ins
 * alike): `work` names what the workers run; one pool serves every node of the type unless
 * `thread.pool` is given. See docs/threads.md.
 *
 * @example
 * ```ts
 * wf.registerNodeType(threadNodeType({ type: 'heavy', work: { kind: 'module', module: url, export: 'heavy' }, thread: { size: 2 } }));
 * ```
 */
export function threadNodeType(def: ThreadNodeTypeDef): NodeTypeDefinition {
  return threadNodeTypeWith(nodePool, 'worker threads', def);
}
