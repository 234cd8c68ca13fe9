import { ConfigError, NodeflowError, readOptions } from '../errors.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { WorkflowRun } from '../actors/workflow/run.js';
import type { Batch } from '../message.js';
import type { RecordLog } from './record-log.js';
import { Recording } from './recording.js';

/**
 * Options of {@link record}.
 *
 * @example
 * ```ts
 * const options: RecordOptions = { startSeq: 1 };
 * ```
 */
export interface RecordOptions {
  /** The seq of the first recorded message, above what the log holds. Default: the log's `lastSeq + 1` (it continues), or 1. */
  readonly startSeq?: number;
  /**
   * Told of each batch the log refused (its `append` threw: a closed log, a bad batch), which is
   * then a counted drop (`stats().dropped`). Default: one `console.warn` per recording.
   */
  readonly onError?: (error: unknown) => void;
}

/** Something with one recording tap: a connection (delivered batches) or a widget (shown ones). */
interface Tapped {
  tap: ((batch: Batch) => void) | null;
}

/**
 * Records a stream into `log`, one append per batch at hand-off, never per message: `id` names a
 * widget (every batch it shows, from any connection or replay) or a connection (`'a:out->b:in'`,
 * or `'a:out'` when one connection leaves that port: every batch its target took, once, after a
 * successful attempt, so a retried batch is recorded once). One recording per target at a time
 * (`INVALID_ARGUMENT` otherwise); an unknown id throws `UNKNOWN_CONNECTION`.
 *
 * @example
 * ```ts
 * const log = new MemoryLog({ maxMessages: 100_000 });
 * const recording = record(engine, 'sensor:out', log);
 * ```
 */
export function record(engine: StreamEngine, id: string, log: RecordLog, options: RecordOptions = {}): Recording {
  const target: Tapped & { readonly id: string } = engine.findWidget(id) ?? engine.getConnection(id);
  if (target.tap !== null) throw new NodeflowError('INVALID_ARGUMENT', `${target.id} is already being recorded; stop that recording first`, { id: target.id });
  const o = readOptions(options, ['startSeq', 'onError']);
  const held = log.bounds()?.lastSeq ?? 0;
  const startSeq = o.startSeq ?? held + 1;
  // At or below what the log holds, every append would be refused: a silent loss, so not at all.
  if (!Number.isSafeInteger(startSeq) || startSeq <= held || startSeq < 1) throw new ConfigError('startSeq', `an integer above the log's last seq (${held})`, startSeq);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new ConfigError('onError', 'a function', o.onError);
  const recording = new Recording(target.id, log, engine.clock, startSeq, o.onError);
  const tap = recording.attach(() => {
    if (target.tap === tap) target.tap = null;
  });
  target.tap = tap;
  return recording;
}

/**
 * The recording of a whole workflow run: one {@link Recording} (and one log) per edge, by edge id.
 *
 * @example
 * ```ts
 * const rec = recordRun(engine, run, () => new MemoryLog({ maxMessages: 10_000 }));
 * rec.stop();
 * ```
 */
export interface RunRecording {
  readonly edges: ReadonlyMap<string, Recording>;
  stop(): void;
}

/**
 * Records every edge of a workflow run, each into its own log from `logFor(edgeId,
 * connectionId)`. One log per edge, not one log with the edge named in each batch: seq is
 * counted per recorded stream, so each edge's seq stays dense (a replay of one edge reads only
 * its own batches, and replay-then-live lines up by seq), and retention bounds each edge alone,
 * so a busy edge cannot push a quiet one's history out.
 *
 * @example
 * ```ts
 * const logs = new Map<string, MemoryLog>();
 * const rec = recordRun(engine, run, (edgeId) => logs.set(edgeId, new MemoryLog()).get(edgeId)!);
 * ```
 */
export function recordRun(engine: StreamEngine, run: WorkflowRun, logFor: (edgeId: string, connectionId: string) => RecordLog, options: RecordOptions = {}): RunRecording {
  const edges = new Map<string, Recording>();
  try {
    for (const [edgeId, e] of Object.entries(run.metrics().edges)) edges.set(edgeId, record(engine, e.connectionId, logFor(edgeId, e.connectionId), options));
  } catch (error) {
    for (const r of edges.values()) r.stop();
    throw error;
  }
  return { edges, stop: () => edges.forEach((r) => r.stop()) };
}
