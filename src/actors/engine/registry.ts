import { NodeflowError, describe } from '../../errors.js';
import type { Connection, ConnectionHost } from '../connection/connection.js';
import { NodeRuntime } from '../targets/node.js';
import type { PortWarnings } from '../targets/output-port.js';
import type { WidgetRuntime } from '../targets/widget.js';
import type { ActorKind } from './inspection-hub.js';
import { unknownIdError } from '../../near-miss.js';
import type { ConnectionInfo, TopologySource, TopologyStore } from './topology-snapshot.js';

/**
 * The engine's actors by id: connections, nodes and widgets, each a root actor in a Map (not a
 * spawned child: spawning is O(n) per child). Every change is marked in the topology snapshot,
 * here and nowhere else. Their actors start when first needed (`ActorSlot`); `wake` starts
 * those of the kinds an inspector now watches.
 *
 * @example
 * ```ts
 * const registry = new EngineRegistry(host, () => topology);
 * registry.node('sensor', true); // created on first mention, owned by its connections
 * registry.connection('sensor:out'); // throws UNKNOWN_CONNECTION naming the closest ids
 * ```
 * @internal
 */
export class EngineRegistry implements TopologySource {
  readonly connections = new Map<string, Connection>();
  readonly nodes = new Map<string, NodeRuntime>();
  readonly widgets = new Map<string, WidgetRuntime>();

  constructor(
    private readonly host: ConnectionHost,
    private readonly topology: () => TopologyStore,
    private readonly portWarnings: PortWarnings | undefined = undefined,
  ) {}

  /** The node `id`, created if absent (`auto`: it exists only for its connections). */
  node(id: string, auto: boolean, autoStart?: boolean): NodeRuntime {
    let n = this.nodes.get(id);
    if (!n) {
      n = new NodeRuntime(id, this.host, { autoStart }, this.portWarnings);
      n.auto = auto;
      this.nodes.set(id, n);
      this.topology().markNode(id);
    }
    return n;
  }

  /** Stops and forgets node `id`. */
  dropNode(id: string): void {
    this.nodes.get(id)?.stop();
    if (this.nodes.delete(id)) this.topology().markNode(id);
  }

  addWidget(w: WidgetRuntime): void {
    this.widgets.set(w.id, w);
    this.topology().markNode(w.id);
  }

  /** Stops and forgets widget `id`. */
  dropWidget(id: string): void {
    this.widgets.get(id)?.stop();
    if (this.widgets.delete(id)) this.topology().markNode(id);
  }

  addConnection(c: Connection): void {
    this.connections.set(c.id, c);
    this.topology().markConnection(c.id);
  }

  dropConnection(c: Connection): boolean {
    if (this.connections.get(c.id) !== c) return false;
    this.connections.delete(c.id);
    this.topology().markConnection(c.id);
    return true;
  }

  /** Starts the dormant actors of these kinds (all when null): somebody inspects them now. */
  wake(kinds: ReadonlySet<ActorKind> | null): void {
    if (kinds === null || kinds.has('node')) for (const n of this.nodes.values()) n.wake();
    if (kinds === null || kinds.has('widget')) for (const w of this.widgets.values()) w.wake();
    if (kinds === null || kinds.has('connection')) for (const c of this.connections.values()) c.wake();
  }

  /** Stops every node and widget (stop, dispose). */
  clearTargets(): void {
    for (const n of this.nodes.values()) n.stop();
    for (const w of this.widgets.values()) w.stop();
    this.nodes.clear();
    this.widgets.clear();
    this.topology().markAll();
  }

  /** The connection `ref` names (an id, or `nodeId:port` with one connection), or throws. */
  connection(ref: string): Connection {
    assertId('connection', ref);
    const c = this.connections.get(ref) ?? this.byPort(ref);
    if (c) return c;
    // O(connections) to name the near misses: lookups that may miss use findConnection.
    throw unknownIdError('UNKNOWN_CONNECTION', 'connection', ref, this.refs(), { connectionId: ref });
  }

  /** Like connection(), but undefined where it would throw (a port with several too). */
  findConnection(ref: string): Connection | undefined {
    if (typeof ref !== 'string') return undefined;
    const c = this.connections.get(ref);
    if (c) return c;
    const cs = this.onPort(ref);
    return cs?.length === 1 ? cs[0] : undefined; // a port with several connections names none of them
  }

  widget(id: string): WidgetRuntime {
    assertId('widget', id);
    const w = this.widgets.get(id);
    if (w) return w;
    throw unknownIdError('UNKNOWN_WIDGET', 'widget', id, this.widgets.keys(), { id });
  }

  existingNode(id: string): NodeRuntime {
    assertId('node', id);
    const n = this.nodes.get(id);
    if (n) return n;
    throw unknownIdError('UNKNOWN_NODE', 'node', id, this.nodes.keys(), { id });
  }

  // `nodeId:port` names the connections leaving that output port (a ref must name exactly one).
  private onPort(ref: string): readonly Connection[] | undefined {
    const cut = ref.lastIndexOf(':');
    if (cut <= 0 || ref.includes('->')) return undefined;
    return this.nodes.get(ref.slice(0, cut))?.existingOutput(ref.slice(cut + 1))?.connections;
  }

  private byPort(ref: string): Connection | undefined {
    const cs = this.onPort(ref);
    if (cs && cs.length > 1) {
      throw new NodeflowError('UNKNOWN_CONNECTION', `${ref} has ${cs.length} connections (${cs.map((c) => c.id).join(', ')}); name one by id`, { ref });
    }
    return cs?.[0];
  }


  // What a caller may have meant: connection ids, and the `nodeId:port` of each.
  private *refs(): Iterable<string> {
    for (const c of this.connections.values()) {
      yield c.id;
      yield `${c.sourceNodeId}:${c.outputPort}`;
    }
  }

  connectionInfo(id: string): ConnectionInfo | undefined {
    const c = this.connections.get(id);
    return c && { id: c.id, sourceNodeId: c.sourceNodeId, targetNodeId: c.targetNodeId, outputPort: c.outputPort, inputPort: c.inputPort, state: c.currentState };
  }

  kindOf(id: string): 'node' | 'widget' | undefined {
    return this.nodes.has(id) ? 'node' : this.widgets.has(id) ? 'widget' : undefined;
  }

  connectionIds(): Iterable<string> {
    return this.connections.keys();
  }

  *nodeIds(): Iterable<string> {
    yield* this.nodes.keys();
    yield* this.widgets.keys();
  }
}

// Ids come from callers untyped at runtime: a number or a symbol is the caller's mistake
// (INVALID_ARGUMENT), not an unknown id, and must not reach string methods.
function assertId(what: string, id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new NodeflowError('INVALID_ARGUMENT', `${what} id must be a string, got ${describe(id)}`, { id: describe(id) });
}
