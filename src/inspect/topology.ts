import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { runElk } from './elk.js';
import type { ConnectionInfo, EngineTopology } from '../actors/engine/stream-engine.js';
import type { EngineLike } from '../widgets/engine-like.js';

/**
 * An engine's topology at one moment: every node and widget a connection touches, and every
 * connection with its machine state.
 *
 * @example
 * ```ts
 * const { nodes, connections } = readTopology(engine);
 * ```
 */
export interface Topology {
  readonly nodes: readonly { readonly id: string; readonly kind: 'node' | 'widget' }[];
  readonly connections: readonly ConnectionInfo[];
}

/**
 * Reads {@link Topology} from an engine's topology snapshot (`engine.topology()`, or one it
 * emitted): every node and widget and every connection, in the snapshot's group order (stable
 * while the ids stay). O(n): for a layout, when `shape` moves, not per event.
 *
 * @example
 * ```ts
 * engine.topology$.subscribe((t) => render(readTopology(t)));
 * ```
 */
export function readTopology(source: EngineLike | EngineTopology): Topology {
  const t = 'topology' in source ? source.topology() : source;
  return { nodes: [...t.nodes()].map(({ id, kind }) => ({ id, kind })), connections: [...t.connections()] };
}

/**
 * Where each node box and connection path of a {@link Topology} goes (absolute coordinates).
 *
 * @example
 * ```ts
 * const { width, height, boxes, paths } = await layoutTopology(readTopology(engine));
 * ```
 */
export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly { readonly id: string; readonly kind: 'node' | 'widget'; readonly x: number; readonly y: number; readonly width: number; readonly height: number }[];
  readonly paths: readonly { readonly id: string; readonly points: readonly { readonly x: number; readonly y: number }[] }[];
}


/**
 * Lays a topology out left to right with ELK (sources first). Depends on ids only, so callers
 * relayout when connections come and go, not when their states change.
 *
 * @example
 * ```ts
 * const layout = await layoutTopology(readTopology(engine));
 * ```
 */
export async function layoutTopology(t: Topology): Promise<TopologyLayout> {
  const graph: ElkNode = {
    id: 'topology',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.layered.spacing.nodeNodeBetweenLayers': '90', 'elk.spacing.nodeNode': '30', 'elk.padding': '[top=10,left=10,bottom=10,right=10]' },
    children: t.nodes.map((n) => ({ id: n.id, width: Math.max(96, n.id.length * 8 + 32), height: 42 })),
    edges: t.connections.map((c) => ({ id: c.id, sources: [c.sourceNodeId], targets: [c.targetNodeId] })),
  };
  const out = await runElk(graph);
  const kind = new Map(t.nodes.map((n) => [n.id, n.kind]));
  return {
    width: out.width ?? 0,
    height: out.height ?? 0,
    boxes: (out.children ?? []).map((n) => ({ id: n.id, kind: kind.get(n.id) ?? 'node', x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 })),
    paths: (out.edges ?? []).map((e) => ({ id: e.id, points: (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) })),
  };
}
