import type { EngineClock } from '../../clock.js';
import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import type { Batch, OfferResult } from '../../message.js';
import type { PortSpec } from './definition.js';

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
}

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

  register(def: NodeTypeDefinition): void {
    if (!def || typeof def.type !== 'string' || def.type.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'registerNodeType: type must be a non-empty string', { field: 'type' });
    if (typeof def.create !== 'function') throw new NodeflowError('INVALID_ARGUMENT', `registerNodeType(${def.type}): create must be a function (ctx) => behaviour`, { field: 'create' });
    if (this.types.has(def.type)) throw new NodeflowError('DUPLICATE_ID', `Node type ${def.type} is already registered`, { type: def.type });
    for (const [side, ports] of [['inputs', def.inputs], ['outputs', def.outputs]] as const) {
      for (const [name, spec] of Object.entries(ports ?? {})) {
        const schema = spec?.schema as { '~standard'?: { validate?: unknown } } | undefined;
        if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
          throw new NodeflowError('INVALID_ARGUMENT', `registerNodeType(${def.type}): ${side}.${name}.schema is not a Standard Schema (no ['~standard'].validate function)`, { type: def.type, port: name });
        }
      }
    }
    this.types.set(def.type, def);
  }

  get(type: string): NodeTypeDefinition | undefined {
    return this.types.get(type);
  }

  list(): NodeTypeDefinition[] {
    return [...this.types.values()];
  }
}
