import { MAX_BUFFER_SIZE, validateStreamConfig, type StreamConfig } from '../../config.js';
import { ConfigError, NodeflowError, readOptions } from '../../errors.js';
import type { OfferResult, OutgoingMessage } from '../../message.js';
import { Connection } from '../connection/connection.js';
import type { NodeHandle, NodeOptions } from '../targets/node.js';
import { WidgetRuntime, type WidgetOptions } from '../targets/widget.js';
import { EngineCore } from './engine-core.js';
import { checkThread, threadProcess } from '../../threads/attach.js';
import type { ConnectionInfo, EngineTopology } from './topology-snapshot.js';
import type { EngineEvent } from '../types.js';

export { EngineCore } from './engine-core.js';
export type { EngineMetrics, MetricTotals } from './engine-metrics.js';
export type { EngineOptions } from './engine-options.js';
export type { ConnectionInfo, EngineTopology, TopologyNode } from './topology-snapshot.js';

/**
 * The stream engine: owns the root actor, the one clock, and a registry of node, connection and
 * widget actors (root actors in Maps, not spawned children: spawning is O(n) per child).
 * Messages move through bounded connection mailboxes in batches; actors get one event per
 * batch and edge-triggered control events, never one per message. This class holds the
 * topology API (nodes, widgets, connections); {@link EngineCore} the lifecycle, policies and
 * observation; each job behind them has its own file in this folder.
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
export class StreamEngine extends EngineCore {
  /**
   * Connects `sourceNodeId.outputPort` to `targetNodeId.inputPort` and returns the connection id
   * (`source:out->target:in`). Nodes are created on first mention; a target registered with
   * `createWidget` gets a widget actor. `config` overrides the engine's StreamConfig.
   *
   * @example
   * ```ts
   * const id = engine.createConnection('sensor', 'chart', 'out', 'in', { maxBatchSize: 50 });
   * ```
   */
  createConnection(sourceNodeId: string, targetNodeId: string, outputPort: string, inputPort: string, config: Partial<StreamConfig> = {}): string {
    this.assertRunning();
    for (const [name, v] of [['sourceNodeId', sourceNodeId], ['targetNodeId', targetNodeId], ['outputPort', outputPort], ['inputPort', inputPort]] as const) {
      if (typeof v !== 'string' || v.length === 0) throw new NodeflowError('INVALID_ARGUMENT', `createConnection: ${name} must be a non-empty string`, { field: name });
    }
    if (sourceNodeId === targetNodeId) {
      throw new NodeflowError('SELF_CONNECTION', `createConnection: ${sourceNodeId} cannot connect to itself`, { nodeId: sourceNodeId });
    }
    const existing = this.wiring.existing(sourceNodeId, outputPort, targetNodeId, inputPort);
    if (existing !== undefined) throw new NodeflowError('DUPLICATE_CONNECTION', `Connection ${existing} already exists`, { connectionId: existing });
    const r = this.registry;
    if (r.widgets.has(sourceNodeId)) throw new NodeflowError('INVALID_ARGUMENT', `createConnection: ${sourceNodeId} is a widget; widgets have no output ports`, { nodeId: sourceNodeId });
    const merged = Object.freeze(validateStreamConfig(config, this.config));
    // Everything is validated: from here nothing can fail half-way.
    let id = `${sourceNodeId}:${outputPort}->${targetNodeId}:${inputPort}`;
    for (let n = 2; r.connections.has(id); n++) id = `${sourceNodeId}:${outputPort}->${targetNodeId}:${inputPort}#${n}`;
    this.recovery.remember(merged, config);
    const inbox = r.widgets.get(targetNodeId) ?? r.node(targetNodeId, true);
    // Both ends exist before the connection does, so a topology$ follower never sees an edge
    // to or from a node that is not there yet.
    r.node(sourceNodeId, true);
    const conn = new Connection(id, sourceNodeId, targetNodeId, outputPort, inputPort, merged, inbox, this.host);
    r.addConnection(conn);
    this.wiring.attach(conn);
    this.actor.send({ type: 'topology.connectionAdded' });
    this.host.emit({ type: 'connection.created', connectionId: id, at: this.clock.now() });
    return id;
  }

  /**
   * The connection `id`, or the one leaving output port `nodeId:port`; throws
   * `UNKNOWN_CONNECTION` naming the closest known ids if there is none (or the port has several).
   *
   * @example
   * ```ts
   * const c = engine.getConnection('sensor:out'); // the one connection leaving sensor.out
   * ```
   */
  getConnection(id: string): Connection {
    return this.registry.connection(id);
  }

  /**
   * The connection `id` (or the one leaving `nodeId:port`) if there is exactly one, undefined
   * otherwise: a lookup that neither throws nor pays for getConnection's near-miss message.
   *
   * @example
   * ```ts
   * const state = engine.findConnection('sensor:out')?.currentState ?? 'unknown';
   * ```
   */
  findConnection(id: string): Connection | undefined {
    return this.registry.findConnection(id);
  }

  /** True when a connection `id` exists (open or closing). @example `engine.hasConnection('a:out->b:in')` */
  hasConnection(id: string): boolean {
    return this.registry.connections.has(id);
  }

  /** True when `id` names a node or a widget of this engine. @example `engine.hasNodeOrWidget('chart')` */
  hasNodeOrWidget(id: string): boolean {
    return this.registry.kindOf(id) !== undefined;
  }

  /**
   * Every live connection, read from the actors now (O(connections): a viewer that follows
   * changes reads {@link topology} instead).
   *
   * @example
   * ```ts
   * for (const c of engine.listConnections()) console.log(c.id, c.state);
   * ```
   */
  listConnections(): ConnectionInfo[] {
    return [...this.registry.connections.keys()].map((id) => this.registry.connectionInfo(id)!);
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
      ...[...this.registry.nodes.values()].map((n) => ({ id: n.id, kind: 'node' as const, state: n.state })),
      ...[...this.registry.widgets.values()].map((w) => ({ id: w.id, kind: 'widget' as const, state: w.state })),
    ];
  }

  /**
   * The topology now, as an immutable snapshot with structural sharing: each change (a
   * connection created, removed or changing state; a node or widget created or removed) makes a
   * new snapshot in which everything else is the same object as before. Reading reconciles only
   * what changed since the last read, so a viewer of a large engine pays per change, not per
   * connection. Follow it with `topology$`.
   *
   * @example
   * ```ts
   * const before = engine.topology();
   * engine.createConnection('a', 'b', 'out', 'in');
   * const after = engine.topology();
   * console.log(after.connection('a:out->b:in')?.state, after.version > before.version); // flowing true
   * ```
   */
  topology(): EngineTopology {
    return this.snapshot.read();
  }

  /**
   * Stops new writes at once, delivers what is buffered, then forgets the connection.
   *
   * @example
   * ```ts
   * await engine.removeConnection('sensor:out->chart:in');
   * ```
   */
  removeConnection(id: string): Promise<void> {
    const c = this.getConnection(id);
    this.wiring.detach(c);
    return c.close();
  }

  /**
   * The node `id`, created on first use; `options.process` (re)sets its batch handler, or
   * `options.thread` runs its batches on worker threads (docs/threads.md).
   *
   * @example
   * ```ts
   * engine.node('sink', { process: (batch) => console.log(batch.messages.length) });
   * engine.node('heavy', { thread: { pool: threadPool({ size: 2 }), work: { kind: 'module', module: url, export: 'score' } } });
   * ```
   */
  node(id: string, options?: NodeOptions): NodeHandle {
    if (typeof id !== 'string' || id.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'node: id must be a non-empty string', { field: 'id' });
    if (this.registry.widgets.has(id)) throw new NodeflowError('DUPLICATE_ID', `${id} is a widget, not a node`, { id });
    if (!this.registry.nodes.has(id)) this.assertRunning();
    const o = readOptions(options, ['process', 'autoStart', 'thread']);
    if (o.process !== undefined && o.thread !== undefined) throw new ConfigError('thread', 'either process or thread, not both', o.thread);
    // Checked before the node exists, so a bad option leaves no node behind.
    if (o.process !== undefined && typeof o.process !== 'function') throw new ConfigError('process', 'a function (batch, node) => void | Promise<void>', o.process);
    if (o.autoStart !== undefined && typeof o.autoStart !== 'boolean') throw new ConfigError('autoStart', 'a boolean', o.autoStart);
    const thread = o.thread === undefined ? undefined : checkThread(o.thread);
    const n = this.registry.node(id, false, o.autoStart);
    n.auto = false; // asked for by name: the user owns it now
    if (o.process !== undefined) n.setProcess(o.process);
    if (thread !== undefined) n.setProcess(threadProcess(this, id, n, thread).process);
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
    return this.registry.nodes.get(id);
  }

  /**
   * Registers a widget actor under `id`; connect to it with `createConnection(..., id, ...)`.
   *
   * @example
   * ```ts
   * engine.createWidget('chart', { bufferSize: 500 });
   * ```
   */
  createWidget(id: string, options: WidgetOptions = {}): WidgetRuntime {
    this.assertRunning();
    if (typeof id !== 'string' || id.length === 0) throw new NodeflowError('INVALID_ARGUMENT', 'createWidget: id must be a non-empty string', { field: 'id' });
    const kind = this.registry.kindOf(id);
    if (kind) throw new NodeflowError('DUPLICATE_ID', `${id} already names a ${kind}`, { id });
    const size = readOptions(options, ['bufferSize']).bufferSize ?? this.config.bufferSize;
    if (!Number.isInteger(size) || size < 1 || size > MAX_BUFFER_SIZE) throw new ConfigError('bufferSize', `an integer in [1, ${MAX_BUFFER_SIZE}]`, size);
    const w = new WidgetRuntime(id, size, this.host);
    this.registry.addWidget(w);
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
    return this.registry.widgets.get(id);
  }

  /** The widget `id`; throws `UNKNOWN_WIDGET` naming the closest ids if there is none. @example `engine.widget('chart').data$` */
  widget(id: string): WidgetRuntime {
    return this.registry.widget(id);
  }

  /**
   * Stops and forgets a node that no connection uses any more (`UNKNOWN_NODE` if there is no
   * such node, `INVALID_ARGUMENT` while a connection uses it).
   *
   * @example
   * ```ts
   * await engine.removeConnection('src:out->kept:in');
   * engine.removeNode('kept');
   * ```
   */
  removeNode(id: string): void {
    this.registry.existingNode(id);
    this.wiring.assertUnlinked(id);
    this.registry.dropNode(id);
  }

  /**
   * Stops and forgets a widget that no connection feeds any more (`UNKNOWN_WIDGET` if there is
   * no such widget, `INVALID_ARGUMENT` while a connection feeds it).
   *
   * @example
   * ```ts
   * engine.removeWidget('chart');
   * ```
   */
  removeWidget(id: string): void {
    this.registry.widget(id);
    this.wiring.assertUnlinked(id);
    this.registry.dropWidget(id);
    this.host.emit({ type: 'widget.removed', widgetId: id, at: this.clock.now() });
  }

  /** Shorthand for `engine.node(nodeId).output(port).emit(message)`. @example `engine.emit('sensor', 'out', { id: 1, timestamp: Date.now(), sourceNodeId: 'sensor', port: 'out', data: 1 })` */
  emit(nodeId: string, port: string, message: OutgoingMessage): OfferResult | 'unrouted' {
    // Per message: an existing node is used as it is (one Map read, no option parsing, and no
    // taking ownership of a node that exists only for its connections); only a new id goes
    // through node().
    const n = this.registry.nodes.get(nodeId);
    return (n ?? this.node(nodeId)).output(port).emit(message);
  }

  /** Puts `e` on events$ / lifecycle$: how I/O nodes report through their context. @internal */
  report(e: EngineEvent): void {
    this.host.emit(e);
  }
}
