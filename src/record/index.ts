/**
 * Record and replay (issue 18): `record` a connection, a widget's stream or a workflow run into
 * a `RecordLog` (the embedded file log, or `MemoryLog` for tests and short histories), and
 * `replay` it into a widget, a node or a connection, instantly or at 1x-100x of the original
 * timing, with pause, step, seek and replay-then-live. See docs/recording.md.
 *
 * Imported as `@nodeflow/runtime/record`, in Node: the entry loads the file log, which uses `node:fs`.
 * @packageDocumentation
 */
export type { RecordLog, RecordedBatch, ReadFrom, LogBounds } from './record-log.js';
export type { RecordingRef, RecordingStoreRef } from '../actors/debug/recording-ref.js';
export { MemoryLog, type MemoryRetention } from './memory-log.js';
export { checkReadFrom } from './read-from.js';
export { record, recordRun, type RecordOptions, type RunRecording } from './record.js';
export { Recording, type LiveSource, type RecordingStats } from './recording.js';
export { replay, Replay } from './replay.js';
export { replayDebugData, type DebugReplay, type DebugReplayOptions } from './replay-debug.js';
export type { ReplayOptions, ReplaySpeed } from './replay-options.js';
export type { ReplayState, ReplayStateBase, ReplayPosition } from './replay-state.js';
export { openFileLog, type FileLog, type FileLogStats } from './file-log/file-log.js';
export type { FileLogOptions } from './file-log/options.js';
export { openJetStreamLog, type JetStreamLog, type JetStreamLogStats } from './jetstream/jetstream-log.js';
export type { JetStreamLogOptions, JetStreamRetention } from './jetstream/options.js';
