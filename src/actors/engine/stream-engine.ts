import { Observable, Subject } from 'rxjs';
import { createActor } from 'xstate';
import { realClock, type EngineClock } from '../../clock.js';
import { validateStreamConfig, type StreamConfig } from '../../config.js';
import { ConfigError, NodeflowError, rejectUnknownKeys } from '../../errors.js';
import type { OutgoingMessage } from '../../message.js';
import { engineMachine, type EngineActorRef } from '../../machines/engine.machine.js';
import { backoffDelay } from '../../machines/recovery.logic.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import { Connection, type ConnectionHost } from '../connection/connection.js';
import { GracefulErrorRecovery, type ErrorRecovery } from '../policies/error-recovery.js';
import { EngineMetering, type EngineMetrics } from './engine-metrics.js';
import { InspectionHub, type ActorKind, type TaggedInspector } from './inspection-hub.js';
import { NodeRuntime, type NodeHandle, type NodeOptions } from '../targets/node.js';
import type { DeadLetter, EngineEvent, InspectObserver } from '../types.js';
import type { OfferResult } from '../../message.js';
import { WidgetRuntime, type WidgetOptions } from '../targets/widget.js';

export type { EngineMetrics, MetricTotals } from './engine-metrics.js';

/**
 * Engine-wide options that are not per-connection flow settings.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const engine = new StreamEngine({}, { clock: new SimulatedClock(), inspect: (e) => console.log(e.type) });
 * ```
 */
export interface EngineOptions {
  /** The one clock for every timer and latency figure (default: the wall clock). */
  clock?: EngineClock;
  /** XState inspection observer, given to every actor the engine creates. */
  inspect?: InspectObserver;
  /**
   * Record delivery latency and consumer busy time on every connection (two clock reads per
   * batch). Also on while `metrics$` has subscribers or an adjusting handler is installed.
   */
  metrics?: boolean;
}

/**
 * One row of `engine.listConnections()`.
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
  readonly state: string;
}

/**
 * The stream engine: owns the root actor, the one clock, and a registry of node, connection and
 * widget actors (root actors in Maps, not spawned children: spawning is O(n) per child).
 * Messages move through bounded connection mailboxes in batches; actors get one event per
 * batch and edge-triggered control events, never one per message.
 *
 * @example
 * ```ts
 * const streamEngine = new StreamEngine();
 * const id = streamEngine.createConnection('sourceNode', 'targetNode', 'outputPort', 'inputPort');
 * await streamEngine.getConnection(id).writer.write({
 *   id: 'msg-1', timestamp: Date.now(), sourceNodeId: 'sourceNode',
 *   targetNodeId: 'targetNode', port: 'outputPort', data: { value: 42 },
 * });
 * await streamEngine.stop();
 * ```
 */
export class StreamEngine {
  readonly config: Readonly<StreamConfig>;
  readonly clock: EngineClock;
  readonly actor: EngineActorRef;
  /** Debug-ready events: topology, state changes, drops, failed deliveries, dead letters. */
  readonly events$: Observable<EngineEvent>;
  /** Batches that failed every attempt. */
  readonly deadLetters$: Observable<DeadLetter>;
  private readonly connections = new Map<string, Connection>();
  private readonly nodes = new Map<string, NodeRuntime>();
  private readonly widgets = new Map<string, WidgetRuntime>();
  private readonly eventSubject = new Subject<EngineEvent>();
  /** Topology, state and failure events only (no per-drop events): what workflow runs follow. */
  private readonly lifecycleSubject = new Subject<EngineEvent>();
  private readonly deadSubject = new Subject<DeadLetter>();
  private readonly defaultRecovery = new WeakMap<Readonly<StreamConfig>, ErrorRecovery>();
  /** The retry fields a connection set itself: they win over the engine-wide recovery. */
  private readonly ownRetry = new WeakMap<Readonly<StreamConfig>, Partial<StreamConfig>>();
  private readonly derivedRecovery = new WeakMap<Readonly<StreamConfig>, { base: ErrorRecovery; derived: ErrorRecovery }>();
  /** Connections by (source, outPort, target, inPort), so ids with ':' in names cannot collide. */
  private readonly edges = new Map<string, string>();
  private readonly links = new Map<string, number>();
  private retired = { accepted: 0, delivered: 0, dropped: 0, deadLettered: 0, inFlight: 0, connections: 0 };
  private stopping: Promise<void> | undefined;
  private readonly alwaysMeter: boolean;
  private unbindHandler: (() => void) | undefined;
  private readonly host: ConnectionHost;
  private handler: BackpressureHandler | undefined;
  private recovery: ErrorRecovery | undefined;
  private disposed = false;
  private readonly hub = new InspectionHub();
  private readonly metering: EngineMetering = new EngineMetering({
    clock: () => this.clock,
    state: () => (this.disposed ? 'stopped' : this.state),
    connections: () => this.connections.values(),
    nodes: () => this.nodes.values(),
    widgets: () => this.widgets.values(),
    retired: () => this.retired,
  });

  constructor(config: Partial<StreamConfig> = {}, options: EngineOptions = {}) {
    rejectUnknownKeys(options, ['clock', 'inspect', 'metrics']);
    if (options.metrics !== undefined && typeof options.metrics !== 'boolean') throw new ConfigError('metrics', 'a boolean', options.metrics);
    if (options.clock !== undefined && (typeof options.clock?.now !== 'function' || typeof options.clock.setTimeout !== 'function' || typeof options.clock.clearTimeout !== 'function')) {
      throw new ConfigError('clock', 'an EngineClock (now, setTimeout, clearTimeout)', options.clock);
    }
    if (options.inspect !== undefined && typeof options.inspect !== 'function' && typeof (options.inspect as { next?: unknown })?.next !== 'function') {
      throw new ConfigError('inspect', 'an XState inspection observer', options.inspect);
    }
    this.config = Object.freeze(validateStreamConfig(config));
    this.clock = options.clock ?? realClock;
    this.events$ = this.eventSubject.asObservable();
    this.deadLetters$ = this.deadSubject.asObservable();
    const inspect = options.inspect;
    this.alwaysMeter = options.metrics === true;
    this.actor = createActor(engineMachine, { clock: this.clock, inspect }).start();
    this.host = {
      clock: this.clock,
      inspect,
      backpressureHandler: () => this.handler,
      metering: () => this.alwaysMeter || this.metering.watched || typeof this.handler?.bind === 'function',
      errorRecovery: (c) => this.recoveryFor(c),
      observed: (type) => this.eventSubject.observed || (type !== 'message.dropped' && this.lifecycleSubject.observed),
      emit: (e) => {
        if (this.eventSubject.observed) this.eventSubject.next(e);
        if (e.type !== 'message.dropped' && this.lifecycleSubject.observed) this.lifecycleSubject.next(e);
      },
      deadLetter: (d) => this.deadSubject.next(d),
      closed: (c) => this.forget(c),
    };
    this.hub.track(this.actor, { kind: 'engine', id: 'engine' });
  }

  /**
   * Attaches an XState inspection observer to every actor of this engine, present and future
   * (the engine's, each node's, connection's and widget's); returns the function that detaches
   * it. Function observers also get the actor's kind and id. Events come per actor event
   * (per batch or control edge), never per message; `options.kinds` limits the actors (engine
   * and connection actors hear only control edges, node and widget actors one event per batch,
   * so inspecting those costs throughput). `@statelyai/inspect` works as is:
   * `engine.inspect(createBrowserInspector().inspect)`.
   *
   * @example
   * ```ts
   * const stop = engine.inspect((e, actor) => {
   *   if (e.type === '@xstate.snapshot') console.log(actor.kind, actor.id, (e.snapshot as any).value);
   * });
   * stop();
   * ```
   */
  inspect(observer: TaggedInspector | InspectObserver, options: { kinds?: readonly ActorKind[] } = {}): () => void {
    rejectUnknownKeys(options, ['kinds']);
    const kinds = options.kinds ?? null;
    const bad = Array.isArray(kinds) ? kinds.find((k) => !['engine', 'node', 'connection', 'widget'].includes(k)) : kinds;
    if (kinds && (!Array.isArray(kinds) || bad !== undefined)) {
      throw new ConfigError('kinds', `an array of 'engine' | 'node' | 'connection' | 'widget' (got ${JSON.stringify(bad)})`, kinds);
    }
    if (typeof observer === 'function') return this.hub.add(observer as TaggedInspector, kinds);
    if (observer && typeof observer.next === 'function') return this.hub.add((e) => observer.next!(e), kinds);
    throw new ConfigError('inspect', 'a function (event, actor) => void or an observer with next()', observer);
  }

  /** `running`, `stopping` or `stopped`. */
  get state(): string {
    return this.actor.getSnapshot().value as string;
  }

  /**
   * Connects `sourceNodeId.outputPort` to `targetNodeId.inputPort` and returns the connection id
   * (`source:out->target:in`). Nodes are created on first mention; a target registered with
   * `createWidget` gets a widget actor. `config` overrides the engine's StreamConfig.
   */
  createConnection(sourceNodeId: string, targetNodeId: string, outputPort: string, inputPort: string, config: Partial<StreamConfig> = {}): string {
    this.assertRunning();
    for (const [name, v] of [['sourceNodeId', sourceNodeId], ['targetNodeId', targetNodeId], ['outputPort', outputPort], ['inputPort', inputPort]] as const) {
      if (typeof v !== 'string' || v.length === 0) throw new NodeflowError('INVALID_ARGUMENT', `createConnection: ${name} must be a non-empty string`, { field: name });
    }
    if (sourceNodeId === targetNodeId) {
      throw new NodeflowError('SELF_CONNECTION', `createConnection: ${sourceNodeId} cannot connect to itself`, { nodeId: sourceNodeId });
    }
    const edge = JSON.stringify([sourceNodeId, outputPort, targetNodeId, inputPort]);
    const existing = this.edges.get(edge);
    if (existing !== undefined) throw new NodeflowError('DUPLICATE_CONNECTION', `Connection ${existing} already exists`, { connectionId: existing });
    if (this.widgets.has(sourceNodeId)) throw new NodeflowError('INVALID_ARGUMENT', `createConnection: ${sourceNodeId} is a widget; widgets have no output ports`, { nodeId: sourceNodeId });
    const merged = Object.freeze(validateStreamConfig(config, this.config));
    // Everything is validated: from here nothing can fail half-way.
    let id = `${sourceNodeId}:${outputPort}->${targetNodeId}:${inputPort}`;
    for (let n = 2; this.connections.has(id); n++) id = `${sourceNodeId}:${outputPort}->${targetNodeId}:${inputPort}#${n}`;
    const own: Partial<StreamConfig> = {};
    if (config.retryAttempts !== undefined) own.retryAttempts = merged.retryAttempts;
    if (config.retryDelay !== undefined) own.retryDelay = merged.retryDelay;
    if (Object.keys(own).length > 0) this.ownRetry.set(merged, own);
    const inbox = this.widgets.get(targetNodeId) ?? this.nodeRuntime(targetNodeId, true);
    const conn = new Connection(id, sourceNodeId, targetNodeId, outputPort, inputPort, merged, inbox, this.host);
    this.connections.set(id, conn);
    this.hub.track(conn.actor, { kind: 'connection', id });
    this.edges.set(edge, id);
    this.link(sourceNodeId, 1);
    this.link(targetNodeId, 1);
    this.nodeRuntime(sourceNodeId, true).output(outputPort).connections.push(conn);
    this.actor.send({ type: 'topology.connectionAdded' });
    this.host.emit({ type: 'connection.created', connectionId: id, at: this.clock.now() });
    return id;
  }

  /**
   * The connection `id`, or the one leaving output port `nodeId:port`; throws
   * `UNKNOWN_CONNECTION` if there is none (or the port has several).
   */
  getConnection(id: string): Connection {
    const c = this.connections.get(id) ?? this.byPort(id);
    if (!c) throw new NodeflowError('UNKNOWN_CONNECTION', `No connection ${JSON.stringify(id)} (known: ${this.connections.size})`, { connectionId: id });
    return c;
  }

  // `nodeId:port` names the one connection leaving that output port.
  private byPort(ref: string): Connection | undefined {
    const cut = ref.lastIndexOf(':');
    if (cut <= 0 || ref.includes('->')) return undefined;
    const port = this.nodes.get(ref.slice(0, cut))?.existingOutput(ref.slice(cut + 1));
    if (!port || port.connections.length === 0) return undefined;
    if (port.connections.length > 1) {
      throw new NodeflowError('UNKNOWN_CONNECTION', `${ref} has ${port.connections.length} connections (${port.connections.map((c) => c.id).join(', ')}); name one by id`, { ref });
    }
    return port.connections[0];
  }

  /** True when a connection `id` exists (open or closing). */
  hasConnection(id: string): boolean {
    return this.connections.has(id);
  }

  /** True when `id` names a node or a widget of this engine. */
  hasNodeOrWidget(id: string): boolean {
    return this.nodes.has(id) || this.widgets.has(id);
  }

  /** Every live connection. */
  listConnections(): ConnectionInfo[] {
    return [...this.connections.values()].map((c) => ({
      id: c.id,
      sourceNodeId: c.sourceNodeId,
      targetNodeId: c.targetNodeId,
      outputPort: c.outputPort,
      inputPort: c.inputPort,
      state: c.currentState,
    }));
  }

  /**
   * Every node and widget with its machine state: with listConnections(), the whole topology.
   *
   * @example
   * ```ts
   * for (const n of engine.listNodes()) console.log(n.kind, n.id, n.state);
   * ```
   */
  listNodes(): { readonly id: string; readonly kind: 'node' | 'widget'; readonly state: string }[] {
    return [
      ...[...this.nodes.values()].map((n) => ({ id: n.id, kind: 'node' as const, state: n.state })),
      ...[...this.widgets.values()].map((w) => ({ id: w.id, kind: 'widget' as const, state: String(w.actor.getSnapshot().value) })),
    ];
  }

  /** Stops new writes at once, delivers what is buffered, then forgets the connection. */
  removeConnection(id: string): Promise<void> {
    const c = this.getConnection(id);
    this.detach(c);
    return c.close();
  }

  /** The node `id`, created on first use; `options.process` (re)sets its batch handler. */
  node(id: string, options?: NodeOptions): NodeHandle {
    if (typeof id !== 'string' || id.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'node: id must be a non-empty string', { field: 'id' });
    if (this.widgets.has(id)) throw new NodeflowError('DUPLICATE_ID', `${id} is a widget, not a node`, { id });
    if (!this.nodes.has(id)) this.assertRunning();
    rejectUnknownKeys(options, ['process', 'autoStart']);
    const n = this.nodeRuntime(id, false, options?.autoStart);
    n.auto = false; // asked for by name: the user owns it now
    if (options?.process !== undefined) {
      if (typeof options.process !== 'function') throw new ConfigError('process', 'a function (batch, node) => void | Promise<void>', options.process);
      n.setProcess(options.process);
    }
    return n;
  }

  /**
   * The node `id` if it exists, without creating it or taking ownership of it (unlike `node()`,
   * which keeps a node that only existed for its connections): for viewers and tools.
   *
   * @example
   * ```ts
   * const ref = engine.findNode('transform')?.actor;
   * ```
   */
  findNode(id: string): NodeHandle | undefined {
    return this.nodes.get(id);
  }

  /** Registers a widget actor under `id`; connect to it with `createConnection(..., id, ...)`. */
  createWidget(id: string, options: WidgetOptions = {}): WidgetRuntime {
    this.assertRunning();
    if (typeof id !== 'string' || id.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'createWidget: id must be a non-empty string', { field: 'id' });
    if (this.widgets.has(id) || this.nodes.has(id)) throw new NodeflowError('DUPLICATE_ID', `${id} already names a ${this.widgets.has(id) ? 'widget' : 'node'}`, { id });
    rejectUnknownKeys(options, ['bufferSize']);
    const size = options.bufferSize ?? this.config.bufferSize;
    if (!Number.isInteger(size) || size < 1) throw new ConfigError('bufferSize', 'an integer >= 1', size);
    const w = new WidgetRuntime(id, size, this.host);
    this.widgets.set(id, w);
    this.hub.track(w.actor, { kind: 'widget', id });
    this.host.emit({ type: 'widget.created', widgetId: id, at: this.clock.now() });
    return w;
  }

  /**
   * The widget `id` if there is one (undefined otherwise, where `widget()` throws).
   *
   * @example
   * ```ts
   * const w = engine.findWidget('chart');
   * ```
   */
  findWidget(id: string): WidgetRuntime | undefined {
    return this.widgets.get(id);
  }

  /** The widget `id`; throws `INVALID_ARGUMENT` if there is none. */
  widget(id: string): WidgetRuntime {
    const w = this.widgets.get(id);
    if (!w) throw new NodeflowError('INVALID_ARGUMENT', `No widget ${JSON.stringify(id)}`, { id });
    return w;
  }

  /** Stops and forgets a node that no connection uses any more (`INVALID_ARGUMENT` otherwise). */
  removeNode(id: string): void {
    const n = this.nodes.get(id);
    if (!n) throw new NodeflowError('INVALID_ARGUMENT', `No node ${JSON.stringify(id)}`, { id });
    this.assertUnlinked(id);
    n.stop();
    this.nodes.delete(id);
  }

  /** Stops and forgets a widget that no connection feeds any more (`INVALID_ARGUMENT` otherwise). */
  removeWidget(id: string): void {
    const w = this.widget(id);
    this.assertUnlinked(id);
    w.stop();
    this.widgets.delete(id);
    this.host.emit({ type: 'widget.removed', widgetId: id, at: this.clock.now() });
  }

  /**
   * events$ without the per-drop events (topology, state changes, retries, failures, dead
   * letters, handler adjustments): what a UI or a workflow run follows. A subscriber here does
   * not make every dropped message allocate an event, as an events$ subscriber does.
   *
   * @example
   * ```ts
   * engine.lifecycle$.subscribe((e) => { if (e.type === 'widget.created') console.log(e.widgetId); });
   * ```
   */
  get lifecycle$(): Observable<EngineEvent> {
    return this.lifecycleSubject.asObservable();
  }

  /** Publishes a dead letter found outside a connection (a message rejected at a port). @internal */
  reportDeadLetter(letter: DeadLetter): void {
    this.host.deadLetter(letter);
    this.host.emit({ type: 'batch.deadLettered', connectionId: letter.connectionId, count: letter.messages.length, at: letter.at });
  }

  /** Shorthand for `engine.node(nodeId).output(port).emit(message)`. */
  emit(nodeId: string, port: string, message: OutgoingMessage): OfferResult | 'unrouted' {
    return this.node(nodeId).output(port).emit(message);
  }

  /** Installs the engine-wide backpressure handler (applies to existing connections too). */
  setBackpressureHandler(handler: BackpressureHandler): void {
    if (!handler || typeof handler.dropThreshold !== 'number' || typeof handler.maxWaitTime !== 'number') {
      throw new ConfigError('backpressureHandler', 'a BackpressureHandler (e.g. new DefaultBackpressureHandler())', handler);
    }
    this.unbindHandler?.();
    this.unbindHandler = undefined;
    this.handler = handler;
    for (const c of this.connections.values()) c.refreshHandler();
    this.bindHandler();
  }

  // A handler with an adjustment loop runs it while the engine runs, on the engine's clock.
  private bindHandler(): void {
    if (!this.handler?.bind || this.disposed || this.state !== 'running') return;
    this.unbindHandler = this.handler.bind({
      clock: this.clock,
      connections: () => [...this.connections.values()],
      emit: (e) => this.host.emit(e),
    });
  }

  /** Installs the engine-wide error recovery (retries, backoff, circuit breaker). */
  setErrorRecovery(recovery: ErrorRecovery): void {
    if (!recovery || typeof recovery.retryDelayFor !== 'function' || typeof recovery.isRetryable !== 'function' || !recovery.breaker) {
      throw new ConfigError('errorRecovery', 'an ErrorRecovery (e.g. new GracefulErrorRecovery())', recovery);
    }
    this.recovery = recovery;
  }

  /** Counters of every connection and node, totals, system load. Synchronous; O(connections). */
  getMetrics(): EngineMetrics {
    return this.metering.snapshot();
  }

  /**
   * getMetrics() every `intervalMs` (default 1000) on the engine's clock, while subscribed:
   * never per message. Between emissions it samples the connections every 250 ms, so rates
   * cover a sliding window of about a second. Completes once the engine stops.
   */
  metrics$(intervalMs = 1000): Observable<EngineMetrics> {
    return this.metering.observe(intervalMs);
  }

  /** Runs again after `stop()` (with an empty topology). */
  start(): void {
    if (this.disposed) throw new NodeflowError('ENGINE_STOPPED', 'This engine was disposed; create a new one');
    if (this.state === 'stopped') {
      this.actor.send({ type: 'engine.start' });
      this.bindHandler();
    }
  }

  /**
   * Graceful stop: refuses new writes, delivers buffered messages (partial batches included),
   * waits for deliveries in flight up to `timeout` ms, then counts anything left
   * `dropped(shutdown)`. Afterwards no timer, actor or subscription is left behind.
   */
  stop(options: { timeout?: number } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.state !== 'running') return Promise.resolve();
    const timeout = options.timeout ?? 5000;
    if (!Number.isFinite(timeout) || timeout < 0) throw new ConfigError('timeout', 'a finite number >= 0 (ms)', timeout);
    this.stopping = this.drainAndStop(timeout).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async drainAndStop(timeout: number): Promise<void> {
    this.actor.send({ type: 'engine.stop' });
    const closing = [...this.connections.values()].map((c) => {
      this.detach(c);
      return c.close();
    });
    let timer: unknown;
    const expired = new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, timeout)));
    await Promise.race([Promise.all(closing), expired]);
    this.clock.clearTimeout(timer);
    for (const c of [...this.connections.values()]) c.dispose();
    this.teardown();
    this.actor.send({ type: 'engine.stopped' });
  }

  /** Immediate stop: buffered and in-flight messages are counted `dropped(shutdown)`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of [...this.connections.values()]) c.dispose();
    this.teardown();
    this.eventSubject.complete();
    this.lifecycleSubject.complete();
    this.deadSubject.complete();
    this.actor.stop();
  }

  private teardown(): void {
    this.metering.completeAll();
    this.unbindHandler?.();
    this.unbindHandler = undefined;
    for (const n of this.nodes.values()) n.stop();
    for (const w of this.widgets.values()) w.stop();
    this.nodes.clear();
    this.widgets.clear();
    this.links.clear();
  }

  private nodeRuntime(id: string, auto: boolean, autoStart?: boolean): NodeRuntime {
    let n = this.nodes.get(id);
    if (!n) {
      n = new NodeRuntime(id, this.host, { autoStart });
      n.auto = auto;
      this.nodes.set(id, n);
      this.hub.track(n.actor, { kind: 'node', id });
    }
    return n;
  }

  private link(id: string, delta: number): void {
    const left = (this.links.get(id) ?? 0) + delta;
    if (left > 0) {
      this.links.set(id, left);
      return;
    }
    this.links.delete(id);
    // A node that only existed because a connection named it goes with its last connection,
    // so creating and removing connections does not pile up idle node actors.
    const n = this.nodes.get(id);
    if (n && n.auto && !n.isObserved()) {
      n.stop();
      this.nodes.delete(id);
    }
  }

  private assertUnlinked(id: string): void {
    const count = this.links.get(id) ?? 0;
    if (count > 0) throw new NodeflowError('INVALID_ARGUMENT', `${id} still has ${count} connection(s); remove them first`, { id });
  }

  private recoveryFor(config: Readonly<StreamConfig>): ErrorRecovery {
    const own = this.ownRetry.get(config);
    if (this.recovery && own) {
      // The connection's own retryAttempts/retryDelay win over the engine-wide recovery.
      const cached = this.derivedRecovery.get(config);
      if (cached?.base === this.recovery) return cached.derived;
      const derived = withRetry(this.recovery, own);
      this.derivedRecovery.set(config, { base: this.recovery, derived });
      return derived;
    }
    if (this.recovery) return this.recovery;
    let r = this.defaultRecovery.get(config);
    if (!r) {
      r = new GracefulErrorRecovery({ retryAttempts: config.retryAttempts, retryDelay: config.retryDelay, maxRetryDelay: Math.max(30_000, config.retryDelay) });
      this.defaultRecovery.set(config, r);
    }
    return r;
  }

  private detach(c: Connection): void {
    const port = this.nodes.get(c.sourceNodeId)?.existingOutput(c.outputPort);
    if (!port) return;
    const i = port.connections.indexOf(c);
    if (i >= 0) port.connections.splice(i, 1);
  }

  private forget(c: Connection): void {
    if (this.connections.get(c.id) !== c) return;
    this.detach(c);
    this.connections.delete(c.id);
    this.edges.delete(JSON.stringify([c.sourceNodeId, c.outputPort, c.targetNodeId, c.inputPort]));
    const s = c.stats();
    const r = this.retired;
    this.retired = { accepted: r.accepted + s.accepted, delivered: r.delivered + s.delivered, dropped: r.dropped + s.droppedTotal, deadLettered: r.deadLettered + s.deadLettered, inFlight: r.inFlight + s.inFlight, connections: r.connections + 1 };
    this.link(c.sourceNodeId, -1);
    this.link(c.targetNodeId, -1);
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: 'topology.connectionRemoved' });
    this.host.emit({ type: 'connection.removed', connectionId: c.id, at: this.clock.now(), stats: s });
  }

  private assertRunning(): void {
    if (this.disposed || this.state !== 'running') {
      throw new NodeflowError('ENGINE_STOPPED', `The engine is ${this.disposed ? 'disposed' : this.state}; call start() first`);
    }
  }
}

/** An engine-wide recovery with a connection's own retry fields in force. */
function withRetry(base: ErrorRecovery, own: Partial<StreamConfig>): ErrorRecovery {
  if (base instanceof GracefulErrorRecovery) return base.with(own);
  const retryAttempts = own.retryAttempts ?? base.retryAttempts;
  const retryDelay = own.retryDelay;
  return {
    retryAttempts,
    retryDelayFor: (k) => (retryDelay === undefined ? base.retryDelayFor(k) : backoffDelay(k, { retryDelay, maxRetryDelay: Math.max(30_000, retryDelay), jitter: 0 }, 0)),
    isRetryable: (e) => base.isRetryable(e),
    deliveryTimeout: base.deliveryTimeout,
    breaker: base.breaker,
  };
}
