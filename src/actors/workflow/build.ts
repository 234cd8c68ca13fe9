import { NodeflowError, errorMessage } from '../../errors.js';
import type { Batch } from '../../message.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { NodeRuntime } from '../targets/node.js';
import type { WorkflowDefinition } from './definition.js';
import { createNodeContext, type ContextHost } from './node-context.js';
import type { NodeBehavior, NodeTypeDefinition } from './node-types.js';
import { createRunNode, type RunNode } from './run-node.js';
import type { RunEdge } from './status.js';

/**
 * A run's graph once built: its nodes, its edges by edge id, and the node each connection
 * delivers to.
 *
 * @example
 * ```ts
 * const { nodes, edges, targetOf } = buildRun(engine, def, types, host);
 * ```
 * @internal
 */
export interface RunGraph {
  readonly nodes: Map<string, RunNode>;
  readonly edges: Map<string, RunEdge>;
  readonly targetOf: Map<string, RunNode>;
}

/**
 * What building needs beyond the engine: the node context's host and where a batch goes.
 *
 * @example
 * ```ts
 * const host: BuildHost = { ...contextHost, deliver: (n, batch) => deliverBatch(n, batch, engine, publish) };
 * ```
 * @internal
 */
export interface BuildHost extends ContextHost {
  deliver(n: RunNode, batch: Batch): void | PromiseLike<void>;
}

/**
 * Creates a validated definition's nodes (engine nodes, not started, or widgets) and its edges
 * (engine connections), in time linear in nodes plus edges. If a node type's `create()` throws
 * or returns no behaviour, everything made so far is removed again and the error is thrown:
 * nothing is left half built.
 *
 * @example
 * ```ts
 * const graph = buildRun(engine, def, (t) => registry.get(t)!, host);
 * ```
 * @internal
 */
export function buildRun(engine: StreamEngine, def: WorkflowDefinition, types: (type: string) => NodeTypeDefinition, host: BuildHost): RunGraph {
  const nodes = new Map<string, RunNode>();
  const edges = new Map<string, RunEdge>();
  const targetOf = new Map<string, RunNode>();
  // Undone in reverse: connections first, then nodes (a push each; an unshift would be O(n)).
  const created: Array<() => void> = [];
  try {
    for (const spec of def.nodes) {
      const type = types(spec.type);
      const n = createRunNode(spec.id, type, spec.config ?? {});
      nodes.set(spec.id, n);
      if (type.widget) {
        n.widget = engine.createWidget(spec.id, { bufferSize: type.widget.bufferSize?.(n.config) });
        created.push(() => engine.removeWidget(spec.id));
        continue;
      }
      n.handle = engine.node(spec.id, { process: (batch) => host.deliver(n, batch), autoStart: false }) as NodeRuntime;
      created.push(() => engine.removeNode(spec.id));
      n.behavior = createBehavior(n, spec.type, host);
    }
    for (const e of def.edges) {
      const connectionId = engine.createConnection(e.source, e.target, e.sourcePort, e.targetPort, { ...def.config, ...e.config });
      created.push(() => engine.getConnection(connectionId).dispose());
      const edgeId = e.id ?? `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
      edges.set(edgeId, { connectionId, source: e.source, sourcePort: e.sourcePort, target: e.target });
      const target = nodes.get(e.target)!;
      nodes.get(e.source)!.outgoing.push(connectionId);
      target.incoming.add(connectionId);
      targetOf.set(connectionId, target);
    }
  } catch (error) {
    for (let i = created.length - 1; i >= 0; i--) created[i]!();
    throw error;
  }
  return { nodes, edges, targetOf };
}

function createBehavior(n: RunNode, typeName: string, host: ContextHost): NodeBehavior {
  let behavior: unknown;
  try {
    behavior = n.type.create(createNodeContext(n, host));
  } catch (error) {
    throw new NodeflowError('INVALID_ARGUMENT', `node ${n.id} (${typeName}): create() threw: ${errorMessage(error)}`, { nodeId: n.id, cause: error });
  }
  if (behavior === null || typeof behavior !== 'object') {
    throw new NodeflowError('INVALID_ARGUMENT', `node ${n.id} (${typeName}): create() must return a behaviour object, got ${behavior === null ? 'null' : typeof behavior}`, { nodeId: n.id });
  }
  return behavior as NodeBehavior;
}

/**
 * The connections reachable from the targets of `n`'s outputs (not `n`'s own outputs, unless a
 * cycle leads back to them), each once: what a relay's inlet waits for (docs/semantics.md,
 * "Relay barrier"). Linear in the part of the graph it walks.
 *
 * @example
 * ```ts
 * const ends = downstreamOf(graph, inletNode).map((id) => engine.findConnection(id));
 * ```
 * @internal
 */
export function downstreamOf(graph: RunGraph, n: RunNode): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const stack = n.outgoing.map((id) => graph.targetOf.get(id)).filter((t): t is RunNode => t !== undefined);
  const visited = new Set<RunNode>(stack);
  while (stack.length > 0) {
    for (const id of stack.pop()!.outgoing) {
      if (seen.has(id)) continue;
      seen.add(id);
      found.push(id);
      const t = graph.targetOf.get(id);
      if (t !== undefined && !visited.has(t)) visited.add(t), stack.push(t);
    }
  }
  return found;
}
