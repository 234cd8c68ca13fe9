import { Observable, Subject, type Subscription } from 'rxjs';
import { ConfigError, NodeflowError, readOptions } from '../../errors.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import { DEFAULT_ALERT_THRESHOLDS, defaultAlertRules, type AlertRule, type AlertThresholds } from './alert-rules.js';
import { AlertEvaluator, type Alert } from './alerts.js';
import { BoundedHistory } from '../buffers/bounded-history.js';
import { buildDebugData, parseDebugData, type DebugData } from './debug-data.js';
import type { DebugEvent, DebugEventData, DebugEventType } from './debug-event.js';
import { DebugSources, type DebugInspection } from './debug-sources.js';
import { recordingRefsProblem, type RecordingRef } from './recording-ref.js';
import { DELAY_ALLOWED, isDelay } from '../../clock.js';
import { hasMethods } from '../../shape.js';

/** Ten million events: far past any useful history, well inside what an array can hold. */
const MAX_HISTORY = 10_000_000;

/**
 * Options of `new StreamDebugger(engine, options)`.
 *
 * @example
 * ```ts
 * const dbg = new StreamDebugger(engine, { historySize: 1000, sampleIntervalMs: 100, alerts: { latencyP99Ms: 50 } });
 * ```
 */
export interface StreamDebuggerOptions {
  /** Events kept for export; older ones are discarded and counted (default 10 000). */
  historySize?: number;
  /** Period of the counter sampling (batch flushed, drops) and of alert evaluation (default 250 ms). */
  sampleIntervalMs?: number;
  /** XState inspection for state transitions: 'edges' (default), 'all' or 'off' (see DebugInspection). */
  inspection?: DebugInspection;
  /** Thresholds of the built-in alert rules. */
  alerts?: Partial<AlertThresholds>;
  /** Install the built-in alert rules (default true). */
  defaultRules?: boolean;
  /** Extra alert rules. */
  rules?: readonly AlertRule[];
}

/**
 * Watches a StreamEngine: typed debug events (`debug$`), a bounded history, alerts with
 * hysteresis (`alerts$`) and a versioned JSON export. Built on XState inspection (actor state
 * transitions) plus the engine's own events (topology, retries, errors, dead letters, circuit,
 * handler adjustments); what would be per message (batches flushed, drops) is sampled from
 * counters every `sampleIntervalMs`. Nothing is attached until you record or watch alerts$.
 *
 * @example
 * ```ts
 * const dbg = new StreamDebugger(streamEngine);
 * dbg.startRecording();
 * dbg.debug$.subscribe((event) => console.log(`[${event.type}] ${event.connectionId}:`, event.data));
 * dbg.alerts$.subscribe((alert) => { if (alert.severity === 'critical') console.error(alert.message); });
 * const debugData = dbg.exportDebugData();
 * ```
 */
export class StreamDebugger {
  /** Every debug event while recording. */
  readonly debug$: Observable<DebugEvent>;
  /** Alerts firing and resolving, while recording or while subscribed. */
  readonly alerts$: Observable<Alert>;
  readonly options: Readonly<Required<Omit<StreamDebuggerOptions, 'alerts' | 'rules'>> & { alerts: AlertThresholds }>;
  private readonly history: BoundedHistory<DebugEvent>;
  private readonly alertLog = new BoundedHistory<Alert>(1000);
  private readonly debugSubject = new Subject<DebugEvent>();
  private readonly alertSubject = new Subject<Alert>();
  private readonly evaluator: AlertEvaluator;
  private readonly sources: DebugSources;
  private seq = 0;
  private alertWatchers = 0;
  private monitor: Subscription | undefined;
  private startedAt: number | null = null;
  private readonly engineSub: { unsubscribe(): void };
  private stoppedAt: number | null = null;
  private disposed = false;

  constructor(
    readonly engine: StreamEngine,
    options: StreamDebuggerOptions = {},
  ) {
    if (!hasMethods(engine, ['getMetrics', 'inspect'])) throw new ConfigError('engine', 'a StreamEngine', engine);
    // One read of the caller's options into a copy; every check below reads the copy.
    const o = readOptions(options, ['historySize', 'sampleIntervalMs', 'inspection', 'alerts', 'defaultRules', 'rules']);
    if (o.defaultRules !== undefined && typeof o.defaultRules !== 'boolean') throw new ConfigError('defaultRules', 'a boolean', o.defaultRules);
    const rules = readRules(o.rules);
    const historySize = o.historySize ?? 10_000;
    // Bounded: the history is a ring allocated up front, and 2^32 would not even be a valid length.
    if (!Number.isInteger(historySize) || historySize < 0 || historySize > MAX_HISTORY) throw new ConfigError('historySize', `an integer in [0, ${MAX_HISTORY}]`, historySize);
    const sampleIntervalMs = o.sampleIntervalMs ?? 250;
    if (!isDelay(sampleIntervalMs) || sampleIntervalMs <= 0) throw new ConfigError('sampleIntervalMs', DELAY_ALLOWED.replace('[0,', '(0,'), sampleIntervalMs);
    const alerts = { ...DEFAULT_ALERT_THRESHOLDS, ...readOptions(o.alerts, Object.keys(DEFAULT_ALERT_THRESHOLDS), 'alerts.') };
    for (const [k, v] of Object.entries(alerts)) if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(`alerts.${k}`, 'a finite number >= 0', v);
    const inspection = o.inspection ?? 'edges';
    if (!['edges', 'all', 'off'].includes(inspection)) throw new ConfigError('inspection', "'edges', 'all' or 'off'", inspection);
    this.options = Object.freeze({ historySize, sampleIntervalMs, inspection, defaultRules: o.defaultRules ?? true, alerts });
    this.history = new BoundedHistory(historySize);
    this.evaluator = new AlertEvaluator([...(this.options.defaultRules ? defaultAlertRules(alerts) : []), ...rules]);
    this.sources = new DebugSources(engine, this.options.inspection, (type, connectionId, data) => this.record(type, connectionId, data));
    this.debug$ = this.debugSubject.asObservable();
    // The engine's own actor hears only start/stop and topology edges: on a restart the
    // sampling (which completes when the engine stops) starts again.
    this.engineSub = engine.actor.subscribe(() => this.updateMonitor());
    this.alerts$ = new Observable<Alert>((sub) => {
      this.alertWatchers++;
      this.updateMonitor();
      const inner = this.alertSubject.subscribe(sub);
      return () => {
        inner.unsubscribe();
        this.alertWatchers--;
        this.updateMonitor();
      };
    });
  }

  /** True between startRecording() and stopRecording(). */
  get recording(): boolean {
    return this.sources.active;
  }

  /** Starts recording (idempotent): attaches to the engine's events and its actors' inspection. A disposed debugger records nothing. */
  startRecording(): void {
    if (this.sources.active || this.disposed) return;
    this.startedAt = this.engine.clock.now();
    this.stoppedAt = null;
    this.sources.start();
    this.updateMonitor();
  }

  /** Stops recording and detaches everything; the history stays for export. */
  stopRecording(): void {
    if (!this.sources.active) return;
    this.sources.stop();
    this.stoppedAt = this.engine.clock.now();
    this.updateMonitor();
  }

  /** Adds an alert rule (see `AlertRule`); throws on a malformed rule or a duplicate id. */
  addRule(rule: AlertRule): void {
    this.evaluator.add(rule);
  }

  /** The recorded events, oldest first (at most `historySize`). */
  getHistory(): DebugEvent[] {
    return this.history.toArray();
  }

  /** Events the bounded history had to discard so far. */
  get discarded(): number {
    return this.history.discarded;
  }

  /** Alerts firing now. */
  activeAlerts(): Alert[] {
    return [...this.evaluator.active.values()];
  }

  /** Forgets the history and the alert log (not the active alerts). */
  clear(): void {
    this.history.clear();
    this.alertLog.clear();
  }

  /**
   * Versioned, JSON-safe snapshot: config, topology, metrics, history, alerts, and references to
   * `options.recordings` (`Recording.ref()`, `@nodeflow/runtime/record`), so the data the
   * dashboards showed can be replayed with the export (`replayDebugData`). A malformed reference
   * is `INVALID_ARGUMENT`.
   */
  exportDebugData(options: { readonly recordings?: readonly RecordingRef[] } = {}): DebugData {
    const o = readOptions(options, ['recordings']);
    const why = o.recordings === undefined ? undefined : recordingRefsProblem(o.recordings);
    if (why) throw new NodeflowError('INVALID_ARGUMENT', `exportDebugData: ${why}`, {});
    return buildDebugData(this.engine, {
      ...(o.recordings ? { recordings: o.recordings } : {}),
      recording: { active: this.recording, startedAt: this.startedAt, stoppedAt: this.stoppedAt, options: { historySize: this.options.historySize, sampleIntervalMs: this.options.sampleIntervalMs, inspection: this.options.inspection } },
      events: this.history.toArray(),
      discarded: this.history.discarded,
      totalEvents: this.seq,
      alerts: { active: this.activeAlerts(), recent: this.alertLog.toArray(), discarded: this.alertLog.discarded, thresholds: this.options.alerts },
    });
  }

  /**
   * Reads back what `exportDebugData()` produced (an object or its JSON text); throws
   * `INVALID_DEBUG_DATA` on another format or version.
   */
  static importDebugData(input: unknown): DebugData {
    return parseDebugData(input);
  }

  /** Stops recording and completes debug$ and alerts$; afterwards nothing it started runs, and nothing starts again. */
  dispose(): void {
    this.disposed = true;
    this.stopRecording();
    this.engineSub.unsubscribe();
    this.monitor?.unsubscribe();
    this.monitor = undefined;
    this.debugSubject.complete();
    this.alertSubject.complete();
  }

  private record<K extends DebugEventType>(type: K, connectionId: string | null, data: DebugEventData[K]): void {
    const e = { seq: ++this.seq, at: this.engine.clock.now(), type, connectionId, data } as DebugEvent;
    this.history.push(e);
    this.debugSubject.next(e);
  }

  private publish(a: Alert): void {
    this.alertLog.push(a);
    if (this.sources.active) this.record('alert', a.connectionId, a);
    this.alertSubject.next(a);
  }

  // Counter sampling and alerts run while recording or while somebody watches alerts$.
  private updateMonitor(): void {
    const want = !this.disposed && (this.sources.active || this.alertWatchers > 0) && this.engine.state === 'running';
    if (want && !this.monitor) {
      this.monitor = this.engine.metrics$(this.options.sampleIntervalMs).subscribe({
        next: (m) => {
          if (this.sources.active) this.sources.sample(m);
          for (const a of this.evaluator.evaluate(m)) this.publish(a);
        },
        // The engine stopped: its alerts resolve, and nothing is sampled until it starts again.
        complete: () => {
          this.monitor = undefined;
          this.engineStopped();
        },
      });
    } else if (!want && this.monitor) {
      this.monitor.unsubscribe();
      this.monitor = undefined;
      if (this.engine.state !== 'running') this.engineStopped();
    }
  }

  // Nothing is measured any more: what was firing resolves.
  private engineStopped(): void {
    for (const a of this.evaluator.resolveAll(this.engine.clock.now(), 'engine stopped')) this.publish(a);
  }
}

// The caller's rules array, copied once (a revoked proxy or a throwing index getter becomes a
// ConfigError here, not a TypeError from inside the evaluator).
function readRules(rules: unknown): AlertRule[] {
  if (rules === undefined) return [];
  try {
    if (Array.isArray(rules)) return Array.from(rules as AlertRule[]);
  } catch {
    // unreadable: refused below
  }
  throw new ConfigError('rules', 'an array of AlertRule', rules);
}
