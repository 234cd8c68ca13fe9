import type { StreamConfig } from '../../config.js';
import { NodeflowError, describe, errorMessage } from '../../errors.js';
import type { ConnectionInfo, EngineMetrics, StreamEngine } from '../engine/stream-engine.js';
import type { AlertThresholds } from './alert-rules.js';
import type { Alert } from './alerts.js';
import type { DebugEvent } from './debug-event.js';
import { recordingRefsProblem, type RecordingRef } from './recording-ref.js';

/**
 * The name every debug export carries in `format`.
 *
 * @example
 * ```ts
 * if (data.format !== DEBUG_DATA_FORMAT) throw new Error('not a nodeflow debug export');
 * ```
 */
export const DEBUG_DATA_FORMAT = 'nodeflow-debug';

/**
 * The version of the export format; it changes with any incompatible change, and
 * `importDebugData` refuses other versions.
 *
 * @example
 * ```ts
 * console.log(dbg.exportDebugData().version === DEBUG_DATA_VERSION); // true
 * ```
 */
export const DEBUG_DATA_VERSION = 1;

/**
 * What `exportDebugData()` returns: plain JSON (no functions, no cycles), versioned, so a file
 * written today can be read back by `StreamDebugger.importDebugData` or any tool.
 *
 * @example
 * ```ts
 * writeFileSync('debug.json', JSON.stringify(dbg.exportDebugData(), null, 2));
 * const back = StreamDebugger.importDebugData(readFileSync('debug.json', 'utf8'));
 * console.log(back.version, back.history.events.length);
 * ```
 */
export interface DebugData {
  readonly format: typeof DEBUG_DATA_FORMAT;
  readonly version: typeof DEBUG_DATA_VERSION;
  /** Engine clock time of the export, and the same as an ISO date when the clock is the wall clock. */
  readonly exportedAt: number;
  readonly exportedAtIso: string;
  readonly recording: {
    readonly active: boolean;
    readonly startedAt: number | null;
    readonly stoppedAt: number | null;
    readonly options: { readonly historySize: number; readonly sampleIntervalMs: number; readonly inspection: string };
  };
  readonly engine: { readonly state: string; readonly config: Readonly<StreamConfig> };
  readonly topology: {
    readonly nodes: readonly { readonly id: string; readonly kind: 'node' | 'widget'; readonly state: string }[];
    readonly connections: readonly (ConnectionInfo & { readonly config: Readonly<StreamConfig> })[];
  };
  readonly metrics: EngineMetrics;
  readonly history: { readonly events: readonly DebugEvent[]; readonly discarded: number; readonly totalEvents: number; readonly capacity: number };
  readonly alerts: { readonly active: readonly Alert[]; readonly recent: readonly Alert[]; readonly discarded: number; readonly thresholds: AlertThresholds };
  /**
   * Only in the export of a run across processes (`ClusterRun.debugger`): the run, each process's
   * last status sample and the events it could not forward, and the merged metrics. `engine`,
   * `topology` and `metrics` above are then the coordinator's; every event names its `process`.
   */
  readonly cluster?: DebugCluster;
  /**
   * Recordings the export refers to (`exportDebugData({ recordings: [recording.ref()] })`): with
   * them, `replayDebugData` replays what the dashboards showed around an alert.
   */
  readonly recordings?: readonly RecordingRef[];
}

/**
 * The cluster part of a debug export (see `DebugData.cluster`), keyed by process: `'local'` for
 * the coordinator, else the worker's name.
 *
 * @example
 * ```ts
 * const w1 = data.cluster?.processes.w1;
 * console.log(w1?.incarnation, w1?.eventsDropped);
 * ```
 */
export interface DebugCluster {
  readonly run: string;
  readonly processes: Readonly<Record<string, { readonly incarnation: string; readonly eventsForwarded: number; readonly eventsDropped: number; readonly eventsRecorded: number; readonly sample: Readonly<Record<string, unknown>> | null }>>;
  /** The run's merged metrics (`ClusterRun.metrics()`) at the export. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

type Parts = Pick<DebugData, 'recording' | 'alerts' | 'cluster' | 'recordings'> & { events: DebugEvent[]; discarded: number; totalEvents: number };

/** Builds the export, passed once through JSON so what you hold is what a file would hold. @internal */
export function buildDebugData(engine: StreamEngine, p: Parts): DebugData {
  const at = engine.clock.now();
  const data: DebugData = {
    format: DEBUG_DATA_FORMAT,
    version: DEBUG_DATA_VERSION,
    exportedAt: at,
    exportedAtIso: at > 1e12 ? new Date(at).toISOString() : new Date().toISOString(),
    recording: p.recording,
    engine: { state: engine.state, config: engine.config },
    topology: {
      nodes: engine.listNodes(),
      connections: engine.listConnections().map((c) => ({ ...c, config: engine.getConnection(c.id).config })),
    },
    metrics: engine.getMetrics(),
    history: { events: p.events, discarded: p.discarded, totalEvents: p.totalEvents, capacity: p.recording.options.historySize },
    alerts: p.alerts,
    ...(p.cluster ? { cluster: p.cluster } : {}),
    ...(p.recordings ? { recordings: p.recordings } : {}),
  };
  return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : typeof v === 'function' ? undefined : v))) as DebugData;
}

const bad = (why: string): never => {
  throw new NodeflowError('INVALID_DEBUG_DATA', `importDebugData: ${why}`, {});
};

/** Parses and checks an export (object or JSON text). @internal */
export function parseDebugData(input: unknown): DebugData {
  let v: unknown;
  // An object goes through JSON too: the export is JSON, and the round trip is a plain copy
  // read once (a getter, a proxy, a cycle or a BigInt is refused here, not met later).
  try {
    v = JSON.parse(typeof input === 'string' ? input : (JSON.stringify(input) ?? 'null'));
  } catch (e) {
    bad(`not JSON (${errorMessage(e)})`);
  }
  if (v === null || typeof v !== 'object') return bad('expected an object');
  const d = v as Partial<DebugData>;
  if (d.format !== DEBUG_DATA_FORMAT) bad(`format is ${describe(d.format)}, expected "${DEBUG_DATA_FORMAT}"`);
  if (d.version !== DEBUG_DATA_VERSION) bad(`version ${describe(d.version)} is not supported (this build reads ${DEBUG_DATA_VERSION})`);
  for (const k of ['recording', 'engine', 'topology', 'metrics', 'history', 'alerts'] as const) if (d[k] === null || typeof d[k] !== 'object') bad(`missing ${k}`);
  if (!Array.isArray(d.history!.events)) bad('history.events must be an array');
  if (!Array.isArray(d.topology!.connections) || !Array.isArray(d.topology!.nodes)) bad('topology must list nodes and connections');
  for (const e of d.history!.events) if (typeof e?.type !== 'string' || typeof e.seq !== 'number') bad('every history event needs a type and a seq');
  if (d.recordings !== undefined) {
    const why = recordingRefsProblem(d.recordings);
    if (why) bad(why);
  }
  if (d.cluster !== undefined && (d.cluster === null || typeof d.cluster.processes !== 'object' || d.cluster.processes === null)) bad('cluster must list its processes');
  return d as DebugData;
}
