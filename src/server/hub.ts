import { map, type Observable, type Subscription } from 'rxjs';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { EngineMetrics } from '../actors/engine/engine-metrics.js';
import type { EngineEvent } from '../actors/types.js';
import { errorMessage } from '../errors.js';
import type { WireEvent, WireTopology } from '../remote/protocol.js';

/**
 * The server's one view of the engine: widget incarnations (for epochs), the topology
 * snapshot, lifecycle fan-out and one `data$` subscription per widget that has remote
 * subscribers (ref-counted). Per batch it only calls `onData`: O(1), whatever the client count.
 *
 * @example
 * ```ts
 * const hub = new Hub(engine, () => scheduler.wake(), () => closeAll(4001));
 * hub.epochOf('chart'); // '<server uuid>.0'
 * ```
 * @internal
 */
export class Hub {
  readonly serverEpoch: string = globalThis.crypto.randomUUID();
  private readonly incarnation = new Map<string, number>();
  private readonly feeds = new Map<string, { refs: number; sub: Subscription }>();
  private readonly lifecycle: Subscription;
  private readonly listeners = new Set<(e: WireEvent) => void>();

  constructor(
    readonly engine: StreamEngine,
    private readonly onData: () => void,
    onEngineGone: () => void,
  ) {
    this.lifecycle = engine.lifecycle$.subscribe({
      next: (e) => this.onEvent(e),
      complete: onEngineGone,
    });
  }

  /** Epoch of widget `id`: a new server or a recreated widget never reuses sequence numbers. */
  epochOf(id: string): string {
    return `${this.serverEpoch}.${this.incarnation.get(id) ?? 0}`;
  }

  topology(): WireTopology {
    return {
      nodes: this.engine.listNodes().map((n) => [n.id, n.kind, n.state] as const),
      conns: this.engine.listConnections(),
    };
  }

  onLifecycle(listener: (e: WireEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows widget `id`'s batches while at least one subscription does. */
  attach(id: string, data$: Observable<unknown>): void {
    const f = this.feeds.get(id);
    if (f) f.refs++;
    else this.feeds.set(id, { refs: 1, sub: data$.subscribe(() => this.onData()) });
  }

  detach(id: string): void {
    const f = this.feeds.get(id);
    if (!f || --f.refs > 0) return;
    f.sub.unsubscribe();
    this.feeds.delete(id);
  }

  /** Engine metrics every `iv` ms, with at most `rows` connections and nodes (a frame stays small). */
  metrics$(iv: number, rows: number): Observable<EngineMetrics> {
    return this.engine.metrics$(iv).pipe(map((m) => capRows(m, rows)));
  }

  /** Widgets followed now (what a stalled client can make the server hold). */
  get followed(): number {
    return this.feeds.size;
  }

  dispose(): void {
    this.lifecycle.unsubscribe();
    for (const f of this.feeds.values()) f.sub.unsubscribe();
    this.feeds.clear();
    this.listeners.clear();
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'widget.created') this.incarnation.set(e.widgetId, (this.incarnation.get(e.widgetId) ?? 0) + 1);
    if (this.listeners.size === 0) return;
    const wire = this.toWire(e);
    for (const l of this.listeners) l(wire);
  }

  /**
   * An engine event as JSON can carry it: errors become their message, and a new connection
   * carries its ConnectionInfo (the client has no registry to look it up in).
   */
  private toWire(e: EngineEvent): WireEvent {
    if (e.type === 'delivery.failed') return { ...e, error: errorMessage(e.error) };
    if (e.type === 'connection.created') {
      const c = this.engine.findConnection(e.connectionId);
      if (c) return { ...e, info: { id: c.id, sourceNodeId: c.sourceNodeId, targetNodeId: c.targetNodeId, outputPort: c.outputPort, inputPort: c.inputPort, state: c.currentState } };
    }
    return e as unknown as WireEvent;
  }
}

function firstRows<T>(r: Readonly<Record<string, T>>, n: number): Readonly<Record<string, T>> {
  const keys = Object.keys(r);
  if (keys.length <= n) return r;
  const out: Record<string, T> = {};
  for (let i = 0; i < n; i++) out[keys[i]!] = r[keys[i]!]!;
  return out;
}

function capRows(m: EngineMetrics, rows: number): EngineMetrics {
  return { ...m, connections: firstRows(m.connections, rows), nodes: firstRows(m.nodes, rows) };
}
