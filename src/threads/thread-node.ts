import { NodeflowError } from '../errors.js';
import type { StreamMessage } from '../message.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeHandle } from '../actors/targets/node.js';
import type { NodeContext, NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { OutletReadout } from '../transport/outlet-end.js';
import { threadPool } from './port-node.js';
import type { ThreadPool } from './pool.js';
import { threadBehavior } from './stand-in.js';
import { checkThread, threadProcess } from './attach.js';
import type { ThreadDelivery } from './thread-carrier.js';
import { loadSpec, type ThreadWork } from './work.js';

/**
 * How a node runs off the main thread.
 *
 * @example
 * ```ts
 * const options: ThreadOptions = { size: 2, delivery: 'ordered' };
 * ```
 */
export interface ThreadOptions {
  /** A pool to share (with other nodes or types); default: one made for this node (or node type). */
  readonly pool?: ThreadPool;
  /** Workers of the pool made when `pool` is not given (default 1). */
  readonly size?: number;
  /** `ordered` (default): outputs in the order batches came in; `unordered`: as they finish. */
  readonly delivery?: ThreadDelivery;
  /** Frames outstanding at the workers at most; default `ceil(bufferSize / maxBatchSize)` of the input connection. */
  readonly maxFrames?: number;
}

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
  const pool = options.pool ?? threadPool({ size: options.size ?? 1, clock: engine.clock });
  const checked = checkThread({ pool, work, ...(options.delivery ? { delivery: options.delivery } : {}), ...(options.maxFrames ? { maxFrames: options.maxFrames } : {}) });
  const node = engine.node(id, { process: (batch) => t.process(batch) });
  const t = threadProcess(engine, id, node, checked);
  return Object.assign(Object.create(node) as NodeHandle, { readout: t.readout, counters: t.counters });
}

/**
 * A node made by {@link threadNode}: its handle, its frames' readout (`sent = outstandingMessages
 * + settledMessages + abandonedMessages`) and its counters (`failedAttempts`, `retries`,
 * `framesSent`, `framesSettled`, `settledMessages`, `deadLettered`, `abandoned`).
 *
 * @example
 * ```ts
 * const n = threadNode(engine, 'heavy', work);
 * n.readout().outstandingFrames;
 * n.counters().retries;
 * ```
 */
export interface ThreadNodeHandle extends NodeHandle {
  readout(): OutletReadout;
  counters(): Readonly<Record<string, number>>;
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
export function threadNodeType(def: { readonly type: string; readonly description?: string; readonly work: ThreadWork; readonly thread?: ThreadOptions; readonly inputs?: NodeTypeDefinition['inputs']; readonly outputs?: NodeTypeDefinition['outputs'] }): NodeTypeDefinition {
  const spec = loadSpec(def.work);
  const o = def.thread ?? {};
  if (o.delivery !== undefined && o.delivery !== 'ordered' && o.delivery !== 'unordered') throw new NodeflowError('INVALID_CONFIG', "thread.delivery must be 'ordered' or 'unordered'", { field: 'thread.delivery' });
  let shared: ThreadPool | undefined = o.pool;
  return {
    type: def.type,
    description: def.description ?? `${def.type}, run on worker threads`,
    inputs: def.inputs ?? { in: { type: 'any' } },
    outputs: def.outputs ?? { out: { type: 'any' } },
    create(ctx) {
      shared ??= threadPool({ size: o.size ?? 1, clock: ctx.clock });
      const emitters = new Map<string, ReturnType<NodeContext['output']>>();
      const emit = (port: string, data: unknown, origin: StreamMessage): void => {
        let e = emitters.get(port);
        if (e === undefined) emitters.set(port, (e = ctx.output(port)));
        e(data, origin);
      };
      return threadBehavior(ctx, shared, spec, o.delivery ?? 'ordered', emit, o.maxFrames);
    },
  };
}
