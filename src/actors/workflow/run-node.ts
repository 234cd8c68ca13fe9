import type { NodeRuntime } from '../targets/node.js';
import type { WidgetRuntime } from '../targets/widget.js';
import type { NodeBehavior, NodeTypeDefinition } from './node-types.js';
import { Outbox } from './outbox.js';
import type { IoState } from '../types.js';

/**
 * One node of a running workflow, as the run keeps it: its engine actor (or widget), its
 * behaviour, its edges, and its counters.
 *
 * @example
 * ```ts
 * const n = createRunNode('m', mapType, { scale: 2 });
 * n.outbox?.offer(port, message);
 * ```
 * @internal
 */
export interface RunNode {
  readonly id: string;
  readonly type: NodeTypeDefinition;
  readonly config: Readonly<Record<string, unknown>>;
  handle?: NodeRuntime;
  widget?: WidgetRuntime;
  behavior: NodeBehavior;
  /** Open connections into the node: at zero, a non-source node ends. */
  readonly incoming: Set<string>;
  readonly outgoing: string[];
  ended: boolean;
  stateOverride?: string;
  received: number;
  emitted: number;
  rejected: number;
  errors: number;
  lastError?: string;
  readonly source: boolean;
  /** A transform's refused messages (a source's driver keeps and re-offers its own: null). */
  readonly outbox: Outbox | null;
  /** Left in the outbox when the run stopped: counted, not lost silently. */
  discarded: number;
  /** An I/O node's link state and counters (ctx.report / ctx.count); absent for the others. */
  io?: { state?: IoState; counters: Record<string, number> };
}

/**
 * A fresh node of type `type`. A type that declares no inputs is a source even without
 * `kind: 'source'`.
 *
 * @example
 * ```ts
 * const n = createRunNode('src', registry.get('source.sequential')!, { count: 10 });
 * n.source; // true
 * ```
 * @internal
 */
export function createRunNode(id: string, type: NodeTypeDefinition, config: Readonly<Record<string, unknown>>): RunNode {
  const source = type.kind === 'source' || (type.kind === undefined && Object.keys(type.inputs ?? {}).length === 0);
  const n = {
    id,
    type,
    config,
    behavior: {},
    incoming: new Set<string>(),
    outgoing: [],
    ended: false,
    received: 0,
    emitted: 0,
    rejected: 0,
    errors: 0,
    source,
    outbox: null as Outbox | null,
    discarded: 0,
  };
  if (!source) n.outbox = new Outbox(n);
  return n;
}
