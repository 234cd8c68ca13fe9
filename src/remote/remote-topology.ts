import { Subject } from 'rxjs';
import { TopologyStore, type TopologySource } from '../actors/engine/topology-snapshot.js';
import type { ConnectionInfo } from '../actors/engine/topology-types.js';
import type { EngineEvent } from '../actors/types.js';
import type { WireEvent, WireTopology } from './protocol.js';
import { RemoteConnection, RemoteNode } from './remote-parts.js';

/**
 * The replicated topology of a remote engine: the TopologySource the engine's own
 * TopologyStore reads (so `topology()`, `shape` and `connectionGroups()` behave as locally),
 * the connection and node stand-ins, and `lifecycle$`, which emits an event only after the
 * store has been marked with it. @internal
 *
 * @example
 * ```ts
 * const topo = new RemoteTopology();
 * topo.replace(welcome.topo, welcome.now);
 * topo.store.read().node('chart')?.inputs;
 * ```
 */
export class RemoteTopology implements TopologySource {
  readonly store = new TopologyStore(this);
  readonly lifecycle$ = new Subject<EngineEvent>();
  readonly conns = new Map<string, RemoteConnection>();
  readonly nodes = new Map<string, { kind: 'node' | 'widget'; node: RemoteNode }>();
  /** `source:port` → connection ids, for findConnection's `node:port` form. */
  private readonly byPort = new Map<string, Set<string>>();

  connectionInfo(id: string): ConnectionInfo | undefined {
    const c = this.conns.get(id);
    return c && { id: c.id, sourceNodeId: c.sourceNodeId, targetNodeId: c.targetNodeId, outputPort: c.outputPort, inputPort: c.inputPort, state: c.currentState };
  }
  kindOf(id: string): 'node' | 'widget' | undefined {
    return this.nodes.get(id)?.kind;
  }
  connectionIds(): Iterable<string> {
    return this.conns.keys();
  }
  nodeIds(): Iterable<string> {
    return this.nodes.keys();
  }

  /** The connection `id`, or the one leaving `node:port` if there is exactly one. */
  find(id: string): RemoteConnection | undefined {
    const c = this.conns.get(id);
    if (c) return c;
    const ids = this.byPort.get(id);
    return ids?.size === 1 ? this.conns.get(ids.values().next().value!) : undefined;
  }

  /** A full topology (welcome, or topo after a backlog): applied as created/removed/state diffs. */
  replace(t: WireTopology, at: number): void {
    const seen = new Set<string>();
    for (const [id, kind, state] of t.nodes) {
      seen.add(id);
      const had = this.nodes.get(id);
      if (had?.kind === kind) had.node.actor.set(state);
      else {
        if (had) this.apply({ type: 'widget.removed', widgetId: id, at });
        this.putNode(id, kind, state);
        if (kind === 'widget') this.emit({ type: 'widget.created', widgetId: id, at });
      }
    }
    for (const id of [...this.nodes.keys()]) if (!seen.has(id)) this.apply({ type: 'widget.removed', widgetId: id, at });
    const live = new Set(t.conns.map((c) => c.id));
    for (const id of [...this.conns.keys()]) if (!live.has(id)) this.apply({ type: 'connection.removed', connectionId: id, at });
    for (const info of t.conns) {
      const c = this.conns.get(info.id);
      if (!c) this.apply({ type: 'connection.created', connectionId: info.id, at, info });
      else if (c.currentState !== info.state) this.apply({ type: 'connection.state', connectionId: info.id, from: c.currentState, to: info.state, at });
    }
  }

  /** One lifecycle event from the server: update the mirror, mark the store, then emit. */
  apply(e: WireEvent): void {
    switch (e.type) {
      case 'connection.created': {
        const info = e.info as ConnectionInfo | undefined;
        if (!info || this.conns.has(info.id)) return;
        for (const id of [info.sourceNodeId, info.targetNodeId]) if (!this.nodes.has(id)) this.putNode(id, 'node', 'idle');
        this.conns.set(info.id, new RemoteConnection(info));
        const key = `${info.sourceNodeId}:${info.outputPort}`;
        (this.byPort.get(key) ?? this.byPort.set(key, new Set()).get(key)!).add(info.id);
        this.store.markConnection(info.id);
        return this.emit({ type: 'connection.created', connectionId: info.id, at: e.at });
      }
      case 'connection.removed': {
        const c = this.conns.get(e.connectionId as string);
        if (!c) return;
        this.conns.delete(c.id);
        this.byPort.get(`${c.sourceNodeId}:${c.outputPort}`)?.delete(c.id);
        this.store.markConnection(c.id);
        return this.emit({ type: 'connection.removed', connectionId: c.id, at: e.at });
      }
      case 'connection.state': {
        const c = this.conns.get(e.connectionId as string);
        if (!c) return;
        const info = this.connectionInfo(c.id)!;
        c.update({ ...info, state: e.to as ConnectionInfo['state'] }, `connection.${String(e.to)}`);
        this.store.markConnection(c.id);
        return this.emit(e as unknown as EngineEvent);
      }
      case 'widget.created':
        if (!this.nodes.has(e.widgetId as string) || this.kindOf(e.widgetId as string) !== 'widget') this.putNode(e.widgetId as string, 'widget', 'waiting');
        return this.emit(e as unknown as EngineEvent);
      case 'widget.removed':
        if (!this.nodes.delete(e.widgetId as string)) return;
        this.store.markNode(e.widgetId as string);
        return this.emit(e as unknown as EngineEvent);
      case 'node.state':
        this.nodes.get(e.nodeId as string)?.node.actor.set(e.to, e.event as string | undefined);
        return this.emit(e as unknown as EngineEvent);
      default:
        return this.emit(e as unknown as EngineEvent);
    }
  }

  private putNode(id: string, kind: 'node' | 'widget', state: string): void {
    this.nodes.set(id, { kind, node: new RemoteNode(id, state) });
    this.store.markNode(id);
  }

  private emit(e: EngineEvent): void {
    this.lifecycle$.next(e);
  }
}
