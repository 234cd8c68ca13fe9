import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { NodeHandle } from '../actors/targets/node.js';
import type { NodeContext, NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { StreamMessage } from '../message.js';
import { NodeflowError } from '../errors.js';
import { threadPool } from './port-web.js';
import type { ThreadPool } from './pool.js';
import { threadBehavior } from './stand-in.js';
// Types only (erased): thread-node.ts itself imports the worker_threads pool.
import type { ThreadNodeHandle, ThreadOptions } from './thread-node.js';
import { checkThread, threadProcess } from './attach.js';
import { loadSpec, type ThreadWork } from './work.js';

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
  const pool = options.pool ?? threadPool({ size: options.size ?? 1, clock: engine.clock });
  const checked = checkThread({ pool, work, ...(options.delivery ? { delivery: options.delivery } : {}), ...(options.maxFrames ? { maxFrames: options.maxFrames } : {}) });
  const node = engine.node(id, { process: (batch) => t.process(batch) });
  const t = threadProcess(engine, id, node, checked);
  return Object.assign(Object.create(node) as NodeHandle, { readout: t.readout, counters: t.counters });
}

/**
 * `threadNodeType` of `@nodeflow/runtime/threads` in the browser: a workflow node type whose
 * work runs on Web Workers (one pool per type unless `thread.pool` is given). It mirrors the Node
 * one line for line but for the pool it makes: keep the two in step.
 *
 * @example
 * ```ts
 * wf.registerNodeType(threadNodeType({ type: 'heavy', work: { kind: 'function', fn: (vs) => vs } }));
 * ```
 */
export function threadNodeType(def: { readonly type: string; readonly description?: string; readonly work: ThreadWork; readonly thread?: ThreadOptions; readonly inputs?: NodeTypeDefinition['inputs']; readonly outputs?: NodeTypeDefinition['outputs'] }): NodeTypeDefinition {
  const spec = loadSpec(def.work);
  const o = def.thread ?? {};
  if (o.delivery !== undefined && o.delivery !== 'ordered' && o.delivery !== 'unordered') throw new NodeflowError('INVALID_CONFIG', "thread.delivery must be 'ordered' or 'unordered'", { field: 'thread.delivery' });
  let shared: ThreadPool | undefined = o.pool;
  return {
    type: def.type,
    description: def.description ?? `${def.type}, run on Web Workers`,
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
