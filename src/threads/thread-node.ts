import { NodeflowError } from '../errors.js';
import type { StreamMessage } from '../message.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeHandle } from '../actors/targets/node.js';
import type { OutputPort } from '../actors/targets/output-port.js';
import type { NodeContext, NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { OutletReadout } from '../transport/outlet-end.js';
import { threadPool } from './port-node.js';
import type { ThreadPool } from './pool.js';
import { threadBehavior } from './stand-in.js';
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
export function threadNode(engine: StreamEngine, id: string, work: ThreadWork, options: ThreadOptions = {}): NodeHandle & { readout(): OutletReadout } {
  const spec = loadSpec(work);
  const pool = options.pool ?? threadPool({ size: options.size ?? 1, clock: engine.clock });
  const node = engine.node(id, { process: (batch) => b.process(batch) });
  const counters = new Map<string, number>();
  const ctx = {
    nodeId: id,
    config: {},
    clock: engine.clock,
    count: (name: string, n = 1) => void counters.set(name, (counters.get(name) ?? 0) + n),
    report: () => {},
    seam: { input: (c: string) => engine.getConnection(c), output: () => undefined, emitted: () => {}, downstream: () => [] },
  } as unknown as NodeContext;
  let seq = 0;
  // One port looked up per run of outputs on it, not per message (the common case: one port).
  let last: { name: string; port: OutputPort } | undefined;
  const emit = (port: string, data: unknown, origin: StreamMessage): void => {
    if (last?.name !== port) last = { name: port, port: node.output(port) };
    last.port.emit({ id: ++seq, timestamp: origin.timestamp, sourceNodeId: id, port, data });
  };
  const b = threadBehavior(ctx, pool, spec, options.delivery ?? 'ordered', emit, options.maxFrames);
  const sub = engine.actor.subscribe((s) => {
    if (s.value !== 'stopped' && s.status !== 'done') return;
    b.stop();
    queueMicrotask(() => sub.unsubscribe());
  });
  return Object.assign(Object.create(node) as NodeHandle, { readout: () => b.readout() });
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
