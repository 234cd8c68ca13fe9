import { BehaviorSubject, ReplaySubject, type Observable } from 'rxjs';
import type { WorkflowRun } from '../actors/workflow/run.js';
import type { WorkflowNodeStatus, WorkflowStatus } from '../actors/workflow/status.js';
import type { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import type { ClusterLink } from './cluster.js';
import { ClusterDebugger, type ClusterDebuggerOptions } from './cluster-debugger.js';
import { RunEvents, type ClusterDebugEvent } from './run-events.js';
import { RunWorkers, type ClusterEvent } from './run-workers.js';
import { mergeSamples, runState, type ClusterMetrics } from './merge.js';
import { SAMPLE_MS, decode, encode, subjects, type Sample } from './protocol.js';
import { LOCAL } from './merge.js';
import { takeSample, partEnds } from './sample.js';
import type { WorkflowSplit } from './split.js';
import { standIns } from './stand-ins.js';
import { stopPart } from './stop-part.js';

export type { ClusterEvent } from './run-workers.js';

/**
 * Options of a cluster run (with {@link executeOnCluster}'s).
 *
 * @example
 * ```ts
 * const o: ClusterRunOptions = { lostAfterMs: 2000 };
 * ```
 */
export interface ClusterRunOptions {
  /** A worker silent this long (no sample) is reported lost, and its part is offered again (default 2000 ms). */
  readonly lostAfterMs?: number;
  /** The run's name (a NATS token; default: the workflow id plus a random suffix). */
  readonly runId?: string;
  /** `run.debugger` records from the run's first event, every process's (`true`, or its options). */
  readonly debug?: boolean | ClusterDebuggerOptions;
}

/**
 * What `ClusterRun.done` resolves to.
 *
 * @example
 * ```ts
 * const { status, metrics } = await run.done;
 * ```
 */
export interface ClusterResult {
  readonly status: 'completed' | 'failed' | 'stopped';
  readonly nodes: Readonly<Record<string, WorkflowNodeStatus>>;
  readonly metrics: ClusterMetrics;
}

const TERMINAL = new Set(['completed', 'failed', 'stopped']);

/**
 * One workflow run across processes: `status()`/`status$` and `metrics()` merge every
 * process's last sample (workers publish one every 250 ms); `getMetrics()` asks for fresh ones first.
 * `lifecycle$` reports workers lost, left and rejoined; `stop()` stops every part and removes the
 * run's streams; `done` settles when every part has ended.
 *
 * @example
 * ```ts
 * const run = await executeOnCluster(wf, def, { cluster });
 * run.status$.subscribe((s) => console.log(s.state));
 * const result = await run.done;
 * ```
 */
export class ClusterRun {
  readonly done: Promise<ClusterResult>;
  readonly status$: Observable<WorkflowStatus>;
  readonly lifecycle$: Observable<ClusterEvent>;
  /**
   * Every process's debug events (what a `StreamDebugger` records: state edges, retries,
   * errors, dead letters, circuit changes, alerts, sampled batch and drop counts; never one per
   * message), each tagged with its `process` (`'local'` or the worker's name) and `incarnation`.
   * Hot: processes record and forward only while someone subscribes (workers send one batch per
   * 250 ms tick); completes when the run finishes.
   */
  readonly events$: Observable<ClusterDebugEvent>;
  /** The whole run's debugger: records `events$`, exports one debug-data document (see {@link ClusterDebugger}). */
  readonly debugger: ClusterDebugger;
  private readonly ev: RunEvents;
  private readonly current = new BehaviorSubject<WorkflowStatus>({ state: 'running', nodes: {} });
  // A late subscriber still hears the last events (bounded: a flapping worker cannot grow it).
  private readonly events = new ReplaySubject<ClusterEvent>(64);
  private readonly samples = new Map<string, Sample>();
  private readonly server = new Map<string, Readonly<Record<string, number>>>();
  private readonly workers: RunWorkers;
  /** getMetrics() calls waiting for fresh samples: each checks again when a sample or a loss arrives. */
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private localRun: WorkflowRun | undefined;
  private localDone = false;
  private seq = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private finished = false;
  private resolve!: (r: ClusterResult) => void;

  /** @internal */
  constructor(
    private readonly wf: WorkflowEngine,
    private readonly link: ClusterLink,
    readonly id: string,
    private readonly split: WorkflowSplit,
    options: ClusterRunOptions,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    this.status$ = this.current.asObservable();
    this.lifecycle$ = this.events.asObservable();
    this.workers = new RunWorkers(link, id, split, options.lostAfterMs ?? 2000, (e) => this.emit(e), () => this.ev.listening);
    this.unsubscribe = link.subscribe(subjects.allStatus(id), (data) => this.heard(decode<Sample>(data)));
    this.ev = new RunEvents(link, id, wf.getStreamEngine(), split.parts[0]!.definition.nodes.map((n) => n.id));
    this.events$ = this.ev.events$;
    const dbg = { id, engine: wf.getStreamEngine(), events$: this.events$, processes: this.ev.processes, samples: () => this.samples, metrics: () => this.metrics() };
    this.debugger = new ClusterDebugger(dbg, typeof options.debug === 'object' ? options.debug : {});
    // Before any part starts: the workers are told to forward from their first event.
    if (options.debug) this.debugger.startRecording();
  }

  /** @internal True while the run's events are listened to (a worker's start request says so). */
  get listening(): boolean {
    return this.ev.listening;
  }

  /** @internal */
  async start(local: WorkflowRun, workers: ReadonlyMap<string, string>): Promise<void> {
    this.localRun = local;
    for (const [w, incarnation] of workers) this.workers.add(w, incarnation);
    void local.done.then(() => {
      this.localDone = true;
      this.tick();
    });
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
    this.tick();
  }

  /** This process's part, as a `WorkflowRun` (`collected(id)`, `widget(id)` of the nodes here). */
  get local(): WorkflowRun {
    return this.localRun!;
  }

  /** The whole run's status as last sampled (nodes of every process; stand-ins hidden). */
  status(): WorkflowStatus {
    return this.current.value;
  }

  /** The merged metrics of every process's last sample (this process's taken now). */
  metrics(): ClusterMetrics {
    this.sampleLocal();
    return mergeSamples(this.samples, this.split.cross, this.server);
  }

  /**
   * Asks every worker for a fresh sample and waits for them to arrive (at most `timeoutMs`; a
   * worker lost or finished is not waited for), then merges.
   */
  async getMetrics(timeoutMs = 1000): Promise<ClusterMetrics> {
    const before = new Map(this.workers.names().map((w) => [w, this.samples.get(w)]));
    const fresh = () => [...before].every(([w, last]) => this.samples.get(w) !== last || this.workers.idle(w));
    if (!this.finished && !fresh()) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (!this.finished && !fresh()) return;
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => ((this.waiters.delete(check), resolve())), timeoutMs);
        this.waiters.add(check);
        this.link.publish(subjects.poll(this.id), encode({}));
      });
    }
    return this.metrics();
  }

  /**
   * Stops the run: every process's sources end, and what is buffered anywhere, across processes
   * too, is delivered (up to `timeout` ms, default 5000; then the rest is counted
   * dropped(shutdown), as `WorkflowRun.stop()` does). Removes the run's streams.
   */
  async stop(options: { timeout?: number } = {}): Promise<ClusterResult> {
    if (this.finished) return this.done;
    const timeout = options.timeout ?? 5000;
    const stops = this.workers.running().map(([w, incarnation]) => this.link.request(subjects.stop(w), encode({ run: this.id, timeout, incarnation }), timeout + 2000).then((d) => this.heard(decode<Sample | null>(d)), () => undefined));
    await Promise.all([this.localRun && stopPart(this.localRun, this.split.parts[0]!.definition, timeout), ...stops]);
    // A worker that is gone cannot answer: its part counts as stopped.
    this.workers.finishAll();
    this.finish();
    return this.done;
  }

  private heard(s: Sample | null): void {
    if (s === null || s.run !== this.id || s.worker === LOCAL) return;
    const last = this.samples.get(s.worker);
    if (last && last.incarnation === s.incarnation && last.seq >= s.seq) return;
    if (this.workers.accept(s)) this.samples.set(s.worker, s);
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  private sampleLocal(): void {
    if (this.localRun && !this.finished) this.samples.set(LOCAL, takeSample(this.localRun, { run: this.id, worker: LOCAL, seq: ++this.seq, incarnation: this.ev.incarnation }, partEnds(this.split.parts[0]!.definition), standIns(this.wf)));
  }

  private tick(): void {
    if (this.finished || !this.localRun) return;
    this.sampleLocal();
    this.ev.tick();
    this.endStreams();
    this.watchWorkers();
    void this.pollServer();
    const states = [...this.samples.values()].map((s) => s.state);
    const m = mergeSamples(this.samples, this.split.cross, this.server);
    this.current.next({ state: runState(states), nodes: m.nodes });
    if (this.localDone && this.workers.allFinished()) this.finish();
  }

  // An outlet that completed has had every frame settled: end its inlet, wherever it runs.
  private endStreams(): void {
    const remote: string[] = [];
    for (const c of this.split.cross) {
      const out = this.samples.get(c.from ?? LOCAL)?.nodes[c.outlet]?.state;
      const inlet = this.samples.get(c.to ?? LOCAL)?.nodes[c.inlet]?.state;
      if (out !== 'completed' || inlet === undefined || TERMINAL.has(inlet)) continue;
      if (c.to === undefined) standIns(this.wf).end(this.id, c.key);
      else remote.push(c.key);
    }
    if (remote.length > 0) this.link.publish(subjects.end(this.id), encode(remote));
  }

  private watchWorkers(): void {
    if (this.workers.watch()) this.wake();
  }

  private async pollServer(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const c of this.split.cross) {
        const info = await this.link.edgeInfo(this.id, c.key);
        if (info) this.server.set(c.key, info);
      }
    } finally {
      this.polling = false;
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.sampleLocal();
    this.ev.end();
    this.finished = true;
    clearInterval(this.timer);
    this.unsubscribe();
    const metrics = mergeSamples(this.samples, this.split.cross, this.server);
    const state = runState([...this.samples.values()].map((s) => s.state));
    const status = state === 'running' || state === 'paused' ? 'stopped' : state;
    this.current.next({ state: status, nodes: metrics.nodes });
    this.current.complete();
    this.emit({ type: 'run.finished', run: this.id, state: status, at: Date.now() });
    this.events.complete();
    this.wake();
    standIns(this.wf).unbind(this.id);
    void this.link
      .removeRun(this.id)
      .catch(() => undefined)
      .then(() => this.link.close())
      .then(() => this.resolve({ status, nodes: metrics.nodes, metrics }));
  }

  private emit(e: ClusterEvent): void {
    if (!this.events.closed) this.events.next(e);
  }
}
