import { NodeflowError, readOptions } from '../errors.js';
import { parseDebugData, type DebugData } from '../actors/debug/debug-data.js';
import type { RecordingRef } from '../actors/debug/recording-ref.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openFileLog } from './file-log/file-log.js';
import { MANIFEST } from './file-log/manifest.js';
import type { RecordLog } from './record-log.js';
import { replay, type Replay } from './replay.js';
import { checkSpeed, type ReplaySpeed } from './replay-options.js';
import type { ReplayState } from './replay-state.js';
import { untilTime } from './window-log.js';

/**
 * Options of `replayDebugData`.
 *
 * @example
 * ```ts
 * const options: DebugReplayOptions = { around: 'lowThroughput@a:out->chart:in', beforeMs: 10_000, afterMs: 5_000, speed: 10 };
 * ```
 */
export interface DebugReplayOptions {
  /**
   * The moment to replay around: an alert id of the export (its latest firing) or an
   * engine-clock time. Default: the latest alert that fired, else the export's time.
   */
  readonly around?: string | number;
  /** Shown before it (default 30 s) and after it (default 30 s). */
  readonly beforeMs?: number;
  readonly afterMs?: number;
  /** Default `'instant'`. */
  readonly speed?: ReplaySpeed;
  /**
   * Opens a referenced store. Default: a file log is opened at its folder (and closed when the
   * replay ends); other stores need this. A log it returns stays the caller's (it is not closed).
   */
  readonly open?: (ref: RecordingRef) => RecordLog | Promise<RecordLog>;
  /** The widget (or node) each recording is shown in, by source. Default: the recorded widget, or the recorded connection's target; a missing widget is created. */
  readonly views?: Readonly<Record<string, string>>;
}

/**
 * The replays `replayDebugData` started, one per recording, over one time window.
 *
 * @example
 * ```ts
 * const r = await replayDebugData(engine, data, { around: alertId });
 * console.log(r.window, r.replays.map((x) => x.view));
 * await r.done;
 * ```
 */
export interface DebugReplay {
  readonly window: { readonly around: number; readonly from: number; readonly to: number };
  readonly replays: ReadonlyArray<{ readonly source: string; readonly view: string; readonly replay: Replay }>;
  /** Resolves when every replay ended (the logs it opened are closed by then). */
  readonly done: Promise<ReplayState[]>;
  stop(): Promise<ReplayState[]>;
}

/**
 * Replays what the dashboards showed around an alert: for each recording a debug export refers
 * to (`exportDebugData({ recordings })`), the batches from `beforeMs` before the moment to
 * `afterMs` after it, into the widget that showed them. The export may be the object or its JSON
 * text (`INVALID_DEBUG_DATA` otherwise); an export without recordings, an alert id it does not
 * hold, or a store it cannot open is `INVALID_ARGUMENT`; a window outside what a store holds is
 * `OUT_OF_RANGE`.
 *
 * @example
 * ```ts
 * const data = JSON.parse(readFileSync('incident.json', 'utf8'));
 * const engine = new StreamEngine();
 * const r = await replayDebugData(engine, data, { around: data.alerts.recent[0].id, speed: 1 });
 * // useStreamData('chart') now shows the 60 s around the alert, at the recorded pace
 * await r.done;
 * ```
 */
export async function replayDebugData(engine: StreamEngine, data: unknown, options: DebugReplayOptions = {}): Promise<DebugReplay> {
  const o = readOptions(options, ['around', 'beforeMs', 'afterMs', 'speed', 'open', 'views']);
  const d = parseDebugData(data);
  const refs = d.recordings ?? [];
  if (refs.length === 0) throw invalid('the export refers to no recordings (exportDebugData({ recordings: [recording.ref()] }))');
  const around = moment(d, o.around);
  const before = span(o.beforeMs, 'beforeMs');
  const after = span(o.afterMs, 'afterMs');
  const speed = checkSpeed(o.speed ?? 'instant');
  if (o.open !== undefined && typeof o.open !== 'function') throw invalid('open must be a function (ref) => RecordLog');
  const window = { around, from: around - before, to: around + after };
  const opened: RecordLog[] = [];
  const replays: Array<{ source: string; view: string; replay: Replay }> = [];
  try {
    for (const ref of refs) {
      const log = o.open ? await o.open(ref) : await openDefault(ref, opened);
      const b = log.bounds();
      if (!b || b.last.at < window.from || b.first.at > window.to) {
        throw new NodeflowError('OUT_OF_RANGE', `Recording ${ref.source} holds nothing between ${window.from} and ${window.to}`, { source: ref.source, window, held: b ?? null });
      }
      const view = o.views?.[ref.source] ?? defaultView(ref.source);
      if (!engine.findWidget(view) && !engine.findNode(view)) engine.createWidget(view);
      const from = { at: Math.max(window.from, b.first.at) };
      replays.push({ source: ref.source, view, replay: replay(engine, untilTime(log, window.to), view, { from, speed }) });
    }
  } catch (e) {
    await Promise.all(replays.map((r) => r.replay.stop()));
    await Promise.all(opened.map((l) => l.close()));
    throw e;
  }
  const done = Promise.all(replays.map((r) => r.replay.done)).then(async (states) => {
    await Promise.all(opened.map((l) => l.close()));
    return states;
  });
  return { window, replays, done, stop: async () => (await Promise.all(replays.map((r) => r.replay.stop())), done) };
}

function moment(d: DebugData, around: unknown): number {
  if (typeof around === 'number' && Number.isFinite(around)) return around;
  const alerts = [...d.alerts.recent, ...d.alerts.active].filter((a) => a.status === 'firing');
  if (typeof around === 'string') {
    const hit = alerts.filter((a) => a.id === around).at(-1);
    if (!hit) throw invalid(`the export holds no firing alert ${JSON.stringify(around)} (it holds: ${[...new Set(alerts.map((a) => a.id))].slice(0, 5).join(', ') || 'none'})`);
    return hit.firedAt;
  }
  if (around !== undefined) throw invalid('around must be an alert id or an engine-clock time');
  return alerts.length > 0 ? Math.max(...alerts.map((a) => a.firedAt)) : d.exportedAt;
}

function span(v: unknown, name: string): number {
  if (v === undefined) return 30_000;
  if (typeof v === 'number' && v >= 0 && Number.isFinite(v)) return v;
  throw invalid(`${name} must be a finite number of ms >= 0`);
}

async function openDefault(ref: RecordingRef, opened: RecordLog[]): Promise<RecordLog> {
  if (ref.store.kind !== 'file') throw invalid(`recording ${ref.source} is kept in a ${ref.store.kind} store: pass options.open to reach it`);
  // A reader must not make a log where there is none (openFileLog would, for a writer).
  if (!existsSync(path.join(ref.store.dir, MANIFEST))) throw invalid(`recording ${ref.source}: ${ref.store.dir} holds no file log (missing or moved?)`);
  const log = await openFileLog(ref.store.dir);
  opened.push(log);
  return log;
}

/** The recorded widget, or the recorded connection's target node (`'a:out->chart:in'` → `chart`). */
function defaultView(source: string): string {
  const arrow = source.indexOf('->');
  if (arrow < 0) return source;
  const target = source.slice(arrow + 2);
  const colon = target.lastIndexOf(':');
  return colon > 0 ? target.slice(0, colon) : target;
}

const invalid = (why: string) => new NodeflowError('INVALID_ARGUMENT', `replayDebugData: ${why}`, {});
