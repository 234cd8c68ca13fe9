import type { ConnectionState } from '../../machines/connection.machine.js';
// The public shape of the topology snapshot; the store that keeps it is topology-snapshot.ts.

/**
 * One connection of the topology (a row of `engine.listConnections()`, an entry of
 * `engine.topology()`).
 *
 * @example
 * ```ts
 * for (const c of engine.listConnections()) console.log(c.id, c.state);
 * ```
 */
export interface ConnectionInfo {
  readonly id: string;
  readonly sourceNodeId: string;
  readonly targetNodeId: string;
  readonly outputPort: string;
  readonly inputPort: string;
  readonly state: ConnectionState;
}

/**
 * One node or widget of the topology, with the ids of the connections entering it.
 *
 * @example
 * ```ts
 * const feeds = engine.topology().node('chart')?.inputs ?? [];
 * ```
 */
export interface TopologyNode {
  readonly id: string;
  readonly kind: 'node' | 'widget';
  readonly inputs: readonly string[];
}

/**
 * An immutable snapshot of an engine's topology with structural sharing: a new snapshot per
 * change, in which every connection and node that did not change is the same object as before
 * (so `===` tells a viewer what to redraw). `version` moves on every change, `shape` only when
 * a connection, node or widget comes or goes (what a layout depends on).
 *
 * @example
 * ```ts
 * const t = engine.topology();
 * console.log(t.connectionCount, t.connection('a:out->b:in')?.state);
 * for (const n of t.nodes()) console.log(n.kind, n.id, n.inputs.length);
 * const redraw = t.connectionGroups().filter((g, i) => g !== previous.connectionGroups()[i]);
 * ```
 */
export interface EngineTopology {
  readonly version: number;
  readonly shape: number;
  readonly connectionCount: number;
  readonly nodeCount: number;
  connection(id: string): ConnectionInfo | undefined;
  node(id: string): TopologyNode | undefined;
  connections(): IterableIterator<ConnectionInfo>;
  nodes(): IterableIterator<TopologyNode>;
  /**
   * The connections in fixed groups (by a hash of the id, at most 256, so a group holds about
   * n/256). A group in which nothing changed is the same Map in the next snapshot, so a view
   * memoized per group redraws O(groups + one group) per change instead of O(connections).
   */
  connectionGroups(): readonly ReadonlyMap<string, ConnectionInfo>[];
}
