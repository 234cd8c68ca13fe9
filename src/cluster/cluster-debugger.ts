import type { Observable, Subscription } from 'rxjs';
import { DEFAULT_ALERT_THRESHOLDS } from '../actors/debug/alert-rules.js';
import type { Alert } from '../actors/debug/alerts.js';
import { buildDebugData, type DebugData } from '../actors/debug/debug-data.js';
import { BoundedHistory } from '../actors/buffers/bounded-history.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { ConfigError, readOptions } from '../errors.js';
import type { ClusterMetrics } from './merge.js';
import { SAMPLE_MS, type Sample } from './protocol.js';
import type { ClusterDebugEvent, ProcessEvents } from './run-events.js';

const MAX_HISTORY = 10_000_000;

/**
 * Options of a run's debugger (`ClusterRunOptions.debug`).
 *
 * @example
 * ```ts
 * const o: ClusterDebuggerOptions = { historySize: 50_000 };
 * ```
 */
export interface ClusterDebuggerOptions {
  /** Events kept for export, every process together; older ones are discarded and counted (default 10 000). */
  readonly historySize?: number;
}

/** What a ClusterDebugger reads from its run. @internal */
export interface DebuggedRun {
  readonly id: string;
  readonly engine: StreamEngine;
  readonly events$: Observable<ClusterDebugEvent>;
  readonly processes: ReadonlyMap<string, ProcessEvents>;
  samples(): ReadonlyMap<string, Sample>;
  metrics(): ClusterMetrics;
}

/**
 * The debugger of a run across processes (`run.debugger`): records `run.events$` (every
 * process's debug events, tagged with `process` and `incarnation`) in one bounded history, and
 * exports ONE debug-data document (`format: 'nodeflow-debug'`, version 1, which
 * `StreamDebugger.importDebugData` reads): the coordinator's engine, topology and metrics, every
 * process's events in arrival order (renumbered `seq`), every process's alerts, and a `cluster`
 * part with each process's last status sample, its forwarded and dropped event counts, and the
 * run's merged metrics.
 *
 * @example
 * ```ts
 * const run = await executeOnCluster(wf, def, { cluster, debug: true });
 * await run.done;
 * writeFileSync('run-debug.json', JSON.stringify(run.debugger.exportDebugData()));
 * ```
 */
export class ClusterDebugger {
  private readonly history: BoundedHistory<ClusterDebugEvent>;
  private readonly alertLog = new BoundedHistory<Alert & { process: string }>(1000);
  /** Alerts firing now, by process and alert id (bounded by rules × connections × processes). */
  private readonly firing = new Map<string, Alert & { process: string }>();
  private sub: Subscription | undefined;
  private seq = 0;
  private startedAt: number | null = null;
  private stoppedAt: number | null = null;

  /** @internal */
  constructor(
    private readonly run: DebuggedRun,
    options: ClusterDebuggerOptions = {},
  ) {
    const historySize = readOptions(options, ['historySize']).historySize ?? 10_000;
    if (!Number.isInteger(historySize) || historySize < 0 || historySize > MAX_HISTORY) throw new ConfigError('historySize', `an integer in [0, ${MAX_HISTORY}]`, historySize);
    this.history = new BoundedHistory(historySize);
  }

  /** True between startRecording() and stopRecording() (or the end of the run). */
  get recording(): boolean {
    return this.sub !== undefined && !this.sub.closed;
  }

  /** Starts recording (idempotent): the run's processes forward their events while it does. */
  startRecording(): void {
    if (this.recording) return;
    this.startedAt = Date.now();
    this.stoppedAt = null;
    this.sub = this.run.events$.subscribe({ next: (e) => this.record(e), complete: () => (this.stoppedAt = Date.now()) });
  }

  /** Stops recording; the history stays for export. */
  stopRecording(): void {
    if (!this.recording) return;
    this.sub!.unsubscribe();
    this.stoppedAt = Date.now();
  }

  /** The recorded events of every process, in arrival order (at most `historySize`). */
  getHistory(): ClusterDebugEvent[] {
    return this.history.toArray();
  }

  /** Events the bounded history had to discard so far. */
  get discarded(): number {
    return this.history.discarded;
  }

  /** One versioned, JSON-safe document for the whole run (see the class). */
  exportDebugData(): DebugData {
    const samples = this.run.samples();
    const processes: Record<string, ProcessEvents & { sample: Record<string, unknown> | null }> = {};
    for (const [name, s] of samples) processes[name] = { incarnation: s.incarnation, eventsForwarded: 0, eventsDropped: 0, eventsRecorded: 0, sample: { ...s } };
    for (const [name, p] of this.run.processes) processes[name] = { ...p, sample: processes[name]?.sample ?? null };
    return buildDebugData(this.run.engine, {
      recording: { active: this.recording, startedAt: this.startedAt, stoppedAt: this.stoppedAt, options: { historySize: this.history.capacity, sampleIntervalMs: SAMPLE_MS, inspection: 'edges' } },
      events: this.history.toArray(),
      discarded: this.history.discarded,
      totalEvents: this.seq,
      alerts: { active: [...this.firing.values()], recent: this.alertLog.toArray(), discarded: this.alertLog.discarded, thresholds: DEFAULT_ALERT_THRESHOLDS },
      cluster: { run: this.run.id, processes, metrics: { ...this.run.metrics() } },
    });
  }

  private record(e: ClusterDebugEvent): void {
    this.history.push({ ...e, seq: ++this.seq });
    if (e.type !== 'alert') return;
    const a = { ...e.data, process: e.process };
    this.alertLog.push(a);
    const key = `${e.process}\u0000${a.id}`;
    if (a.status === 'firing') this.firing.set(key, a);
    else this.firing.delete(key);
  }
}
