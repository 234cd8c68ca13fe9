import type { EngineClock } from '../clock.js';
import { ConfigError, readOptions } from '../errors.js';
import type { Batch } from '../message.js';
import type { CustodyEnd } from '../actors/connection/transport-hooks.js';
import type { NodeContext } from '../actors/workflow/node-types.js';
import type { OutletReadout } from '../transport/outlet-end.js';
import type { NodeThreadOptions } from './options.js';
import { emitOutputs, type EmitPort } from './emit-outputs.js';
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
export function checkThread(options: NodeThreadOptions): CheckedThread {
  const o = readOptions(options, ['pool', 'work', 'delivery', 'maxFrames'], 'thread.');
  checkPool(o.pool, 'thread.pool');
  if (o.delivery !== undefined && o.delivery !== 'ordered' && o.delivery !== 'unordered') throw new ConfigError('thread.delivery', "'ordered' or 'unordered'", o.delivery);
  checkMaxFrames(o.maxFrames, 'thread.maxFrames');
  return { options: options, spec: loadSpec(o.work as NodeThreadOptions['work']) };
}

/**
 * Checks a thread option `pool`: absent, or a pool from `threadPool()`; else a `ConfigError` naming `field`.
 *
 * @example
 * ```ts
 * checkPool({}, 'thread.pool'); // throws INVALID_CONFIG
 * ```
 * @internal
 */
export function checkPool(pool: unknown, field: string, required = true): void {
  if (pool === undefined && !required) return;
  if (typeof pool !== 'object' || pool === null || typeof (pool as { acquire?: unknown }).acquire !== 'function') throw new ConfigError(field, 'a pool from threadPool() (@nodeflow/runtime/threads)', pool);
}

/**
 * Checks a thread option `maxFrames`: absent, or an integer in [1, 65536] (0 or less would let no
 * frame out: the node would wait forever); else a `ConfigError` naming `field`.
 *
 * @example
 * ```ts
 * checkMaxFrames(0, 'thread.maxFrames'); // throws INVALID_CONFIG
 * ```
 * @internal
 */
export function checkMaxFrames(v: unknown, field: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65536)) throw new ConfigError(field, 'an integer in [1, 65536]', v);
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
export function threadProcess(engine: ThreadEngine, id: string, node: { output(port: string): EmitPort }, checked: CheckedThread): ThreadedProcess {
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
  const nextId = () => ++seq;
  const b = threadBehavior(ctx, o.pool, spec, o.delivery ?? 'ordered', (port, values, inputs) => emitOutputs(node.output(port), id, port, values, inputs, nextId), o.maxFrames);
  const sub = engine.actor.subscribe((s) => {
    if (s.value !== 'stopped' && s.status !== 'done') return;
    b.stop();
    queueMicrotask(() => sub.unsubscribe());
  });
  return { process: (batch) => b.process(batch), readout: () => b.readout(), counters: () => ({ ...counters }) };
}
