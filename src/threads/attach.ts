import type { EngineClock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { Batch, OutgoingMessage, StreamMessage } from '../message.js';
import type { CustodyEnd } from '../actors/connection/transport-hooks.js';
import type { NodeContext } from '../actors/workflow/node-types.js';
import type { OutletReadout } from '../transport/outlet-end.js';
import type { NodeThreadOptions } from './options.js';
import { threadBehavior } from './stand-in.js';
import type { LoadSpec } from './protocol.js';
import { loadSpec } from './work.js';

/**
 * The engine as a threaded node needs it (a StreamEngine is one). @internal
 *
 * @example
 * ```ts
 * const host: ThreadEngine = engine; // a StreamEngine
 * ```
 */
export interface ThreadEngine {
  readonly clock: EngineClock;
  getConnection(id: string): CustodyEnd;
  readonly actor: { subscribe(fn: (s: { readonly value: unknown; readonly status: string }) => void): { unsubscribe(): void } };
}

/**
 * Thread options, checked, with the load spec of their work. @internal
 *
 * @example
 * ```ts
 * const { options, spec } = checkThread({ pool, work });
 * ```
 */
export interface CheckedThread {
  readonly options: NodeThreadOptions;
  readonly spec: LoadSpec;
}

/**
 * Checks `engine.node(id, { thread })`'s options before the node exists (a bad option leaves no
 * node behind): a typed `INVALID_CONFIG`, `INVALID_ARGUMENT` or `THREAD_FUNCTION_NOT_PORTABLE`.
 *
 * @example
 * ```ts
 * const checked = checkThread({ pool, work: { kind: 'function', fn: (v) => v } });
 * ```
 * @internal
 */
export function checkThread(o: NodeThreadOptions): CheckedThread {
  if (typeof o !== 'object' || o === null || typeof o.pool?.acquire !== 'function') throw new ConfigError('thread.pool', 'a pool from threadPool() (@nodeflow/runtime/threads)', o?.pool);
  if (o.delivery !== undefined && o.delivery !== 'ordered' && o.delivery !== 'unordered') throw new ConfigError('thread.delivery', "'ordered' or 'unordered'", o.delivery);
  return { options: o, spec: loadSpec(o.work) };
}

/**
 * What a threaded stream-engine node gives back: its batch handler and its readouts. @internal
 *
 * @example
 * ```ts
 * const t: ThreadedProcess = threadProcess(engine, 'heavy', node, checked); t.readout().outstandingFrames;
 * ```
 */
export interface ThreadedProcess {
  process(batch: Batch): void | PromiseLike<void>;
  readout(): OutletReadout;
  counters(): Readonly<Record<string, number>>;
}

/**
 * The batch handler of stream-engine node `id` whose batches run on `o.pool` (platform-free: the
 * pool carries its platform's spawner). Stops, releasing the pool, when the engine stops.
 *
 * @example
 * ```ts
 * node.setProcess(threadProcess(engine, 'heavy', node, checkThread({ pool, work })).process);
 * ```
 * @internal
 */
export function threadProcess(engine: ThreadEngine, id: string, node: { output(port: string): { emit(m: OutgoingMessage): unknown } }, checked: CheckedThread): ThreadedProcess {
  const { options: o, spec } = checked;
  const counters: Record<string, number> = {};
  const ctx = {
    nodeId: id,
    config: {},
    clock: engine.clock,
    count: (name: string, n = 1) => void (counters[name] = (counters[name] ?? 0) + n),
    report: () => {},
    seam: { input: (c: string) => engine.getConnection(c), output: () => undefined, emitted: () => {}, downstream: () => [] },
  } as unknown as NodeContext;
  let seq = 0;
  // One port looked up per run of outputs on it, not per message (the common case: one port).
  let last: { name: string; port: { emit(m: OutgoingMessage): unknown } } | undefined;
  const emit = (port: string, data: unknown, origin: StreamMessage): void => {
    if (last?.name !== port) last = { name: port, port: node.output(port) };
    last.port.emit({ id: ++seq, timestamp: origin.timestamp, sourceNodeId: id, port, data });
  };
  const b = threadBehavior(ctx, o.pool, spec, o.delivery ?? 'ordered', emit, o.maxFrames);
  const sub = engine.actor.subscribe((s) => {
    if (s.value !== 'stopped' && s.status !== 'done') return;
    b.stop();
    queueMicrotask(() => sub.unsubscribe());
  });
  return { process: (batch) => b.process(batch), readout: () => b.readout(), counters: () => ({ ...counters }) };
}
