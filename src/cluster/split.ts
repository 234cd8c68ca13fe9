import { DEFAULT_STREAM_CONFIG, validateStreamConfig, type StreamConfig } from '../config.js';
import type { WorkflowDefinition, WorkflowEdge, WorkflowNode } from '../actors/workflow/definition.js';

/**
 * The node type that stands in for the producer end of an edge that crosses processes.
 *
 * @example
 * ```ts
 * split.parts[0]!.definition.nodes.filter((n) => n.type === OUTLET_TYPE);
 * ```
 */
export const OUTLET_TYPE = 'transport.outlet';
/**
 * The node type that stands in for the consumer end of an edge that crosses processes.
 *
 * @example
 * ```ts
 * const inlets = part.definition.nodes.filter((n) => n.type === INLET_TYPE);
 * ```
 */
export const INLET_TYPE = 'transport.inlet';

/**
 * An edge whose ends run in different processes: the producer's part ends it in an outlet node,
 * the consumer's part starts it from an inlet node; both halves keep the edge's id and its
 * resolved StreamConfig, so each process builds the same connection.
 *
 * @example
 * ```ts
 * const { cross } = splitWorkflow(def);
 * for (const c of cross) console.log(c.id, c.from ?? 'here', '→', c.to ?? 'here', c.maxFrames);
 * ```
 */
export interface CrossEdge {
  /** The edge's id in the definition (explicit, or `source.port->target.port`). */
  readonly id: string;
  /** A NATS subject token naming the edge within its run (`e<index in def.edges>`). */
  readonly key: string;
  /** The producer's worker (undefined: the calling process). */
  readonly from: string | undefined;
  /** The consumer's worker (undefined: the calling process). */
  readonly to: string | undefined;
  readonly outlet: string;
  readonly inlet: string;
  /** Frames the edge may hold in transit: `ceil(bufferSize / maxBatchSize)`. */
  readonly maxFrames: number;
  /** Both halves' StreamConfig, resolved (`conflateKey` is a function and does not cross). */
  readonly config: Readonly<Omit<StreamConfig, 'conflateKey'>>;
}

/**
 * One process's share of a workflow: a plain definition (no `placement` left in it).
 *
 * @example
 * ```ts
 * const local = splitWorkflow(def).parts.find((p) => p.worker === undefined)!;
 * ```
 */
export interface WorkflowPart {
  /** The worker that runs it; undefined for the calling process. */
  readonly worker: string | undefined;
  readonly definition: WorkflowDefinition;
}

/**
 * What {@link splitWorkflow} returns: the calling process's part first (always present, maybe
 * empty), then one part per worker in order of first mention, and the edges that cross.
 *
 * @example
 * ```ts
 * const { parts, cross } = splitWorkflow(def);
 * ```
 */
export interface WorkflowSplit {
  readonly parts: readonly WorkflowPart[];
  readonly cross: readonly CrossEdge[];
}

/**
 * Splits a validated definition into one definition per process. A node runs where
 * `options.placement[node.id]` or its own `placement` says (else in the calling process); an
 * edge whose ends run in one process stays as it is; an edge across processes becomes
 * `source → outlet` in the producer's part and `inlet → target` in the consumer's, both with
 * the edge's id and its resolved StreamConfig (from `options.base`, the workflow's config and
 * the edge's). Pure: same input, same output.
 *
 * @example
 * ```ts
 * const { parts } = splitWorkflow({
 *   nodes: [{ id: 'src', type: 'source.sequential' }, { id: 'work', type: 'transform.map', placement: 'w1' }, { id: 'out', type: 'sink.collector' }],
 *   edges: [{ source: 'src', sourcePort: 'out', target: 'work', targetPort: 'in' }, { source: 'work', sourcePort: 'out', target: 'out', targetPort: 'in' }],
 * });
 * parts.map((p) => p.worker); // [undefined, 'w1']
 * ```
 */
export function splitWorkflow(def: WorkflowDefinition, options: { placement?: Readonly<Record<string, string>>; base?: Readonly<StreamConfig> } = {}): WorkflowSplit {
  const where = new Map<string, string | undefined>();
  const parts = new Map<string | undefined, { nodes: WorkflowNode[]; edges: WorkflowEdge[] }>([[undefined, { nodes: [], edges: [] }]]);
  const part = (w: string | undefined) => parts.get(w) ?? parts.set(w, { nodes: [], edges: [] }).get(w)!;
  const taken = new Set(def.nodes.map((n) => n.id));
  for (const n of def.nodes) {
    const w = options.placement?.[n.id] ?? n.placement;
    where.set(n.id, w);
    const { placement: _placement, ...plain } = n;
    part(w).nodes.push(plain);
  }
  const base = validateStreamConfig(def.config ?? {}, options.base ?? DEFAULT_STREAM_CONFIG);
  const cross: CrossEdge[] = [];
  def.edges.forEach((e, i) => {
    const from = where.get(e.source);
    const to = where.get(e.target);
    if (from === to) return void part(from).edges.push(e);
    const id = e.id ?? `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
    const key = `e${i}`;
    const { conflateKey: _conflateKey, ...config } = validateStreamConfig(e.config ?? {}, base);
    const maxFrames = Math.ceil(config.bufferSize / config.maxBatchSize);
    const outlet = fresh(`${id}⇥`, taken);
    const inlet = fresh(`⇥${id}`, taken);
    part(from).nodes.push({ id: outlet, type: OUTLET_TYPE, config: { edge: key, maxFrames } });
    part(from).edges.push({ id, source: e.source, sourcePort: e.sourcePort, target: outlet, targetPort: 'in', config });
    part(to).nodes.push({ id: inlet, type: INLET_TYPE, config: { edge: key } });
    part(to).edges.push({ id, source: inlet, sourcePort: 'out', target: e.target, targetPort: e.targetPort, config });
    cross.push({ id, key, from, to, outlet, inlet, maxFrames, config });
  });
  const out: WorkflowPart[] = [];
  for (const [worker, p] of parts) {
    out.push({ worker, definition: { ...(def.id !== undefined ? { id: def.id } : {}), nodes: p.nodes, edges: p.edges, ...(def.config !== undefined ? { config: def.config } : {}) } });
  }
  return { parts: out, cross };
}

// A node id no other node has: the stand-in's name, with `~` added until it is unused.
function fresh(name: string, taken: Set<string>): string {
  let id = name;
  while (taken.has(id)) id += '~';
  taken.add(id);
  return id;
}
