import type { EngineClock } from '../../clock.js';
import { NodeflowError, describe, readOptions } from '../../errors.js';
import { hasMethods } from '../../shape.js';
import type { StreamMessage } from '../../message.js';
import type { Batch, OfferResult } from '../../message.js';
import type { PortSpec } from './definition.js';
import type { IoState } from '../types.js';
import type { CustodyEnd, FeedEnd, SettleEnd } from '../connection/transport-hooks.js';

/**
 * Emits data on one output port: builds the message (a new id, this node as source) and fans it
 * out. Pass the message it derives from as `origin` to keep the source's timestamp, so latency
 * is measured end to end.
 *
 * @example
 * ```ts
 * const out = ctx.output('out');
 * out(42, incomingMessage); // 'accepted' | 'backpressured' | 'dropped' | 'full' | 'unrouted'
 * ```
 */
export type Emitter = (data: unknown, origin?: StreamMessage, timestamp?: number) => OfferResult | 'unrouted';

/**
 * What a node's behaviour may use.
 *
 * @example
 * ```ts
 * create: (ctx) => ({ onMessage: (m) => ctx.output('out')((m.data as number) * 2, m) }),
 * ```
 */
export interface NodeContext {
  readonly nodeId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly clock: EngineClock;
  /** The emitter of output port `port` (get it once, call it per message). */
  output(port: string): Emitter;
  /** A function registered on the WorkflowEngine by name (for map/filter configs). */
  fn(name: string): (value: unknown) => unknown;
  /** A source has no more data: its outputs end, and the end propagates downstream. */
  complete(): void;
  /** The node fails for good (final); its outputs end. */
  fail(error: unknown): void;
  /**
   * Resolves once every connection of output `port` is flowing (below its low watermark) or
   * closed; at once when none is backpressured. An I/O source awaits it before it lets the
   * outside send more (acks, credit, a resumed socket), so backpressure reaches the outside.
   */
  ready(port: string): Promise<void>;
  /** True while any connection of output `port` is backpressured: time to hold the outside back. */
  backpressured(port: string): boolean;
  /**
   * Reports the node's link state or a typed fault: an `io.state` / `io.error` engine event,
   * and the node's status (`io.state`, `lastError`).
   */
  report(report: IoReport): void;
  /** Adds `n` (default 1) to the node's counter `name`, shown in its status as `io.counters`. */
  count(name: string, n?: number): void;
  /**
   * The transport seam: what the two ends of a connection across processes (`transport.outlet`,
   * `transport.inlet`) need of their local connections. No other node uses it.
   * @internal
   */
  readonly seam: NodeSeam;
}

/**
 * The hooks a transport end reaches its local connections through (docs/semantics.md,
 * "Connections across processes"). Looked up when asked, never per message.
 *
 * @example
 * ```ts
 * create: (ctx) => ({ process: (batch) => ctx.seam.input(batch.connectionId)?.keepCustody() }),
 * ```
 * @internal
 */
export interface NodeSeam {
  /** The connection `connectionId` delivering to this node (from a batch), or undefined. */
  input(connectionId: string): CustodyEnd | undefined;
  /** The one connection of output `port`, or undefined when it has none or several. */
  output(port: string): FeedEnd | undefined;
  /** Counts `count` messages this node put on its outputs through the seam (its status's `emitted`). */
  emitted(count: number): void;
  /**
   * The connections of this run downstream of this node's targets (every one reachable from
   * them, not the node's own outputs): a relay's inlet waits for them (docs/semantics.md, "Relay
   * barrier"). Walks the graph when called: call it once, after the run started.
   */
  downstream(): SettleEnd[];
}

/**
 * What an I/O node reports through `ctx.report`: a link state, or a typed fault.
 *
 * @example
 * ```ts
 * ctx.report({ kind: 'state', state: 'reconnecting', detail: 'ECONNREFUSED' });
 * ctx.report({ kind: 'error', code: 'MALFORMED_PAYLOAD', message: 'not JSON' });
 * ```
 */
export type IoReport =
  | { readonly kind: 'state'; readonly state: IoState; readonly detail?: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/**
 * A node's behaviour: lifecycle hooks and a batch handler (or the per-message convenience).
 * `process` (or `onMessage`) throwing or rejecting fails that delivery: the connection retries
 * it per its error recovery, then dead-letters it; the node keeps running.
 *
 * @example
 * ```ts
 * const b: NodeBehavior = { process: (batch) => console.log(batch.messages.length) };
 * ```
 */
export interface NodeBehavior {
  /** The workflow started (sources begin producing here). */
  start?(): void | Promise<void>;
  /** One delivered batch on input port `batch.port` (messages already passed the port schema). */
  process?(batch: Batch): void | PromiseLike<void>;
  /** Called per message when `process` is absent. */
  onMessage?(message: StreamMessage, port: string): void;
  /** Every input ended: flush what is held (a partial window, say). */
  complete?(): void;
  pause?(): void;
  resume?(): void;
  /** The workflow stops: release timers and resources. */
  stop?(): void;
}

/**
 * A node type: its ports, a config check, and a factory of behaviours.
 *
 * @example
 * ```ts
 * workflowEngine.registerNodeType({
 *   type: 'double',
 *   inputs: { in: { type: 'number' } },
 *   outputs: { out: { type: 'number' } },
 *   create: (ctx) => {
 *     const out = ctx.output('out');
 *     return { onMessage: (m) => void out((m.data as number) * 2, m) };
 *   },
 * });
 * ```
 */
export interface NodeTypeDefinition {
  readonly type: string;
  readonly description?: string;
  /** 'source' nodes end by calling complete(); others end when all their inputs have ended. */
  readonly kind?: 'source' | 'transform' | 'sink';
  readonly inputs?: Readonly<Record<string, PortSpec>>;
  readonly outputs?: Readonly<Record<string, PortSpec>>;
  /** Problems with a node's config, one message each (none: valid). */
  validateConfig?(config: Readonly<Record<string, unknown>>): readonly string[] | undefined;
  /** A widget sink: the node is a widget actor (useStreamData can attach to it). */
  readonly widget?: { readonly bufferSize?: (config: Readonly<Record<string, unknown>>) => number | undefined };
  create(ctx: NodeContext): NodeBehavior;
}

/**
 * The node types a WorkflowEngine knows, by name.
 *
 * @example
 * ```ts
 * const registry = new NodeTypeRegistry();
 * registry.register(myType);
 * registry.get('double');
 * ```
 */
export class NodeTypeRegistry {
  private readonly types = new Map<string, NodeTypeDefinition>();

  register(input: NodeTypeDefinition): void {
    // Read once into a frozen copy: the registry keeps what was checked, not the caller's object.
    const def = readOptions(input, ['type', 'description', 'kind', 'inputs', 'outputs', 'validateConfig', 'widget', 'create'], 'nodeType.') as NodeTypeDefinition;
    if (input === undefined || typeof def.type !== 'string' || def.type.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'registerNodeType: type must be a non-empty string', { field: 'type' });
    const bad = (why: string, details: Record<string, unknown> = {}) => new NodeflowError('INVALID_ARGUMENT', `registerNodeType(${describe(def.type)}): ${why}`, { type: def.type, ...details });
    if (typeof def.create !== 'function') throw bad('create must be a function (ctx) => behaviour', { field: 'create' });
    if (def.validateConfig !== undefined && typeof def.validateConfig !== 'function') throw bad('validateConfig must be a function (config) => string[]', { field: 'validateConfig' });
    if (def.description !== undefined && typeof def.description !== 'string') throw bad('description must be a string', { field: 'description' });
    if (def.kind !== undefined && !(['source', 'transform', 'sink'] as unknown[]).includes(def.kind)) throw bad("kind must be 'source', 'transform' or 'sink'", { field: 'kind' });
    if (def.widget !== undefined) {
      const w = readOptions(def.widget, ['bufferSize'], 'nodeType.widget.');
      if (w.bufferSize !== undefined && typeof w.bufferSize !== 'function') throw bad('widget.bufferSize must be a function (config) => number', { field: 'widget' });
      (def as { widget?: unknown }).widget = Object.freeze(w);
    }
    if (this.types.has(def.type)) throw new NodeflowError('DUPLICATE_ID', `Node type ${def.type} is already registered`, { type: def.type });
    for (const side of ['inputs', 'outputs'] as const) {
      if (def[side] === undefined) continue;
      const ports: Record<string, PortSpec> = {};
      for (const [name, spec] of Object.entries(readOptions(def[side], null, `nodeType.${side}.`))) {
        const p = readOptions(spec as PortSpec, ['type', 'schema', 'description'], `nodeType.${side}.${name}.`);
        if (p.type !== undefined && typeof p.type !== 'string') throw bad(`${side}.${name}.type must be a string`, { port: name });
        if (p.schema !== undefined && !hasMethods(safeGet(p.schema, '~standard'), ['validate'])) {
          throw bad(`${side}.${name}.schema is not a Standard Schema (no ['~standard'].validate function)`, { port: name });
        }
        ports[name] = Object.freeze(p);
      }
      (def as unknown as Record<string, unknown>)[side] = Object.freeze(ports);
    }
    this.types.set(def.type, Object.freeze(def));
  }

  get(type: string): NodeTypeDefinition | undefined {
    return this.types.get(type);
  }

  list(): NodeTypeDefinition[] {
    return [...this.types.values()];
  }
}

// One property of a caller's object, or undefined where reading it throws.
function safeGet(o: unknown, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
