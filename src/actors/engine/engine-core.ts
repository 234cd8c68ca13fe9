import { Observable } from 'rxjs';
import { createActor } from 'xstate';
import { realClock, type EngineClock } from '../../clock.js';
import { validateStreamConfig, type StreamConfig } from '../../config.js';
import { NodeflowError, errorMessage } from '../../errors.js';
import { engineMachine, type EngineActorRef } from '../../machines/engine.machine.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import type { Connection, ConnectionHost } from '../connection/connection.js';
import { DeliveryTrampoline } from '../connection/delivery-trampoline.js';
import { TaskEnd } from '../connection/task-end.js';
import { closeSourceFirst } from './close-order.js';
import { ActorSystems } from './actor-systems.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';
import type { DeadLetter, EngineEvent, InspectObserver } from '../types.js';
import { checkEngineOptions, checkHandler, checkRecovery, stopTimeout, type EngineOptions } from './engine-options.js';
import { EngineMetering, type EngineMetrics } from './engine-metrics.js';
import { EventBus } from './event-bus.js';
import { InspectionHub, type ActorKind, type TaggedInspector } from './inspection-hub.js';
import { RecoveryResolution } from './recovery-resolution.js';
import { EngineRegistry } from './registry.js';
import { EngineWarnings } from './engine-warnings.js';
import { Warnings } from '../../warnings.js';
import { TopologyStore, type EngineTopology } from './topology-snapshot.js';
import { Wiring } from './wiring.js';

/**
 * The half of {@link StreamEngine} that is about the engine itself rather than its topology:
 * construction (the one clock, the root actor, the host every connection is given), the
 * lifecycle (start, graceful stop, dispose), the policies (backpressure handler, error
 * recovery) and what observers see (events, inspection, metrics, the topology snapshot's
 * stream). StreamEngine adds the nodes, widgets and connections on top.
 *
 * @example
 * ```ts
 * const engine: EngineCore = new StreamEngine();
 * engine.lifecycle$.subscribe((e) => console.log(e.type));
 * await engine.stop();
 * ```
 */
export abstract class EngineCore {
  readonly config: Readonly<StreamConfig>;
  readonly clock: EngineClock;
  readonly actor: EngineActorRef;
  /** Debug-ready events: topology, state changes, drops, failed deliveries, dead letters. */
  readonly events$: Observable<EngineEvent>;
  /** Batches that failed every attempt. */
  readonly deadLetters$: Observable<DeadLetter>;
  /**
   * The topology snapshot after every change (the current one first); see {@link topology}.
   * Completes when the engine is disposed.
   *
   * @example
   * ```ts
   * const sub = engine.topology$.subscribe((t) => console.log(t.version, t.connectionCount));
   * ```
   */
  readonly topology$: Observable<EngineTopology>;
  /** @internal */
  protected readonly bus = new EventBus();
  /** @internal */
  protected readonly hub = new InspectionHub();
  /** @internal */
  protected readonly recovery = new RecoveryResolution();
  /** @internal */
  protected readonly host: ConnectionHost;
  /** One XState system per kind of actor (nodes, widgets, connections). */
  private readonly systems: ActorSystems;
  /** @internal */
  protected readonly registry: EngineRegistry;
  /** @internal */
  protected readonly wiring: Wiring;
  /** @internal */
  protected readonly snapshot: TopologyStore;
  /** The development warnings (see the `warnings` option). @internal */
  readonly warnings: EngineWarnings;
  private retired = { accepted: 0, delivered: 0, dropped: 0, deadLettered: 0, inFlight: 0, connections: 0 };
  private stopping: Promise<void> | undefined;
  private readonly alwaysMeter: boolean;
  private unbindHandler: (() => void) | undefined;
  private handler: BackpressureHandler | undefined;
  private disposed = false;
  private readonly metering: EngineMetering;

  constructor(config: Partial<StreamConfig> = {}, options: EngineOptions = {}) {
    const opts = checkEngineOptions(options);
    this.config = Object.freeze(validateStreamConfig(config));
    this.clock = opts.clock ?? realClock;
    this.events$ = this.bus.events$;
    this.deadLetters$ = this.bus.deadLetters$;
    const inspect = opts.inspect;
    this.alwaysMeter = opts.metrics === true;
    this.actor = createActor(engineMachine, { clock: this.clock, inspect }).start();
    this.systems = new ActorSystems(this.clock, inspect);
    this.host = {
      clock: this.clock,
      inspect,
      system: (kind) => this.systems.root(kind),
      eager: (kind) => this.hub.inspects(kind),
      woke: (actor, kind, id) => this.hub.track(actor, { kind, id }),
      backpressureHandler: () => this.handler,
      metering: () => this.alwaysMeter || this.metering.watched || typeof this.handler?.bind === 'function',
      errorRecovery: (c) => this.recovery.for(c),
      observed: (type) => this.bus.observed(type),
      emit: (e) => {
        if (e.type === 'connection.state') this.snapshot.markConnection(e.connectionId);
        this.bus.emit(e);
      },
      deadLetter: (d) => this.bus.deadLetter(d),
      closed: (c) => this.forget(c),
      trampoline: new DeliveryTrampoline(),
      taskEnd: new TaskEnd(this.clock),
    };
    this.warnings = new EngineWarnings(new Warnings(opts.warnings), () => this.registry);
    this.registry = new EngineRegistry(this.host, () => this.snapshot, this.warnings.forPorts);
    this.hub.waker = (kinds) => this.registry.wake(kinds);
    this.snapshot = new TopologyStore(this.registry);
    this.wiring = new Wiring(this.registry);
    this.topology$ = new Observable((sub) => {
      if (!this.disposed) sub.next(this.snapshot.read());
      return this.snapshot.follow((t) => sub.next(t), () => sub.complete());
    });
    const r = this.registry;
    this.metering = new EngineMetering({
      clock: () => this.clock,
      state: () => (this.disposed ? 'stopped' : this.state),
      connections: () => r.connections.values(),
      nodes: () => r.nodes.values(),
      widgets: () => r.widgets.values(),
      retired: () => this.retired,
    });
    this.hub.track(this.actor, { kind: 'engine', id: 'engine' });
  }

  /**
   * Attaches an XState inspection observer to every actor of this engine, present and future
   * (the engine's, each node's, connection's and widget's); returns the function that detaches
   * it. Function observers also get the actor's kind and id. Events come per actor event
   * (per batch or control edge), never per message; `options.kinds` limits the actors (engine
   * and connection actors hear only control edges; node and widget actors, while inspected, one
   * event per batch, so inspecting those costs throughput). `@statelyai/inspect` works as is:
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
    return this.hub.observe(observer, options);
  }

  /** `running`, `stopping` or `stopped`. @example `if (engine.state === 'running') engine.createWidget('chart');` */
  get state(): string {
    // A disposed engine's actor is stopped wherever it was; the engine itself is stopped.
    return this.disposed ? 'stopped' : (this.actor.getSnapshot().value as string);
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
    return this.bus.lifecycle$;
  }

  /** Publishes a dead letter found outside a connection (a message rejected at a port). @internal */
  reportDeadLetter(letter: DeadLetter): void {
    this.host.deadLetter(letter);
    this.host.emit({ type: 'batch.deadLettered', connectionId: letter.connectionId, count: letter.messages.length, at: letter.at });
  }

  /** Installs the engine-wide backpressure handler (applies to existing connections too). @example `engine.setBackpressureHandler(new DefaultBackpressureHandler())` */
  setBackpressureHandler(handler: BackpressureHandler): void {
    checkHandler(handler);
    const previous = this.handler;
    this.unbindHandler?.();
    this.unbindHandler = undefined;
    this.handler = handler;
    for (const c of this.registry.connections.values()) c.refreshHandler();
    try {
      this.bindHandler();
      if (this.unbindHandler !== undefined && typeof this.unbindHandler !== 'function') throw new TypeError('bind() must return a detach function');
    } catch (error) {
      // A custom bind() that throws installs nothing: the previous handler is back in force.
      this.unbindHandler = undefined;
      this.handler = previous;
      for (const c of this.registry.connections.values()) c.refreshHandler();
      this.bindHandler();
      throw new NodeflowError('INVALID_ARGUMENT', `setBackpressureHandler: the handler's bind() failed (${errorMessage(error)})`, { field: 'bind' });
    }
  }

  // A handler with an adjustment loop runs it while the engine runs, on the engine's clock.
  private bindHandler(): void {
    if (!this.handler?.bind || this.disposed || this.state !== 'running') return;
    this.unbindHandler = this.handler.bind({
      clock: this.clock,
      connections: () => [...this.registry.connections.values()],
      emit: (e) => this.host.emit(e),
    });
  }

  /** Installs the engine-wide error recovery (retries, backoff, circuit breaker). @example `engine.setErrorRecovery(new GracefulErrorRecovery({ retryAttempts: 5 }))` */
  setErrorRecovery(recovery: ErrorRecovery): void {
    checkRecovery(recovery);
    this.recovery.install(recovery);
  }

  /** Counters of every connection and node, totals, system load. Synchronous; O(connections). @example `engine.getMetrics().totals.delivered` */
  getMetrics(): EngineMetrics {
    return this.metering.snapshot();
  }

  /**
   * getMetrics() every `intervalMs` (default 1000) on the engine's clock, while subscribed:
   * never per message. Between emissions it samples the connections every 250 ms, so rates
   * cover a sliding window of about a second. Completes once the engine stops.
   *
   * @example
   * ```ts
   * engine.metrics$(500).subscribe((m) => console.log(m.totals.inPerSec));
   * ```
   */
  metrics$(intervalMs = 1000): Observable<EngineMetrics> {
    return this.metering.observe(intervalMs);
  }

  /** Runs again after `stop()` (with an empty topology). @example `await engine.stop(); engine.start();` */
  start(): void {
    if (this.disposed) throw new NodeflowError('ENGINE_STOPPED', 'This engine was disposed; create a new one');
    if (this.state === 'stopped') {
      this.actor.send({ type: 'engine.start' });
      this.bindHandler();
    }
  }

  /**
   * Graceful stop: closes connections source-first (each refuses new writes, delivers what it
   * buffers, partial batches included, and waits for its delivery in flight), so what a node
   * emits while finishing its last batches still reaches its targets; after `timeout` ms in all
   * it counts anything left `dropped(shutdown)`. Afterwards no timer, actor or subscription is
   * left behind.
   *
   * @example
   * ```ts
   * await engine.stop({ timeout: 1000 });
   * ```
   */
  stop(options: { timeout?: number } = {}): Promise<void> {
    // Checked first: a bad option is refused whatever the engine's state.
    const timeout = stopTimeout(options);
    if (this.stopping) return this.stopping;
    if (this.state !== 'running') return Promise.resolve();
    this.stopping = this.drainAndStop(timeout).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async drainAndStop(timeout: number): Promise<void> {
    this.actor.send({ type: 'engine.stop' });
    // Source-first, so what a node emits while finishing its last batches (an async process, a
    // node on worker threads) lands in outputs that are still open (docs/semantics.md, Time).
    const closing = closeSourceFirst([...this.registry.connections.values()], (c) => {
      this.wiring.detach(c);
      return c.close();
    });
    let timer: unknown;
    const expired = new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, timeout)));
    await Promise.race([closing, expired]);
    this.clock.clearTimeout(timer);
    if (this.disposed) return; // dispose() during the drain ended everything already
    for (const c of [...this.registry.connections.values()]) c.dispose();
    this.teardown();
    this.actor.send({ type: 'engine.stopped' });
  }

  /** Immediate stop: buffered and in-flight messages are counted `dropped(shutdown)`; as after stop(), nothing is left running. @example `engine.dispose()` */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of [...this.registry.connections.values()]) c.dispose();
    this.teardown();
    this.bus.complete();
    this.snapshot.end();
    // The root actor ends in `stopped`, as after stop(): what follows it (a debugger, a workflow
    // run) sees the engine stop, instead of an actor frozen in `running`.
    if (this.actor.getSnapshot().value === 'running') this.actor.send({ type: 'engine.stop' });
    this.actor.send({ type: 'engine.stopped' });
    this.actor.stop();
  }

  private teardown(): void {
    this.host.taskEnd.cancel();
    this.metering.completeAll();
    this.unbindHandler?.();
    this.unbindHandler = undefined;
    this.registry.clearTargets();
    this.wiring.clear();
    this.systems.stop(); // after every node, widget and connection was retired
  }

  // A connection that closed (or was disposed) leaves the registry, its edge and its links.
  private forget(c: Connection): void {
    if (!this.registry.dropConnection(c)) return;
    this.wiring.release(c);
    const s = c.stats();
    const r = this.retired;
    this.retired = { accepted: r.accepted + s.accepted, delivered: r.delivered + s.delivered, dropped: r.dropped + s.droppedTotal, deadLettered: r.deadLettered + s.deadLettered, inFlight: r.inFlight + s.inFlight, connections: r.connections + 1 };
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: 'topology.connectionRemoved' });
    this.host.emit({ type: 'connection.removed', connectionId: c.id, at: this.clock.now(), stats: s });
  }

  /** @internal */
  protected assertRunning(): void {
    if (this.disposed || this.state !== 'running') {
      throw new NodeflowError('ENGINE_STOPPED', `The engine is ${this.disposed ? 'disposed' : this.state}; call start() first`);
    }
  }
}
