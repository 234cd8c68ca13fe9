import { defer, of, type Observable, type Subscription } from 'rxjs';
import { NodeflowError, describe } from '../../errors.js';
import { unknownIdError } from '../../near-miss.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { WidgetRuntime } from '../targets/widget.js';
import { COLLECTED } from './collector.js';
import { buildRun, downstreamOf, type RunGraph } from './build.js';
import type { WorkflowDefinition } from './definition.js';
import { deliverBatch } from './deliver.js';
import { RunLifecycle } from './lifecycle.js';
import type { NodeTypeDefinition } from './node-types.js';
import { runMetrics, type WorkflowMetrics, type WorkflowResult, type WorkflowStatus } from './status.js';

export type { WorkflowMetrics, WorkflowNodeStatus, WorkflowResult, WorkflowStatus } from './status.js';

// How often an I/O node's counters (ctx.count) reach status$ while they move.
const COUNTS_MS = 250;

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
  private readonly graph: RunGraph;
  private readonly life: RunLifecycle;
  private readonly sub: Subscription;
  private countTimer: unknown;

  /** @internal */
  constructor(
    readonly id: string,
    private readonly engine: StreamEngine,
    def: WorkflowDefinition,
    types: (type: string) => NodeTypeDefinition,
    fns: (name: string) => (value: unknown) => unknown,
  ) {
    let resolveDone!: (r: WorkflowResult) => void;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    const changed = () => this.life.publish(); // made once: deliver runs per batch
    // The callbacks run only once the run has started, when `life` exists.
    this.graph = buildRun(engine, def, types, {
      clock: engine.clock,
      fns,
      complete: (n) => this.life.end(n),
      fail: (n, error) => this.life.fail(n, error),
      report: (n, r) => {
        const at = engine.clock.now();
        if (r.kind === 'state') {
          (n.io ??= { counters: {} }).state = r.state;
          engine.report({ type: 'io.state', nodeId: n.id, state: r.state, ...(r.detail !== undefined ? { detail: r.detail } : {}), at });
        } else {
          n.lastError = `${r.code}: ${r.message}`;
          engine.report({ type: 'io.error', nodeId: n.id, code: r.code, message: r.message, at });
        }
        // A node may report from create(), before the run's lifecycle exists.
        if (this.life !== undefined) changed();
      },
      // Counters move per message: status$ hears of them at most every COUNTS_MS, never per message.
      counted: () => {
        if (this.countTimer !== undefined || this.life === undefined || this.life.finished) return;
        this.countTimer = engine.clock.setTimeout(() => {
          this.countTimer = undefined;
          if (!this.life.finished) changed();
        }, COUNTS_MS);
      },
      deliver: (n, batch) => deliverBatch(n, batch, engine, changed),
      connection: (id) => engine.findConnection(id),
      downstream: (n) => downstreamOf(this.graph, n).flatMap((id) => engine.findConnection(id) ?? []),
    });
    this.life = new RunLifecycle(engine, this.graph, (result) => {
      this.sub.unsubscribe();
      if (this.countTimer !== undefined) engine.clock.clearTimeout(this.countTimer);
      this.countTimer = undefined;
      resolveDone(result);
    });
    const status = this.life.status;
    // A late subscriber (after done) still gets the final status, then completion.
    this.status$ = defer(() => (this.life.finished ? of(status.value) : status.asObservable()));
    this.sub = engine.lifecycle$.subscribe({ next: (e) => this.life.onEngineEvent(e), complete: () => this.life.engineStopped() });
    // An engine stopped under the run ends it too (issue 12: the run stayed 'running' and its
    // sources' timers kept the process alive). Engine snapshots change per stop/start, not per message.
    this.sub.add(
      engine.actor.subscribe((s) => {
        if (s.value === 'stopping') this.life.engineStopping();
        else if (s.value === 'stopped') this.life.engineStopped();
      }),
    );
  }

  /** Starts every node, then the sources. @internal */
  start(): void {
    this.life.start();
  }

  /** The current status (also what status$ last emitted). */
  status(): WorkflowStatus {
    // I/O counters that moved since status$ last heard are published now: status() is exact.
    if (this.countTimer !== undefined) {
      this.engine.clock.clearTimeout(this.countTimer);
      this.countTimer = undefined;
      if (!this.life.finished) this.life.publish();
    }
    return this.life.status.value;
  }

  /** The engine connection of an edge: by edge id (or `source.port->target.port`), or `nodeId:port`. */
  connectionId(ref: string): string {
    const e = this.graph.edges.get(ref);
    if (e) return e.connectionId;
    const matches = [...this.graph.edges.values()].filter((x) => `${x.source}:${x.sourcePort}` === ref);
    if (matches.length === 1) return matches[0]!.connectionId;
    if (matches.length > 1) throw new NodeflowError('UNKNOWN_CONNECTION', `${ref} has ${matches.length} edges (${matches.map((x) => x.connectionId).join(', ')}); name one by edge id`, { ref });
    return this.engine.getConnection(ref).id;
  }

  /** The values a `sink.collector` node kept, oldest first (a copy). */
  collected(nodeId: string): unknown[] {
    const values = (this.node(nodeId).behavior as { [COLLECTED]?: () => unknown[] } | undefined)?.[COLLECTED];
    if (!values) throw new NodeflowError('INVALID_ARGUMENT', `${describe(nodeId)} is not a sink.collector node of this workflow`, { nodeId });
    return values();
  }

  /** The widget actor of a `sink.widget` node. */
  widget(nodeId: string): WidgetRuntime {
    const w = this.node(nodeId).widget;
    if (!w) throw new NodeflowError('INVALID_ARGUMENT', `${describe(nodeId)} is not a sink.widget node of this workflow`, { nodeId });
    return w;
  }

  // A node of this run, or UNKNOWN_NODE naming the closest ids (as the engine's lookups do).
  private node(nodeId: string) {
    const n = this.graph.nodes.get(nodeId);
    if (n) return n;
    throw unknownIdError('UNKNOWN_NODE', 'node', nodeId, this.graph.nodes.keys(), { id: nodeId });
  }

  metrics(): WorkflowMetrics {
    return runMetrics(this.engine, this.graph.edges, this.life.finalStats, this.graph.nodes.values());
  }

  /** Sources stop producing and every node holds its deliveries (connections back up). */
  pause(): void {
    this.life.pause();
  }

  resume(): void {
    this.life.resume();
  }

  /**
   * Stops producing, delivers what is buffered (up to `timeout` ms, then the rest is counted
   * dropped(shutdown)), stops every node, and settles `done` with status 'stopped'.
   */
  async stop(options: { timeout?: number } = {}): Promise<WorkflowResult> {
    if (!this.life.finished) await this.life.stop(options.timeout);
    return this.done;
  }

  /**
   * Ends the source nodes `nodeIds` (default: every source) as if they had completed: they stop
   * producing, end-of-stream walks downstream, and every node drains what it holds, with no
   * timeout; `done` then settles 'stopped'. Unlike `stop()`, nothing else is stopped: a node fed
   * from elsewhere (another process's part of a cluster run) keeps working until its own input
   * ends. Call `stop()` after it to bound the wait.
   *
   * @example
   * ```ts
   * run.endSources();
   * const result = await Promise.race([run.done, new Promise((r) => setTimeout(r, 5000)).then(() => run.stop({ timeout: 0 }))]);
   * ```
   */
  endSources(nodeIds?: Iterable<string>): void {
    this.life.endSources(nodeIds === undefined ? undefined : new Set(nodeIds));
  }

  /** Removes the run's widgets from the engine (after `done`). */
  release(): void {
    if (!this.life.finished) throw new NodeflowError('INVALID_ARGUMENT', 'release() is for a finished run; stop() it first');
    for (const n of this.graph.nodes.values()) if (n.widget && this.engine.hasNodeOrWidget(n.id)) this.engine.removeWidget(n.id);
  }
}
