import { DELAY_ALLOWED, isDelay, realClock, type EngineClock } from '../../clock.js';
import { ConfigError, readOptions, type NodeflowError } from '../../errors.js';
import { hasMethods } from '../../shape.js';
import { MAX_BODY } from './frame.js';
import { nodeLogFs, type LogFs } from './fs-layer.js';
import type { Retention } from './retention.js';
import type { WriteStageKind } from './write-stage.js';

/**
 * Options of `openFileLog`. Defaults: segments of 16 MiB, no retention limit, a sync 1000 ms
 * after the first unsynced append (add `everyBatches` to bound it by count too), the real clock,
 * errors to `console.warn`, at most 64 MiB of appends waiting for the disk.
 *
 * @example
 * ```ts
 * const options: FileLogOptions = { segmentBytes: 8 << 20, retention: { maxAgeMs: 3_600_000 }, sync: { everyMs: 200 } };
 * ```
 */
export interface FileLogOptions {
  /** Size a segment is closed at: the next frame starts a new one (one frame may exceed it). */
  readonly segmentBytes?: number;
  readonly retention?: Retention;
  /** When the writer calls fdatasync by itself; `'none'`: only on `sync()`, at a segment roll and at close. */
  readonly sync?: { readonly everyBatches?: number; readonly everyMs?: number } | 'none';
  /** Drives the `everyMs` timer and the age retention (which compares with the batches' `at`). */
  readonly clock?: EngineClock;
  /** Every typed error the log reports instead of throwing: a cut at open, a failed write or sync. */
  readonly onError?: (error: NodeflowError) => void;
  /** Appends waiting for the disk beyond this are dropped and counted (bounded memory). */
  readonly maxPendingBytes?: number;
  /**
   * Where frames are sealed (checksummed) and written: `'worker'` (default: one worker thread per
   * process, shared by every file log, so the hand-off thread only encodes) or `'main'`.
   */
  readonly writeStage?: WriteStageKind;
  /** @internal A file layer that fails on cue (tests). */
  readonly fs?: LogFs;
}

/**
 * The checked options with their defaults. @internal
 *
 * @example
 * ```ts
 * const o: ResolvedOptions = resolveOptions({ sync: 'none' });
 * ```
 */
export interface ResolvedOptions {
  readonly segmentBytes: number;
  readonly retention: Retention;
  readonly sync: { readonly everyBatches: number; readonly everyMs: number } | 'none';
  readonly clock: EngineClock;
  readonly onError: (error: NodeflowError) => void;
  readonly maxPendingBytes: number;
  readonly fs: LogFs;
  readonly writeStage: WriteStageKind;
}

const SIZE = (min: number) => `an integer in [${min}, ${MAX_BODY}]`;
const size = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= MAX_BODY;
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * Checks `options` (ConfigError on the first bad one) and fills in the defaults. @internal
 *
 * @example
 * ```ts
 * resolveOptions({ segmentBytes: 10 }); // throws ConfigError (segmentBytes)
 * ```
 */
export function resolveOptions(options: FileLogOptions | undefined): ResolvedOptions {
  const o = readOptions(options, ['segmentBytes', 'retention', 'sync', 'clock', 'onError', 'maxPendingBytes', 'fs', 'writeStage']);
  if (o.writeStage !== undefined && o.writeStage !== 'worker' && o.writeStage !== 'main') throw new ConfigError('writeStage', "'worker' or 'main'", o.writeStage);
  if (o.segmentBytes !== undefined && !size(o.segmentBytes, 1024)) throw new ConfigError('segmentBytes', SIZE(1024), o.segmentBytes);
  if (o.maxPendingBytes !== undefined && !size(o.maxPendingBytes, 64 * 1024)) throw new ConfigError('maxPendingBytes', SIZE(65536), o.maxPendingBytes);
  const r = readOptions(o.retention, ['maxAgeMs', 'maxMessages', 'maxBytes'], 'retention.');
  if (r.maxAgeMs !== undefined && !(typeof r.maxAgeMs === 'number' && r.maxAgeMs >= 0 && Number.isFinite(r.maxAgeMs))) throw new ConfigError('retention.maxAgeMs', 'a finite number of ms >= 0', r.maxAgeMs);
  if (r.maxMessages !== undefined && !count(r.maxMessages)) throw new ConfigError('retention.maxMessages', 'an integer >= 1', r.maxMessages);
  if (r.maxBytes !== undefined && !count(r.maxBytes)) throw new ConfigError('retention.maxBytes', 'an integer >= 1', r.maxBytes);
  // By time alone by default: the loss window after a crash is bounded (1 s) whatever the rate,
  // and the cost too (one fdatasync a second), where a count bound costs more as the rate rises
  // (JetStream's own default is a sync every 2 minutes).
  let sync: ResolvedOptions['sync'] = { everyBatches: Infinity, everyMs: 1000 };
  if (o.sync === 'none') sync = 'none';
  else if (o.sync !== undefined) {
    const s = readOptions(o.sync, ['everyBatches', 'everyMs'], 'sync.');
    if (s.everyBatches !== undefined && !count(s.everyBatches)) throw new ConfigError('sync.everyBatches', 'an integer >= 1', s.everyBatches);
    if (s.everyMs !== undefined && !isDelay(s.everyMs)) throw new ConfigError('sync.everyMs', DELAY_ALLOWED, s.everyMs);
    // Only the bound given applies: { everyBatches: 10 } syncs by count alone.
    sync = { everyBatches: s.everyBatches ?? Infinity, everyMs: s.everyMs ?? Infinity };
    if (s.everyBatches === undefined && s.everyMs === undefined) sync = { everyBatches: Infinity, everyMs: 1000 };
  }
  if (o.clock !== undefined && !hasMethods(o.clock, ['now', 'setTimeout', 'clearTimeout'])) throw new ConfigError('clock', 'an EngineClock (now, setTimeout, clearTimeout)', o.clock);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new ConfigError('onError', 'a function', o.onError);
  return {
    segmentBytes: o.segmentBytes ?? 16 * 1024 * 1024,
    retention: r,
    sync,
    clock: o.clock ?? realClock,
    onError: o.onError ? guarded(o.onError) : (e) => console.warn(`[nodeflow] ${e.message}`),
    maxPendingBytes: o.maxPendingBytes ?? 64 * 1024 * 1024,
    fs: o.fs ?? nodeLogFs,
    // An injected file layer is called from this thread: the worker could not use it.
    writeStage: o.fs !== undefined ? 'main' : (o.writeStage ?? 'worker'),
  };
}

/**
 * The caller's `onError`, as every part of the log calls it (open's cuts, the writer, retention):
 * much of that is in the writer's own promise chains, where a throw would leave a sync()
 * unanswered or a file open, so a throw is caught and said instead, everywhere alike.
 */
function guarded(onError: (error: NodeflowError) => void): (error: NodeflowError) => void {
  return (error) => {
    try {
      onError(error);
    } catch (thrown) {
      console.warn(`[nodeflow] a file log's onError threw (${thrown instanceof Error ? thrown.message : String(thrown)}) on: ${error.message}`);
    }
  };
}
