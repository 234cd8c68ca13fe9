import { BehaviorSubject } from 'rxjs';
import { errorMessage } from '../../errors.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { ConnectionStats, EngineEvent } from '../types.js';
import type { RunGraph } from './build.js';
import type { RunNode } from './run-node.js';
import { nodeStatuses, runMetrics, type WorkflowResult, type WorkflowStatus } from './status.js';

type Hook = 'complete' | 'stop' | 'pause' | 'resume';

/**
 * A run's life: start, pause, resume, stop, and end-of-stream walking downstream (a node whose
 * inputs have all closed ends, closing its outputs in turn) until every node has ended and
 * every connection has closed, which finishes the run.
 *
 * End-of-stream walks the graph in a loop, not on the stack: ending a node closes its outputs,
 * and a connection that closes at once ends its target inside that call, so a chain of 10,000
 * nodes would otherwise nest 10,000 deep. Status changes made in one such step publish once.
 *
 * @example
 * ```ts
 * const life = new RunLifecycle(engine, graph, (result) => resolveDone(result));
 * life.start();
 * ```
 * @internal
 */
export class RunLifecycle {
  readonly status: BehaviorSubject<WorkflowStatus>;
  readonly finalStats = new Map<string, ConnectionStats>();
  state: WorkflowStatus['state'] = 'running';
  finished = false;
  private readonly open = new Set<string>();
  /** Nodes not yet ended: the run can finish only at zero. */
  private live: number;
  private readonly pending: Array<{ n: RunNode; failure: { error: unknown } | null }> = [];
  private walking = false;
  private holds = 0;
  private dirty = false;
  /** endSources() was called: the run drains, then finishes 'stopped' (its status stays running meanwhile). */
  private ending = false;

  constructor(
    private readonly engine: StreamEngine,
    private readonly graph: RunGraph,
    private readonly onFinish: (result: WorkflowResult) => void,
  ) {
    this.status = new BehaviorSubject<WorkflowStatus>({ state: 'running', nodes: {} });
    this.live = graph.nodes.size;
    for (const id of graph.targetOf.keys()) this.open.add(id);
  }

  /** Starts every node, then the behaviours (sources begin); nodes nothing can reach end at once. */
  start(): void {
    this.batch(() => {
      for (const n of this.graph.nodes.values()) n.handle?.start();
      for (const n of this.graph.nodes.values()) {
        try {
          void Promise.resolve(n.behavior.start?.()).catch((error: unknown) => this.fail(n, error));
        } catch (error) {
          this.fail(n, error);
        }
      }
      for (const n of this.graph.nodes.values()) if (!n.source && n.incoming.size === 0) this.end(n);
      this.publish();
    });
    this.maybeFinish(); // an empty workflow is done at once
  }

  pause(): void {
    if (this.state !== 'running') return;
    for (const n of this.graph.nodes.values()) {
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
    for (const n of this.graph.nodes.values()) {
      if (n.ended) continue;
      n.handle?.resume();
      this.hook(n, 'resume');
    }
    this.publish();
  }

  /** See WorkflowRun.stop. */
  async stop(timeout = 5000): Promise<void> {
    if (this.state === 'paused') this.resume();
    this.state = 'stopped';
    for (const n of this.graph.nodes.values()) this.hook(n, 'stop');
    const clock = this.engine.clock;
    let timer: unknown;
    const expired = new Promise<void>((r) => (timer = clock.setTimeout(r, timeout)));
    // Closing one edge can end a node and close its outputs in turn: close what is still open.
    const closing = this.batch(() => [...this.open].map((id) => (this.engine.hasConnection(id) ? this.engine.removeConnection(id) : undefined)));
    await Promise.race([Promise.all(closing), expired]);
    clock.clearTimeout(timer);
    this.batch(() => {
      for (const id of [...this.open]) if (this.engine.hasConnection(id)) this.engine.getConnection(id).dispose();
    });
    this.settleStopped();
  }

  /**
   * See WorkflowRun.endSources: the sources named stop producing and end as if they had
   * completed, so end-of-stream walks downstream and what is buffered drains; the run is 'stopped'
   * once everything ended. The status stays 'running' until then: other processes of a run read
   * a terminal state as "this part is over".
   */
  endSources(ids?: ReadonlySet<string>): void {
    if (this.finished || this.state === 'stopped') return;
    if (this.state === 'paused') this.resume();
    this.ending = true;
    for (const n of this.graph.nodes.values()) {
      if (!n.source || n.ended || (ids !== undefined && !ids.has(n.id))) continue;
      n.stateOverride = 'stopped';
      this.end(n);
    }
    this.maybeFinish();
  }

  // Whatever has not ended is stopped, and what outboxes kept is counted: then the run is done.
  private settleStopped(): void {
    for (const n of this.graph.nodes.values()) {
      if (!n.ended) {
        n.ended = true;
        n.stateOverride = 'stopped';
        this.live--;
      }
      n.outbox?.discard(); // refused messages that never got out: counted
    }
    this.finish('stopped');
  }

  /**
   * The engine under the run began to stop: nothing may produce any more, so the sources stop
   * now (their timers end) while the engine drains what is buffered.
   */
  engineStopping(): void {
    if (this.finished || this.state === 'stopped') return;
    this.state = 'stopped';
    for (const n of this.graph.nodes.values()) this.hook(n, 'stop');
    this.publish();
  }

  /** The engine stopped (or was disposed): its nodes and connections are gone, so is the run. */
  engineStopped(): void {
    if (this.finished) return;
    this.engineStopping();
    this.settleStopped();
  }

  /** End-of-stream for `n`: flush, close its outputs (they drain, then their targets end). */
  end(n: RunNode): void {
    this.walk(n, null);
  }

  /** `n` failed for good: its outputs close. */
  fail(n: RunNode, error: unknown): void {
    this.walk(n, { error });
  }

  onEngineEvent(e: EngineEvent): void {
    if (!('connectionId' in e) || !this.open.has(e.connectionId)) return;
    if (e.type === 'connection.removed') {
      this.open.delete(e.connectionId);
      const n = this.graph.targetOf.get(e.connectionId);
      if (n && n.incoming.delete(e.connectionId) && n.incoming.size === 0 && !n.source) this.end(n);
      this.maybeFinish();
    } else if (e.type === 'delivery.failed') {
      const n = this.graph.targetOf.get(e.connectionId);
      if (n) {
        n.errors++;
        n.lastError = errorMessage(e.error);
        this.publish();
      }
    } else if (e.type === 'connection.state' && (e.to === 'closed' || e.to === 'failed')) {
      this.finalStats.set(e.connectionId, this.engine.getConnection(e.connectionId).stats());
    }
  }

  /** Emits the current status, or once at the end of the step under way. */
  publish(): void {
    if (this.holds > 0) this.dirty = true;
    else this.emit();
  }

  // Called inside a walk, this only queues: the outermost call runs the queue to the end.
  private walk(n: RunNode, failure: { error: unknown } | null): void {
    this.pending.push({ n, failure });
    if (this.walking) return;
    this.walking = true;
    try {
      this.batch(() => {
        for (let i = 0; i < this.pending.length; i++) {
          const { n, failure } = this.pending[i]!;
          if (n.ended) continue;
          n.ended = true;
          this.live--;
          if (failure) {
            n.lastError = errorMessage(failure.error);
            this.hook(n, 'stop');
            n.handle?.fail(failure.error);
          } else {
            if (this.state === 'stopped') n.stateOverride = 'stopped';
            this.hook(n, 'complete');
            this.hook(n, 'stop');
            n.handle?.complete();
          }
          for (const id of n.outgoing) if (this.engine.hasConnection(id)) void this.engine.removeConnection(id);
        }
        this.publish();
      });
    } finally {
      this.pending.length = 0;
      this.walking = false;
    }
    this.maybeFinish();
  }

  private hook(n: RunNode, name: Hook): void {
    try {
      n.behavior[name]?.();
    } catch (error) {
      n.lastError = `${name}(): ${errorMessage(error)}`;
    }
  }

  private maybeFinish(): void {
    if (this.finished || this.open.size > 0 || this.live > 0) return;
    let failed = false;
    for (const n of this.graph.nodes.values()) if (n.handle?.state === 'failed') failed = true;
    this.finish(this.state === 'stopped' || this.ending ? 'stopped' : failed ? 'failed' : 'completed');
  }

  private finish(status: WorkflowResult['status']): void {
    if (this.finished) return;
    this.finished = true;
    this.state = status;
    const result: WorkflowResult = { status, nodes: nodeStatuses(this.graph.nodes.values()), metrics: runMetrics(this.engine, this.graph.edges, this.finalStats, this.graph.nodes.values()) };
    this.emit();
    // Node actors are final now: release them. Widgets stay, for the UI, until release().
    for (const n of this.graph.nodes.values()) if (n.handle && this.engine.hasNodeOrWidget(n.id)) this.engine.removeNode(n.id);
    this.status.complete();
    this.onFinish(result);
  }

  private batch<T>(f: () => T): T {
    this.holds++;
    try {
      return f();
    } finally {
      if (--this.holds === 0 && this.dirty) {
        this.dirty = false;
        this.emit();
      }
    }
  }

  private emit(): void {
    if (this.status.closed) return;
    this.status.next({ state: this.state, nodes: nodeStatuses(this.graph.nodes.values()) });
  }
}
