import { ConfigError, NodeflowError, readOptions } from '../errors.js';
import type { EngineClock } from '../clock.js';
import type { StreamMessage } from '../message.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeHandle } from '../actors/targets/node.js';
import type { NodeContext, NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { OutletReadout } from '../transport/outlet-end.js';
import type { ThreadPool } from './pool.js';
import { checkPoolSize } from './pool-options.js';
import { threadBehavior } from './stand-in.js';
import { checkMaxFrames, checkPool, checkThread, threadProcess } from './attach.js';
import type { ThreadDelivery } from './thread-carrier.js';
import { loadSpec, type ThreadWork } from './work.js';

// threadNode and threadNodeType for any platform: the Node entry (worker_threads) and the
// browser entry (Web Workers) differ only in the pool they make, so they pass its maker here.

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
 * A node made by `threadNode`: its handle, its frames' readout (`sent = outstandingMessages
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
 * Makes a platform's pool of `size` workers. @internal
 *
 * @example
 * ```ts
 * const make: PoolMaker = (size, clock) => threadPool({ size, clock });
 * ```
 */
export type PoolMaker = (size: number, clock: EngineClock) => ThreadPool;

/**
 * `threadNode` on the pool `makePool` makes. @internal
 *
 * @example
 * ```ts
 * export const threadNode = (engine, id, work, options) => threadNodeWith(makeNodePool, engine, id, work, options);
 * ```
 */
export function threadNodeWith(makePool: PoolMaker, engine: StreamEngine, id: string, work: ThreadWork, options: ThreadOptions = {}): ThreadNodeHandle {
  // Duck-typed, not instanceof: an engine from another copy of the package is an engine too.
  const e = engine as Partial<StreamEngine> | null;
  if (typeof e !== 'object' || e === null || typeof e.node !== 'function' || typeof e.createConnection !== 'function') {
    throw new NodeflowError('INVALID_ARGUMENT', 'threadNode(engine, id, work, options?) needs a StreamEngine as its first argument', { got: e === null ? 'null' : typeof e });
  }
  const o = checkOptions(options, '');
  if (o.pool !== undefined && o.size !== undefined) throw new ConfigError('size', 'no size beside a pool (the pool has its own size): give one or the other', o.size);
  const pool = o.pool ?? makePool(o.size ?? 1, engine.clock);
  const checked = checkThread({ pool, work, ...(o.delivery !== undefined ? { delivery: o.delivery } : {}), ...(o.maxFrames !== undefined ? { maxFrames: o.maxFrames } : {}) });
  const node = engine.node(id, { process: (batch) => t.process(batch) });
  const t = threadProcess(engine, id, node, checked);
  return Object.assign(Object.create(node) as NodeHandle, { readout: t.readout, counters: t.counters });
}

/**
 * What `threadNodeType` takes.
 *
 * @example
 * ```ts
 * const def: ThreadNodeTypeDef = { type: 'heavy', work: { kind: 'function', fn: (vs) => vs } };
 * ```
 */
export interface ThreadNodeTypeDef {
  readonly type: string;
  readonly description?: string;
  readonly work: ThreadWork;
  readonly thread?: ThreadOptions;
  readonly inputs?: NodeTypeDefinition['inputs'];
  readonly outputs?: NodeTypeDefinition['outputs'];
}

/**
 * `threadNodeType` on the pool `makePool` makes (`runsOn` names the workers in the description).
 * @internal
 *
 * @example
 * ```ts
 * export const threadNodeType = (def) => threadNodeTypeWith(makeNodePool, 'worker threads', def);
 * ```
 */
export function threadNodeTypeWith(makePool: PoolMaker, runsOn: string, def: ThreadNodeTypeDef): NodeTypeDefinition {
  if (typeof def !== 'object' || def === null) throw new ConfigError('definition', 'an object { type, work, thread?, description?, inputs?, outputs? }', def);
  // A misspelt key (thred, ouputs) would otherwise be ignored: a default pool, a default port.
  readOptions(def, ['type', 'description', 'work', 'thread', 'inputs', 'outputs'], 'definition.');
  if (typeof def.type !== 'string' || def.type.length === 0) throw new ConfigError('type', 'a non-empty string: the node type name', def.type);
  const spec = loadSpec(def.work);
  // Checked now, not when a workflow first creates a node of the type.
  const o = checkOptions(def.thread, 'thread.');
  if (o.pool !== undefined && o.size !== undefined) throw new ConfigError('thread.size', 'no size beside a pool (the pool has its own size): give one or the other', o.size);
  let shared: ThreadPool | undefined = o.pool;
  return {
    type: def.type,
    description: def.description ?? `${def.type}, run on ${runsOn}`,
    inputs: def.inputs ?? { in: { type: 'any' } },
    outputs: def.outputs ?? { out: { type: 'any' } },
    create(ctx) {
      shared ??= makePool(o.size ?? 1, ctx.clock);
      const emitters = new Map<string, ReturnType<NodeContext['output']>>();
      // A workflow node's emitter keeps what a full output refuses in the node's outbox, in
      // order; the next delivery completes only once that went out (backpressure upstream).
      const emit = (port: string, values: readonly unknown[], inputs: readonly StreamMessage[]): void => {
        let e = emitters.get(port);
        if (e === undefined) emitters.set(port, (e = ctx.output(port)));
        const last = inputs.length - 1;
        for (let i = 0; i < values.length; i++) e(values[i], inputs[i < last ? i : last]);
      };
      return threadBehavior(ctx, shared, spec, o.delivery ?? 'ordered', emit, o.maxFrames);
    },
  };
}

/** ThreadOptions checked: known keys only, each valid; a `ConfigError` names the first bad field. */
function checkOptions(options: ThreadOptions | undefined, prefix: string): Partial<ThreadOptions> {
  const o = readOptions(options, ['pool', 'size', 'delivery', 'maxFrames'], prefix);
  checkPool(o.pool, `${prefix}pool`, false);
  if (o.size !== undefined) checkPoolSize(o.size, `${prefix}size`);
  if (o.delivery !== undefined && o.delivery !== 'ordered' && o.delivery !== 'unordered') throw new ConfigError(`${prefix}delivery`, "'ordered' or 'unordered'", o.delivery);
  checkMaxFrames(o.maxFrames, `${prefix}maxFrames`);
  return o;
}
