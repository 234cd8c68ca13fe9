import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import type { EngineClock } from '../clock.js';
import type { ConnectionState } from '../machines/connection.machine.js';
import type { DropReason, StreamMessage } from '../message.js';

/**
 * A batch that failed all its attempts (or was not retryable).
 *
 * @example
 * ```ts
 * engine.deadLetters$.subscribe((d: DeadLetter) => console.error(d.connectionId, d.error));
 * ```
 */
export interface DeadLetter {
  readonly connectionId: string;
  readonly messages: readonly StreamMessage[];
  readonly error: unknown;
  readonly attempts: number;
  readonly at: number;
}

/**
 * Counters of one connection. At every moment:
 * `accepted = delivered + droppedTotal + deadLettered + inFlight`.
 *
 * @example
 * ```ts
 * const s = engine.getConnection(id).stats();
 * console.log(s.delivered, s.dropped.overflow, s.state);
 * ```
 */
export interface ConnectionStats {
  /** The connection machine's state (typed from the machine). */
  readonly state: ConnectionState;
  readonly accepted: number;
  readonly delivered: number;
  readonly deadLettered: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly droppedTotal: number;
  /** Buffered plus the batch being delivered or retried. */
  readonly inFlight: number;
  readonly buffered: number;
  /** Offers refused because the buffer was full (never accepted, so not in `accepted`). */
  readonly refused: number;
  readonly batches: number;
  readonly failedAttempts: number;
  readonly retries: number;
  readonly backpressureEvents: number;
  readonly bufferUtilization: number;
  /** Milliseconds the consumer spent in deliveries (its busy time). */
  readonly busyMs: number;
  /** The circuit breaker's view: failure run, sliding-window counts, opens since it last closed. */
  readonly breaker: { readonly consecutiveFailures: number; readonly windowAttempts: number; readonly windowFailures: number; readonly reopens: number };
}

/**
 * A debug-ready engine event: one per real change (never per message on the happy path).
 *
 * @example
 * ```ts
 * engine.events$.subscribe((e) => { if (e.type === 'connection.state') console.log(e.from, '→', e.to); });
 * ```
 */
export type EngineEvent =
  | { readonly type: 'connection.created'; readonly connectionId: string; readonly at: number }
  | { readonly type: 'connection.removed'; readonly connectionId: string; readonly at: number; /** Its final counters. */ readonly stats?: ConnectionStats }
  | { readonly type: 'connection.state'; readonly connectionId: string; readonly from: ConnectionState; readonly to: ConnectionState; readonly at: number }
  | { readonly type: 'widget.created'; readonly widgetId: string; readonly at: number }
  | { readonly type: 'widget.removed'; readonly widgetId: string; readonly at: number }
  | { readonly type: 'node.state'; readonly nodeId: string; readonly from: string; readonly to: string; readonly event: string; readonly at: number }
  | { readonly type: 'message.dropped'; readonly connectionId: string; readonly reason: DropReason; readonly count: number; readonly at: number }
  | { readonly type: 'delivery.failed'; readonly connectionId: string; readonly attempt: number; readonly error: unknown; readonly at: number }
  | { readonly type: 'delivery.retry'; readonly connectionId: string; readonly attempt: number; readonly delay: number; readonly at: number }
  | { readonly type: 'batch.deadLettered'; readonly connectionId: string; readonly count: number; readonly at: number }
  | { readonly type: 'handler.adjusted'; readonly connectionId: string; readonly knob: 'maxBatchSize' | 'batchTimeout' | 'dropThreshold'; readonly from: number; readonly to: number; readonly reason: string; readonly at: number }
  /** An I/O node's link to the outside changed state (connected, paused, reconnecting...). */
  | { readonly type: 'io.state'; readonly nodeId: string; readonly state: IoState; readonly detail?: string; readonly at: number }
  /** An I/O node met a typed fault (a malformed or oversized payload, a refused publish...). */
  | { readonly type: 'io.error'; readonly nodeId: string; readonly code: string; readonly message: string; readonly at: number };

/**
 * The state of an I/O node's link to the outside world: `connecting` until first connected,
 * `paused` while the engine's backpressure holds the outside back, `reconnecting` after a loss,
 * `closed` once stopped.
 *
 * @example
 * ```ts
 * engine.events$.subscribe((e) => { if (e.type === 'io.state' && e.state === 'reconnecting') console.warn(e.nodeId, e.detail); });
 * ```
 */
export type IoState = 'connecting' | 'connected' | 'paused' | 'reconnecting' | 'closed';

/**
 * An XState inspection observer, as `createActor(..., { inspect })` takes it. The engine passes
 * it to every actor it creates (engine, nodes, connections, widgets).
 *
 * @example
 * ```ts
 * const inspect: InspectObserver = (e) => { if (e.type === '@xstate.snapshot') console.log(e.actorRef.id); };
 * ```
 */
export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * What the engine lends the actors it creates: the one clock and the inspector. Not internal:
 * the public `Connection` and `WidgetRuntime` constructors name it, so the published types need it.
 *
 * @example
 * ```ts
 * const host: ActorHost = { clock: realClock, inspect: undefined };
 * ```
 */
export interface ActorHost {
  readonly clock: EngineClock;
  readonly inspect: InspectObserver | undefined;
  /**
   * The root actor whose system an actor of this kind joins as a child (one system per kind per
   * engine); absent, each actor is a root with a system of its own and takes `inspect` itself.
   */
  readonly system?: (kind: SharedKind) => AnyActorRef;
  /** Engine events (node state changes); absent for actors built outside an engine. */
  readonly emit?: (event: EngineEvent) => void;
  /**
   * Should an actor of this kind start at once rather than when first needed? True while its
   * kind is inspected. Absent: actors start when first needed (or at once with `inspect`).
   */
  readonly eager?: (kind: SharedKind) => boolean;
  /** An actor of this kind, first needed now, has started (the engine tags it for inspection). */
  readonly woke?: (actor: AnyActorRef, kind: SharedKind, id: string) => void;
}

/**
 * The kinds of engine actor that share a system per engine (the engine's own actor is a root).
 *
 * @example
 * ```ts
 * const kind: SharedKind = 'connection';
 * ```
 */
export type SharedKind = 'node' | 'widget' | 'connection';

/**
 * The flow knobs of one connection that can change at run time.
 *
 * @example
 * ```ts
 * engine.getConnection(id).tune({ maxBatchSize: 200 } satisfies Partial<ConnectionKnobs>);
 * ```
 */
export interface ConnectionKnobs {
  readonly maxBatchSize: number;
  readonly batchTimeout: number;
  /** Occupancy from which the handler sheds (1 when no handler is installed). */
  readonly dropThreshold: number;
}
