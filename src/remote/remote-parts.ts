import type { ConnectionInfo } from '../actors/engine/topology-types.js';
import type { ConnectionState } from '../machines/connection.machine.js';

/**
 * The snapshot a remote actor shows: the state and the event that led to it.
 *
 * @example
 * ```ts
 * remote.findNode('a')?.actor.getSnapshot().value; // 'running'
 * ```
 */
export interface RemoteSnapshot {
  readonly value: unknown;
  /** Shaped as XState's, so the state chart can tell which transition was taken. */
  readonly event?: { readonly type: string };
}

/**
 * A stand-in for an actor on the server: `getSnapshot` and `subscribe`, enough for
 * `useSelector`. The snapshot object changes only on an edge (useSyncExternalStore needs that).
 *
 * @example
 * ```ts
 * const off = connection.actor.subscribe((s) => console.log(s.value)).unsubscribe;
 * ```
 */
export class RemoteActor {
  private snapshot: RemoteSnapshot;
  private readonly listeners = new Set<(s: RemoteSnapshot) => void>();

  constructor(value: unknown) {
    this.snapshot = { value };
  }

  getSnapshot(): RemoteSnapshot {
    return this.snapshot;
  }

  /**
   * A function or an observer (`@xstate/react`'s `useSelector` passes `{ next, error }`); the
   * returned `unsubscribe` works detached, as useSelector calls it.
   */
  subscribe(observer: ((s: RemoteSnapshot) => void) | { next(s: RemoteSnapshot): void }): { unsubscribe(): void } {
    const next = typeof observer === 'function' ? observer : (s: RemoteSnapshot) => observer.next(s);
    this.listeners.add(next);
    return { unsubscribe: () => void this.listeners.delete(next) };
  }

  /** Moves to `value` (no-op when it is already there). @internal */
  set(value: unknown, event?: string): void {
    if (value === this.snapshot.value) return;
    this.snapshot = event === undefined ? { value } : { value, event: { type: event } };
    for (const l of [...this.listeners]) l(this.snapshot);
  }
}

const SHUT: ReadonlySet<string> = new Set(['closing', 'closed', 'failed']);

/**
 * A connection of a remote engine, mirrored from its lifecycle events. The server flushes, so
 * `flush()` does nothing here.
 *
 * @example
 * ```ts
 * remote.findConnection('sensor:out')?.currentState; // 'flowing'
 * ```
 */
export class RemoteConnection {
  readonly actor: RemoteActor;
  constructor(private info: ConnectionInfo) {
    this.actor = new RemoteActor(info.state);
  }
  get id(): string {
    return this.info.id;
  }
  get sourceNodeId(): string {
    return this.info.sourceNodeId;
  }
  get targetNodeId(): string {
    return this.info.targetNodeId;
  }
  get outputPort(): string {
    return this.info.outputPort;
  }
  get inputPort(): string {
    return this.info.inputPort;
  }
  get currentState(): ConnectionState {
    return this.info.state;
  }
  get isOpen(): boolean {
    return !SHUT.has(this.info.state);
  }
  flush(): void {}
  /** @internal */
  update(info: ConnectionInfo, event?: string): void {
    this.info = info;
    this.actor.set(info.state, event);
  }
}

/**
 * A node of a remote engine: its id and an actor stand-in whose value is the node's state.
 *
 * @example
 * ```ts
 * remote.findNode('transform')?.actor.getSnapshot().value;
 * ```
 */
export class RemoteNode {
  readonly actor: RemoteActor;
  constructor(
    readonly id: string,
    state: string,
  ) {
    this.actor = new RemoteActor(state);
  }
}
