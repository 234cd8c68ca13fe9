import { NodeflowError } from '../../errors.js';
import type { Connection } from '../connection/connection.js';
import type { EngineRegistry } from './registry.js';

/**
 * How connections join nodes: one connection per (source, output port, target, input port),
 * a count of connections per node, and the clean-up of nodes that exist only because a
 * connection named them, so creating and removing connections does not pile up idle node
 * actors. Plain Map bookkeeping: nothing here runs per message.
 *
 * @example
 * ```ts
 * const wiring = new Wiring(registry);
 * const taken = wiring.existing('a', 'out', 'b', 'in'); // the id of a duplicate, if any
 * wiring.attach(connection);
 * wiring.release(connection); // 'a' and 'b' go too if only this connection made them
 * ```
 * @internal
 */
export class Wiring {
  /** Connections by (source, outPort, target, inPort), so ids with ':' in names cannot collide. */
  private readonly edges = new Map<string, string>();
  private readonly links = new Map<string, number>();
  /** Connections a source port still routes to: a second detach (removal, then release) is O(1). */
  private readonly routed = new Set<Connection>();

  constructor(private readonly registry: EngineRegistry) {}

  /** The id of the connection on this edge, if there is one. */
  existing(source: string, outputPort: string, target: string, inputPort: string): string | undefined {
    return this.edges.get(edgeKey(source, outputPort, target, inputPort));
  }

  /** Counts a new connection on both ends and routes its source port to it. */
  attach(c: Connection): void {
    this.edges.set(edgeKey(c.sourceNodeId, c.outputPort, c.targetNodeId, c.inputPort), c.id);
    this.link(c.sourceNodeId, 1);
    this.link(c.targetNodeId, 1);
    const port = this.registry.node(c.sourceNodeId, true).output(c.outputPort);
    port.connections.push(c);
    port.wired = true;
    this.routed.add(c);
  }

  /** Stops routing the source port to `c` (it may still drain what it holds). */
  detach(c: Connection): void {
    if (!this.routed.delete(c)) return;
    const port = this.registry.nodes.get(c.sourceNodeId)?.existingOutput(c.outputPort);
    if (!port) return;
    // Stopping an engine or a run detaches in creation order: the first connection of its port,
    // which shift() takes in O(1) (V8 trims the front). A scan and splice there would make
    // stopping a port that fans out to thousands quadratic.
    const list = port.connections;
    if (list[0] === c) list.shift();
    else if (list[list.length - 1] === c) list.pop();
    else {
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** Undoes `attach` for a connection that is gone. */
  release(c: Connection): void {
    this.detach(c);
    this.edges.delete(edgeKey(c.sourceNodeId, c.outputPort, c.targetNodeId, c.inputPort));
    this.link(c.sourceNodeId, -1);
    this.link(c.targetNodeId, -1);
  }

  /** Throws `INVALID_ARGUMENT` while a connection still uses node or widget `id`. */
  assertUnlinked(id: string): void {
    const count = this.links.get(id) ?? 0;
    if (count > 0) throw new NodeflowError('INVALID_ARGUMENT', `${id} still has ${count} connection(s); remove them first`, { id });
  }

  clear(): void {
    this.links.clear();
    this.routed.clear();
  }

  private link(id: string, delta: number): void {
    const left = (this.links.get(id) ?? 0) + delta;
    if (left > 0) {
      this.links.set(id, left);
      return;
    }
    this.links.delete(id);
    // A node that only existed because a connection named it goes with its last connection.
    const n = this.registry.nodes.get(id);
    if (n && n.auto && !n.isObserved()) this.registry.dropNode(id);
  }
}

// Length-prefixed, so no id or port name can make two edges collide, whatever it contains.
function edgeKey(source: string, outputPort: string, target: string, inputPort: string): string {
  return `${source.length}:${source}${outputPort.length}:${outputPort}${target.length}:${target}${inputPort.length}:${inputPort}`;
}
