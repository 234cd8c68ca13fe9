import { current, enableMapSet, Immer, isDraft, type Draft } from 'immer';
import type { ConnectionInfo, EngineTopology, TopologyNode } from './topology-types.js';

export type { ConnectionInfo, EngineTopology, TopologyNode } from './topology-types.js';

// Connection and node entries live in Maps inside the immer state.
enableMapSet();
// Our own instance, without auto-freeze: immer's deep freeze walks every entry of each copied
// Map (measured 100x a plain Object.freeze), so the snapshot is read-only by its types. The
// caller's global immer settings stay theirs.
const { produce } = new Immer({ autoFreeze: false });

/**
 * What the store reads when it reconciles: the engine's registry, the truth.
 *
 * @example
 * ```ts
 * const source: TopologySource = registry; // EngineRegistry implements it
 * source.connectionInfo('a:out->b:in')?.state;
 * ```
 * @internal
 */
export interface TopologySource {
  connectionInfo(id: string): ConnectionInfo | undefined;
  kindOf(id: string): 'node' | 'widget' | undefined;
  connectionIds(): Iterable<string>;
  nodeIds(): Iterable<string>;
}

// Entries are spread over buckets so a change copies one small Map and the bucket array,
// never a Map of every connection (copying 10k entries costs about 1 ms).
const BUCKETS = 256;

interface State {
  version: number;
  shape: number;
  connectionCount: number;
  nodeCount: number;
  connections: Map<string, ConnectionInfo>[];
  nodes: Map<string, TopologyNode>[];
}

function bucket(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return h & (BUCKETS - 1);
}

class Snapshot implements EngineTopology {
  constructor(private readonly s: State) {}
  get version() { return this.s.version; }
  get shape() { return this.s.shape; }
  get connectionCount() { return this.s.connectionCount; }
  get nodeCount() { return this.s.nodeCount; }
  connection(id: string) { return this.s.connections[bucket(id)]!.get(id); }
  node(id: string) { return this.s.nodes[bucket(id)]!.get(id); }
  *connections() { for (const b of this.s.connections) yield* b.values(); }
  *nodes() { for (const b of this.s.nodes) yield* b.values(); }
  connectionGroups() { return this.s.connections; }
}

/**
 * Keeps the engine's {@link EngineTopology}. The engine marks ids as they change (O(1), no
 * snapshot work); the next read reconciles only the marked ids with the registry in one immer
 * `produce`. Nothing is kept until somebody reads or follows, and a backlog larger than the
 * engine is replaced by one full reconcile, so memory stays bounded.
 *
 * @example
 * ```ts
 * const store = new TopologyStore(registry);
 * const off = store.follow((t) => console.log(t.version));
 * store.markConnection('a:out->b:in');
 * ```
 * @internal
 */
export class TopologyStore {
  private state: State = { version: 0, shape: 0, connectionCount: 0, nodeCount: 0, connections: [], nodes: [] };
  private view: Snapshot | undefined;
  private stale = true;
  private readonly dirtyConnections = new Set<string>();
  private readonly dirtyNodes = new Set<string>();
  private readonly followers = new Map<(t: EngineTopology) => void, (() => void) | undefined>();
  private ended = false;

  constructor(private readonly src: TopologySource) {}

  markConnection(id: string): void {
    if (this.stale) return; // the next read rebuilds everything anyway
    this.dirtyConnections.add(id);
    this.changed();
  }

  markNode(id: string): void {
    if (this.stale) return;
    this.dirtyNodes.add(id);
    this.changed();
  }

  /** Forget the marks: the next read reconciles every entry (teardown, or a long backlog). */
  markAll(): void {
    this.stale = true;
    this.dirtyConnections.clear();
    this.dirtyNodes.clear();
    if (this.followers.size > 0) this.notify();
  }

  read(): EngineTopology {
    if (this.stale) {
      this.stale = false;
      this.reconcile(true);
    } else if (this.dirtyConnections.size > 0 || this.dirtyNodes.size > 0) this.reconcile(false);
    return (this.view ??= new Snapshot(this.state));
  }

  /**
   * Calls `listener` with the new snapshot after every change; returns the function that stops
   * it. `done` runs once the engine is disposed (see {@link end}); a follower added after that
   * gets it at once.
   */
  follow(listener: (t: EngineTopology) => void, done?: () => void): () => void {
    if (this.ended) {
      done?.();
      return () => {};
    }
    this.followers.set(listener, done);
    return () => this.followers.delete(listener);
  }

  /** The engine is gone: every follower's `done` runs, and nothing more is followed. */
  end(): void {
    this.ended = true;
    const done = [...this.followers.values()];
    this.followers.clear();
    for (const d of done) d?.();
  }

  private changed(): void {
    const backlog = this.dirtyConnections.size + this.dirtyNodes.size;
    if (backlog > 1024 && backlog > 2 * (this.state.connectionCount + this.state.nodeCount)) return this.markAll();
    if (this.followers.size > 0) this.notify();
  }

  private notify(): void {
    const t = this.read();
    for (const f of [...this.followers.keys()]) f(t);
  }

  private reconcile(all: boolean): void {
    if (all && this.state.connections.length === 0) return this.build();
    const nodeIds = all ? union(this.src.nodeIds(), this.state.nodes.flatMap((b) => [...b.keys()])) : this.dirtyNodes;
    const connectionIds = all ? union(this.src.connectionIds(), this.state.connections.flatMap((b) => [...b.keys()])) : this.dirtyConnections;
    const next = produce(this.state, (d) => {
      if (d.connections.length === 0) for (let i = 0; i < BUCKETS; i++) d.connections.push(new Map()), d.nodes.push(new Map());
      let changed = false;
      // Nodes first, so a new connection finds its target's entry.
      for (const id of nodeIds) changed = putNode(d, id, this.src.kindOf(id)) || changed;
      for (const id of connectionIds) changed = putConnection(d, id, this.src.connectionInfo(id)) || changed;
      if (changed) d.version++;
    });
    this.dirtyConnections.clear();
    this.dirtyNodes.clear();
    if (next === this.state) return;
    this.state = next;
    this.view = undefined;
  }

  // The first read: plain construction (drafting 10k new entries through immer costs far more).
  private build(): void {
    const connections = Array.from({ length: BUCKETS }, () => new Map<string, ConnectionInfo>());
    const nodes = Array.from({ length: BUCKETS }, () => new Map<string, TopologyNode>());
    let nodeCount = 0;
    let connectionCount = 0;
    for (const id of this.src.nodeIds()) nodes[bucket(id)]!.set(id, { id, kind: this.src.kindOf(id)!, inputs: [] }), nodeCount++;
    for (const id of this.src.connectionIds()) {
      const c = this.src.connectionInfo(id)!;
      connections[bucket(id)]!.set(id, c);
      (nodes[bucket(c.targetNodeId)]!.get(c.targetNodeId)?.inputs as string[] | undefined)?.push(id);
      connectionCount++;
    }
    this.state = { version: 1, shape: 1, connectionCount, nodeCount, connections, nodes };
    this.view = undefined;
  }
}

function union(a: Iterable<string>, b: Iterable<string>): Set<string> {
  const s = new Set(a);
  for (const id of b) s.add(id);
  return s;
}

// Each returns whether it changed the draft.
function putNode(d: Draft<State>, id: string, kind: 'node' | 'widget' | undefined): boolean {
  const b = d.nodes[bucket(id)]!;
  const old = b.get(id);
  if (old?.kind === kind) return false; // unchanged (or absent and still absent): keeps its identity
  if (old) b.delete(id), d.nodeCount--;
  if (kind) b.set(id, { id, kind, inputs: [] }), d.nodeCount++;
  d.shape++;
  return true;
}

function putConnection(d: Draft<State>, id: string, now: ConnectionInfo | undefined): boolean {
  const b = d.connections[bucket(id)]!;
  const old = b.get(id);
  if (old && now && sameEdge(old, now)) {
    if (old.state === now.state) return false;
    old.state = now.state; // immer copies this entry, its bucket and the bucket array alone
    return true;
  }
  if (!old && !now) return false;
  if (old) {
    b.delete(id);
    d.connectionCount--;
    const target = d.nodes[bucket(old.targetNodeId)]!.get(old.targetNodeId);
    // A plain array, not edits through the draft: splice on a proxy traps once per element moved.
    if (target) target.inputs = plain(target.inputs).filter((x) => x !== id);
    d.shape++;
  }
  if (now) {
    b.set(id, { ...now });
    d.connectionCount++;
    const target = d.nodes[bucket(now.targetNodeId)]!.get(now.targetNodeId);
    if (target) target.inputs = [...plain(target.inputs), id];
    d.shape++;
  }
  return true;
}

// An array as it stands in this produce (a draft, or a plain one assigned earlier in it).
function plain(a: readonly string[]): readonly string[] {
  return isDraft(a) ? (current(a as string[]) as readonly string[]) : a;
}

// A removed id can come back naming other endpoints ('a:b'+'c' and 'a'+'b:c' share a prefix).
function sameEdge(a: ConnectionInfo, b: ConnectionInfo): boolean {
  return a.sourceNodeId === b.sourceNodeId && a.targetNodeId === b.targetNodeId && a.outputPort === b.outputPort && a.inputPort === b.inputPort;
}
