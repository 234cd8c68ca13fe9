import { BehaviorSubject, defer, of, type Observable, type Subscription } from 'rxjs';
import { NodeflowError, errorMessage } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import type { NodeRuntime } from '../targets/node.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { ConnectionStats, EngineEvent } from '../types.js';
import type { Batch } from '../../message.js';
import type { WidgetRuntime } from '../targets/widget.js';
import { COLLECTED } from './builtins.js';
import type { PortSpec, WorkflowDefinition } from './definition.js';
import type { NodeBehavior, NodeContext, NodeTypeDefinition } from './node-types.js';
import { checkPort } from './schema.js';

/**
 * One node of a running workflow, as the handle reports it.
 *
 * @example
 * ```ts
 * const { state, received, rejected } = run.status().nodes.filter1;
 * ```
 */
export interface WorkflowNodeStatus {
  /** idle, running, paused, completed, failed or stopped. */
  readonly state: string;
  readonly received: number;
  readonly emitted: number;
  /** Messages refused by an input port's schema (dead-lettered). */
  readonly rejected: number;
  /** Failed delivery attempts into this node. */
  readonly errors: number;
  readonly lastError?: string;
  /** Messages still waiting to be emitted when the run stopped (counted, never silently lost). */
  readonly discarded?: number;
}

/**
 * A workflow run's status: emitted on every node state change and error, never per message.
 *
 * @example
 * ```ts
 * run.status$.subscribe((s) => console.log(s.state, Object.keys(s.nodes).length));
 * ```
 */
export interface WorkflowStatus {
  readonly state: 'running' | 'paused' | 'completed' | 'failed' | 'stopped';
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
}

/**
 * What `run.done` resolves to.
 *
 * @example
 * ```ts
 * const { status, metrics } = await run.done;
 * ```
 */
export interface WorkflowResult {
  readonly status: 'completed' | 'failed' | 'stopped';
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
  readonly metrics: WorkflowMetrics;
}

/**
 * Per-edge connection counters (final ones for closed edges) and per-node counters.
 *
 * @example
 * ```ts
 * const m = run.metrics();
 * console.log(m.edges.e1?.delivered, m.nodes.sink?.received);
 * ```
 */
export interface WorkflowMetrics {
  readonly edges: Readonly<Record<string, ConnectionStats & { readonly connectionId: string }>>;
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
}

interface RunNode {
  readonly id: string;
  readonly type: NodeTypeDefinition;
  readonly config: Readonly<Record<string, unknown>>;
  handle?: NodeRuntime;
  widget?: WidgetRuntime;
  behavior: NodeBehavior;
  incoming: Set<string>;
  outgoing: string[];
  ended: boolean;
  stateOverride?: string;
  received: number;
  emitted: number;
  rejected: number;
  errors: number;
  lastError?: string;
  readonly source: boolean;
  /** Messages an output refused as full, in order: delivered before the batch counts as done. */
  outbox: Array<{ emit: (m: StreamMessage) => string; message: StreamMessage }>;
  draining?: Promise<void>;
  /** Left in an outbox when the run stopped: counted, not lost silently. */
  discarded: number;
}

/**
 * A running workflow: the handle executeWorkflow gives back. `done` settles when every source
 * has completed and every connection has drained (end-of-stream propagates downstream), or
 * after `stop()`. Nodes are engine nodes and widgets; edges are engine connections, named by
 * edge id or `nodeId:port` (see `connectionId`).
 *
 * @example
 * ```ts
 * const run = await workflowEngine.executeWorkflow(def);
 * run.status$.subscribe((s) => console.log(s.state));
 * const result = await run.done;
 * ```
 */
export class WorkflowRun {
  readonly status$: Observable<WorkflowStatus>;
  readonly done: Promise<WorkflowResult>;
  private readonly statusSubject: BehaviorSubject<WorkflowStatus>;
  private readonly nodes = new Map<string, RunNode>();
  private readonly edges = new Map<string, { connectionId: string; source: string; sourcePort: string; target: string }>();
  private readonly open = new Set<string>();
  /** The node each of the run's connections delivers to. */
  private readonly targetOf = new Map<string, RunNode>();
  private readonly finalStats = new Map<string, ConnectionStats>();
  private readonly sub: Subscription;
  private state: WorkflowStatus['state'] = 'running';
  private resolveDone!: (r: WorkflowResult) => void;
  private finished = false;

  /** @internal */
  constructor(
    readonly id: string,
    private readonly engine: StreamEngine,
    def: WorkflowDefinition,
    types: (type: string) => NodeTypeDefinition,
    fns: (name: string) => (value: unknown) => unknown,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.statusSubject = new BehaviorSubject<WorkflowStatus>({ state: 'running', nodes: {} });
    // A late subscriber (after done) still gets the final status, then completion.
    this.status$ = defer(() => (this.finished ? of(this.statusSubject.value) : this.statusSubject.asObservable()));
    this.sub = engine.lifecycle$.subscribe((e) => this.onEngineEvent(e));
    const created: Array<() => void> = [];
    try {
      for (const spec of def.nodes) {
        const type = types(spec.type);
        // A type that declares no inputs is a source even without kind: 'source'.
        const source = type.kind === 'source' || (type.kind === undefined && Object.keys(type.inputs ?? {}).length === 0);
        const n: RunNode = { id: spec.id, type, config: spec.config ?? {}, behavior: {}, incoming: new Set(), outgoing: [], ended: false, received: 0, emitted: 0, rejected: 0, errors: 0, source, outbox: [], discarded: 0 };
        this.nodes.set(spec.id, n);
        if (type.widget) {
          n.widget = engine.createWidget(spec.id, { bufferSize: type.widget.bufferSize?.(n.config) });
          created.push(() => engine.removeWidget(spec.id));
          continue;
        }
        n.handle = engine.node(spec.id, { process: (batch) => this.deliver(n, batch), autoStart: false }) as NodeRuntime;
        created.push(() => engine.removeNode(spec.id));
        let behavior: unknown;
        try {
          behavior = type.create(this.context(n, fns));
        } catch (error) {
          throw new NodeflowError('INVALID_ARGUMENT', `node ${spec.id} (${spec.type}): create() threw: ${errorMessage(error)}`, { nodeId: spec.id, cause: error });
        }
        if (behavior === null || typeof behavior !== 'object') {
          throw new NodeflowError('INVALID_ARGUMENT', `node ${spec.id} (${spec.type}): create() must return a behaviour object, got ${behavior === null ? 'null' : typeof behavior}`, { nodeId: spec.id });
        }
        n.behavior = behavior as NodeBehavior;
      }
      for (const e of def.edges) {
        const connectionId = engine.createConnection(e.source, e.target, e.sourcePort, e.targetPort, { ...def.config, ...e.config });
        created.unshift(() => engine.getConnection(connectionId).dispose());
        const edgeId = e.id ?? `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
        this.edges.set(edgeId, { connectionId, source: e.source, sourcePort: e.sourcePort, target: e.target });
        this.open.add(connectionId);
        this.nodes.get(e.source)!.outgoing.push(connectionId);
        this.nodes.get(e.target)!.incoming.add(connectionId);
        this.targetOf.set(connectionId, this.nodes.get(e.target)!);
      }
    } catch (error) {
      // A node type's factory threw: undo everything, start nothing.
      this.sub.unsubscribe();
      for (const undo of created) undo();
      throw error;
    }
  }

  /** Starts every node, then the sources. @internal */
  start(): void {
    for (const n of this.nodes.values()) n.handle?.start();
    for (const n of this.nodes.values()) {
      try {
        void Promise.resolve(n.behavior.start?.()).catch((error: unknown) => this.failNode(n, error));
      } catch (error) {
        this.failNode(n, error);
      }
    }
    for (const n of this.nodes.values()) {
      if (!n.source && n.incoming.size === 0) this.end(n); // nothing can ever arrive
    }
    this.publish();
    this.maybeFinish(); // an empty workflow is done at once
  }

  /** The current status (also what status$ last emitted). */
  status(): WorkflowStatus {
    return this.statusSubject.value;
  }

  /** The engine connection of an edge: by edge id (or `source.port->target.port`), or `nodeId:port`. */
  connectionId(ref: string): string {
    const e = this.edges.get(ref);
    if (e) return e.connectionId;
    const matches = [...this.edges.values()].filter((x) => `${x.source}:${x.sourcePort}` === ref);
    if (matches.length === 1) return matches[0]!.connectionId;
    if (matches.length > 1) throw new NodeflowError('UNKNOWN_CONNECTION', `${ref} has ${matches.length} edges (${matches.map((x) => x.connectionId).join(', ')}); name one by edge id`, { ref });
    return this.engine.getConnection(ref).id;
  }

  /** The values a `sink.collector` node kept (a copy). */
  collected(nodeId: string): unknown[] {
    const values = (this.nodes.get(nodeId)?.behavior as { [COLLECTED]?: unknown[] } | undefined)?.[COLLECTED];
    if (!values) throw new NodeflowError('INVALID_ARGUMENT', `${nodeId} is not a sink.collector node of this workflow`, { nodeId });
    return [...values];
  }

  /** The widget actor of a `sink.widget` node. */
  widget(nodeId: string): WidgetRuntime {
    const w = this.nodes.get(nodeId)?.widget;
    if (!w) throw new NodeflowError('INVALID_ARGUMENT', `${nodeId} is not a sink.widget node of this workflow`, { nodeId });
    return w;
  }

  metrics(): WorkflowMetrics {
    const edges: Record<string, ConnectionStats & { connectionId: string }> = {};
    for (const [edgeId, e] of this.edges) {
      const s = this.finalStats.get(e.connectionId) ?? (this.engine.hasConnection(e.connectionId) ? this.engine.getConnection(e.connectionId).stats() : undefined);
      if (s) edges[edgeId] = { ...s, connectionId: e.connectionId };
    }
    return { edges, nodes: this.nodeStatuses() };
  }

  /** Sources stop producing and every node holds its deliveries (connections back up). */
  pause(): void {
    if (this.state !== 'running') return;
    for (const n of this.nodes.values()) {
      if (n.ended) continue;
      this.hook(n, 'pause');
      n.handle?.pause();
    }
    this.state = 'paused';
    this.publish();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    for (const n of this.nodes.values()) {
      if (n.ended) continue;
      n.handle?.resume();
      this.hook(n, 'resume');
    }
    this.publish();
  }

  /**
   * Stops producing, delivers what is buffered (up to `timeout` ms, then the rest is counted
   * dropped(shutdown)), stops every node, and settles `done` with status 'stopped'.
   */
  async stop(options: { timeout?: number } = {}): Promise<WorkflowResult> {
    if (this.finished) return this.done;
    if (this.state === 'paused') this.resume();
    this.state = 'stopped';
    for (const n of this.nodes.values()) this.hook(n, 'stop');
    const clock = this.engine.clock;
    let timer: unknown;
    const expired = new Promise<void>((r) => (timer = clock.setTimeout(r, options.timeout ?? 5000)));
    // Closing one edge can end a node and close its outputs in turn: close what is still open.
    const closing = [...this.open].map((id) => (this.engine.hasConnection(id) ? this.engine.removeConnection(id) : undefined));
    await Promise.race([Promise.all(closing), expired]);
    clock.clearTimeout(timer);
    for (const id of [...this.open]) if (this.engine.hasConnection(id)) this.engine.getConnection(id).dispose();
    for (const n of this.nodes.values()) {
      if (!n.ended) (n.ended = true), (n.stateOverride = 'stopped');
      n.discarded += n.outbox.length; // refused messages that never got out: counted
      n.outbox = [];
    }
    this.finish('stopped');
    return this.done;
  }

  private context(n: RunNode, fns: (name: string) => (value: unknown) => unknown): NodeContext {
    let seq = 0;
    const clock = this.engine.clock;
    return {
      nodeId: n.id,
      config: n.config,
      clock,
      output: (port) => {
        if (n.type.outputs && !(port in n.type.outputs)) {
          throw new NodeflowError('INVALID_ARGUMENT', `node ${n.id} (${n.type.type}) has no output port '${port}' (outputs: ${Object.keys(n.type.outputs).join(', ') || 'none'})`, { nodeId: n.id, port });
        }
        const out = n.handle!.output(port);
        const emit = (m: StreamMessage) => out.emitValid(m);
        const id = n.id;
        return (data, origin, timestamp) => {
          // Built here, so valid by construction: no per-message check on the way out.
          const m = { id: ++seq, timestamp: timestamp ?? origin?.timestamp ?? clock.now(), sourceNodeId: id, port, data } as StreamMessage;
          // Behind refused messages, or refused now: a transform keeps it in order in its
          // outbox, and its delivery completes only once the outbox has gone out (backpressure
          // travels upstream). A source's driver keeps and re-offers its own.
          if (n.outbox.length > 0 && !n.source) {
            n.outbox.push({ emit, message: m });
            return 'full';
          }
          const r = out.emitValid(m);
          if (r === 'full') {
            if (!n.source) n.outbox.push({ emit, message: m });
          } else if (r !== 'unrouted') n.emitted++;
          return r;
        };
      },
      fn: fns,
      complete: () => this.end(n),
      fail: (error) => this.failNode(n, error),
    };
  }

  // One delivered batch: the port's schema first (invalid messages are dead-lettered and never
  // passed on), then the node's behaviour. A throw or rejection fails the delivery (retried).
  private deliver(n: RunNode, batch: Batch): void | PromiseLike<void> {
    const port: PortSpec | undefined = n.type.inputs?.[batch.port];
    if (port?.schema) {
      const checked = checkPort(port.schema, batch, `${n.id}.${batch.port}`);
      if (checked instanceof Promise) return checked.then((r) => this.afterCheck(n, batch, r.valid, r.invalid));
      return this.afterCheck(n, batch, checked.valid, checked.invalid);
    }
    return this.run(n, batch);
  }

  private afterCheck(n: RunNode, batch: Batch, valid: readonly StreamMessage[], invalid: { message: StreamMessage; error: NodeflowError }[]): void | PromiseLike<void> {
    if (invalid.length > 0) {
      n.rejected += invalid.length;
      n.lastError = invalid[0]!.error.message;
      this.engine.reportDeadLetter({ connectionId: batch.connectionId, messages: invalid.map((x) => x.message), error: invalid[0]!.error, attempts: 1, at: this.engine.clock.now() });
      this.publish();
    }
    if (valid.length === 0) return;
    return this.run(n, valid.length === batch.messages.length ? batch : { ...batch, messages: valid });
  }

  private run(n: RunNode, batch: Batch): void | PromiseLike<void> {
    const b = n.behavior;
    const count = batch.messages.length;
    let r: void | PromiseLike<void> = undefined;
    if (b.process) r = b.process(batch);
    else if (b.onMessage) for (const m of batch.messages) b.onMessage(m, batch.port);
    if (r != null && typeof r.then === 'function') {
      return Promise.resolve(r).then(() => {
        n.received += count;
        return this.drain(n);
      });
    }
    n.received += count;
    return n.outbox.length > 0 ? this.drain(n) : undefined;
  }

  // Offers the outbox again until it is empty, waiting 1 ms between tries (on the engine clock).
  private drain(n: RunNode): Promise<void> | undefined {
    if (n.outbox.length === 0) return undefined;
    if (n.draining) return n.draining;
    const clock = this.engine.clock;
    n.draining = new Promise<void>((resolve, reject) => {
      const step = () => {
        try {
          while (n.outbox.length > 0) {
            const head = n.outbox[0]!;
            const r = head.emit(head.message);
            if (r === 'full') {
              clock.setTimeout(step, 1);
              return;
            }
            n.outbox.shift();
            if (r !== 'unrouted') n.emitted++;
          }
        } catch (error) {
          n.draining = undefined;
          n.discarded += n.outbox.length;
          n.outbox = [];
          reject(error);
          return;
        }
        n.draining = undefined;
        resolve();
      };
      step();
    });
    return n.draining;
  }

  private hook(n: RunNode, name: 'complete' | 'stop' | 'pause' | 'resume'): void {
    try {
      n.behavior[name]?.();
    } catch (error) {
      n.lastError = `${name}(): ${errorMessage(error)}`;
    }
  }

  // End-of-stream: flush, close the outputs (they drain, then their targets end in turn).
  private end(n: RunNode): void {
    if (n.ended) return;
    n.ended = true;
    if (this.state === 'stopped') n.stateOverride = 'stopped';
    this.hook(n, 'complete');
    this.hook(n, 'stop');
    n.handle?.complete();
    for (const id of n.outgoing) if (this.engine.hasConnection(id)) void this.engine.removeConnection(id);
    this.publish();
    this.maybeFinish();
  }

  private failNode(n: RunNode, error: unknown): void {
    if (n.ended) return;
    n.ended = true;
    n.lastError = errorMessage(error);
    this.hook(n, 'stop');
    n.handle?.fail(error);
    for (const id of n.outgoing) if (this.engine.hasConnection(id)) void this.engine.removeConnection(id);
    this.publish();
    this.maybeFinish();
  }

  private onEngineEvent(e: EngineEvent): void {
    if (!('connectionId' in e) || !this.open.has(e.connectionId)) return;
    if (e.type === 'connection.removed') {
      this.open.delete(e.connectionId);
      for (const n of this.nodes.values()) {
        if (!n.incoming.delete(e.connectionId)) continue;
        if (n.incoming.size === 0 && !n.source) this.end(n);
      }
      this.maybeFinish();
    } else if (e.type === 'delivery.failed') {
      const n = this.targetOf.get(e.connectionId);
      if (n) {
        n.errors++;
        n.lastError = errorMessage(e.error);
        this.publish();
      }
    } else if (e.type === 'connection.state' && (e.to === 'closed' || e.to === 'failed')) {
      this.finalStats.set(e.connectionId, this.engine.getConnection(e.connectionId).stats());
    }
  }

  private maybeFinish(): void {
    if (this.finished || this.open.size > 0) return;
    for (const n of this.nodes.values()) if (!n.ended) return;
    const failed = [...this.nodes.values()].some((n) => n.handle?.state === 'failed');
    this.finish(this.state === 'stopped' ? 'stopped' : failed ? 'failed' : 'completed');
  }

  private finish(status: WorkflowResult['status']): void {
    if (this.finished) return;
    this.finished = true;
    this.state = status;
    const result: WorkflowResult = { status, nodes: this.nodeStatuses(), metrics: this.metrics() };
    this.publish();
    this.sub.unsubscribe();
    // Node actors are final now: release them. Widgets stay, for the UI, until release().
    for (const n of this.nodes.values()) if (n.handle && this.engine.hasNodeOrWidget(n.id)) this.engine.removeNode(n.id);
    this.statusSubject.complete();
    this.resolveDone(result);
  }

  /** Removes the run's widgets from the engine (after `done`). */
  release(): void {
    if (!this.finished) throw new NodeflowError('INVALID_ARGUMENT', 'release() is for a finished run; stop() it first');
    for (const n of this.nodes.values()) if (n.widget && this.engine.hasNodeOrWidget(n.id)) this.engine.removeWidget(n.id);
  }

  private nodeStatuses(): Record<string, WorkflowNodeStatus> {
    const out: Record<string, WorkflowNodeStatus> = {};
    for (const n of this.nodes.values()) {
      const state = n.stateOverride ?? (n.widget ? (n.ended ? 'completed' : 'running') : n.handle?.state ?? 'idle');
      out[n.id] = {
        state,
        received: n.widget ? n.widget.metrics().messageCount : n.received,
        emitted: n.emitted,
        rejected: n.rejected,
        errors: n.errors,
        ...(n.lastError ? { lastError: n.lastError } : {}),
        ...(n.discarded ? { discarded: n.discarded } : {}),
      };
    }
    return out;
  }

  private publish(): void {
    if (this.statusSubject.closed) return;
    this.statusSubject.next({ state: this.state, nodes: this.nodeStatuses() });
  }
}
