import type { Observable } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import type { EngineClock } from '../clock.js';
import type { EngineEvent } from '../actors/types.js';
import type { EngineMetrics, EngineTopology } from '../actors/engine/stream-engine.js';
import type { WidgetFrame, WidgetMetrics, WidgetPacer, WidgetStatus, WidgetWindow } from '../actors/targets/widget.js';
import type { ConnectionState } from '../machines/connection.machine.js';

// What the widget layer (hooks, components, the engine inspector) reads from an engine, and
// nothing more: a local StreamEngine satisfies these structurally, and so can an engine that
// mirrors one over a socket. Types only; nothing here runs.

/**
 * What a chart or a hook reads of a machine actor: its snapshot's `value`, and its changes.
 * XState's actors satisfy it. `subscribe` receives an observer object (`{ next, error }`),
 * because that is how `@xstate/react`'s `useSelector` calls it, and the `unsubscribe` it
 * returns must work detached (`useSelector` destructures it: wrap an RxJS Subscription's). A snapshot may carry the
 * `event` that caused it; without `system.inspect`, charts use that to infer the transition.
 *
 * @example
 * ```ts
 * const actor: ActorLike = engine.getConnection(id).actor;
 * const sub = actor.subscribe({ next: (s) => console.log(s.value) });
 * ```
 */
export interface ActorLike {
  getSnapshot(): ActorSnapshotLike;
  subscribe(observer: { next(snapshot: ActorSnapshotLike): void; error?(err: unknown): void }): { unsubscribe(): void };
  /** XState's actor system: `inspect` reports the transitions each step took. Optional for mirrors. */
  readonly system?: { inspect?(observer: (event: InspectionEvent) => void): { unsubscribe(): void } };
}

/**
 * An actor snapshot as {@link ActorLike} exposes it: the state `value`, and for a mirrored
 * actor the `event` that led to it.
 *
 * @example
 * ```ts
 * const s: ActorSnapshotLike = { value: 'flowing', event: { type: 'breaker.close' } };
 * ```
 */
export interface ActorSnapshotLike {
  readonly value: unknown;
  readonly event?: { readonly type: string };
}

/**
 * A connection as the widget layer reads it (a `Connection` satisfies it).
 *
 * @example
 * ```ts
 * const c: ConnectionLike | undefined = engine.findConnection('sensor:out');
 * if (c?.isOpen) c.flush();
 * ```
 */
export interface ConnectionLike {
  readonly id: string;
  readonly targetNodeId: string;
  /** False once closing: a render no longer flushes it. */
  readonly isOpen: boolean;
  readonly currentState: ConnectionState;
  readonly actor: ActorLike;
  /** Delivers a partial batch now; a hook calls it before a render. */
  flush(): void;
}

/**
 * What a hook wants from a widget, as {@link WidgetLike.observe} receives it.
 *
 * @example
 * ```ts
 * const want: WidgetObservation = { bufferSize: 1000, updateInterval: 16, paused: false };
 * ```
 */
export interface WidgetObservation {
  /** Messages the hook shows (`Infinity`: the whole window). */
  readonly bufferSize: number;
  /** The hook's interval in force (ms), widened by its governor while frames are slow. */
  readonly updateInterval: number;
  /** True while the hook renders nothing (hidden, or `paused`). */
  readonly paused: boolean;
}

/**
 * A widget as the widget layer reads it (a `WidgetRuntime` satisfies it).
 *
 * @example
 * ```ts
 * const w: WidgetLike | undefined = engine.findWidget('chart');
 * w?.data$.subscribe(({ window }) => draw(window.toArray()));
 * ```
 */
export interface WidgetLike {
  readonly id: string;
  readonly window: WidgetWindow;
  readonly data$: Observable<WidgetFrame>;
  readonly status$: Observable<WidgetStatus>;
  /** The widget machine's state (`'backpressured'` while it holds a batch for a paced UI). */
  readonly state: string;
  readonly ended: boolean;
  readonly actor: ActorLike;
  metrics(): WidgetMetrics;
  pace(): WidgetPacer;
  /**
   * Told what each subscribed hook wants, when it subscribes and whenever that changes (paused,
   * or its governor widened the interval); returns the release, called when the hook leaves or
   * before its next call takes over. A local widget has nothing to do with it and omits it; a
   * mirror uses it to ask its source for only what is shown.
   */
  observe?(observation: WidgetObservation): () => void;
  /**
   * False while a mirror has lost its source: hooks then report `isConnected: false`. Emit on
   * `status$` when it changes, so subscribed hooks render it.
   */
  readonly linked?: boolean;
}

/**
 * What the widget layer needs of an engine: a local `StreamEngine`, or any object with these
 * members (e.g. a mirror of a remote one). `StreamEngineProvider`, the hooks, the components
 * and `EngineInspector` take it.
 *
 * @example
 * ```tsx
 * const engine: EngineLike = new StreamEngine();
 * <StreamEngineProvider engine={engine}><Dashboard /></StreamEngineProvider>;
 * ```
 */
export interface EngineLike {
  readonly clock: EngineClock;
  /** Created/removed/state events: never one per message. */
  readonly lifecycle$: Observable<EngineEvent>;
  readonly topology$: Observable<EngineTopology>;
  topology(): EngineTopology;
  /** A connection id, or `node:port` when exactly one connection leaves that port. */
  findConnection(id: string): ConnectionLike | undefined;
  /** As findConnection, but throws when there is none. */
  getConnection(id: string): ConnectionLike;
  findWidget(id: string): WidgetLike | undefined;
  findNode(id: string): { readonly actor: ActorLike } | undefined;
  getMetrics(): EngineMetrics;
  metrics$(intervalMs?: number): Observable<EngineMetrics>;
}
