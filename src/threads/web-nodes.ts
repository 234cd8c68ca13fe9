import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import { threadPool } from './port-web.js';
import { threadNodeTypeWith, threadNodeWith, type PoolMaker, type ThreadNodeHandle, type ThreadNodeTypeDef, type ThreadOptions } from './thread-nodes.js';
import type { ThreadWork } from './work.js';

const webPool: PoolMaker = (size, clock) => threadPool({ size, clock });

/**
 * `threadNode` of `@nodeflow/runtime/threads` in the browser: the node's batches run on Web
 * Workers (its own pool of `options.size` unless `options.pool` is given). Same options, same
 * rules (docs/semantics.md, "Nodes on worker threads").
 *
 * @example
 * ```ts
 * threadNode(engine, 'heavy', { kind: 'function', fn: (vs) => vs.map((v) => (v as number) * 2) }, { size: 2 });
 * ```
 */
export function threadNode(engine: StreamEngine, id: string, work: ThreadWork, options: ThreadOptions = {}): ThreadNodeHandle {
  return threadNodeWith(webPool, engine, id, work, options);
}

/**
 * `threadNodeType` of `@nodeflow/runtime/threads` in the browser: a workflow node type whose
 * work runs on Web Workers (one pool per type unless `thread.pool` is given).
 *
 * @example
 * ```ts
 * wf.registerNodeType(threadNodeType({ type: 'heavy', work: { kind: 'function', fn: (vs) => vs } }));
 * ```
 */
export function threadNodeType(def: ThreadNodeTypeDef): NodeTypeDefinition {
  return threadNodeTypeWith(webPool, 'Web Workers', def);
}
