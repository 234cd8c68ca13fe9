import { NodeflowError } from '../../errors.js';

/**
 * The file log's typed errors, one constructor each so every site says the same thing with the
 * same `details`. Codes: `NOT_A_LOG`, `LOG_VERSION`, `LOG_CORRUPT`, `LOG_WRITE_FAILED`,
 * `OUT_OF_RANGE` (see docs/recording.md, "The file log", Errors).
 *
 * @example
 * ```ts
 * throw logErrors.notALog('/data/rec', 'it holds files and no nodeflow-log.json');
 * ```
 */
export const logErrors = {
  notALog: (dir: string, why: string): NodeflowError =>
    new NodeflowError('NOT_A_LOG', `${dir} is not a nodeflow file log: ${why}`, { dir }),

  version: (dir: string, found: unknown, supported: number): NodeflowError =>
    new NodeflowError(
      'LOG_VERSION',
      (found as number) > supported
        ? `${dir} was written by a newer log format (version ${String(found)}); this nodeflow reads up to version ${supported}`
        : `${dir} was written by log format version ${String(found)} (JSON bodies, before 2026-12-02); this nodeflow reads versions 2 to ${supported}: record it again`,
      { dir, found, supported },
    ),

  corrupt: (segment: string, offset: number, reason: string, cutBytes: number, cutSegments: number): NodeflowError =>
    new NodeflowError(
      'LOG_CORRUPT',
      // A read reports damage it meets and cuts nothing (cutBytes and cutSegments 0); opening cuts.
      `${segment}: ${reason} frame at byte ${offset}; ${cutBytes + cutSegments > 0 ? `cut there (${cutBytes} bytes${cutSegments ? ` and ${cutSegments} later segment(s)` : ''})` : 'the read stops there (nothing is cut)'}`,
      { segment, offset, reason, cutBytes, cutSegments },
    ),

  writeFailed: (op: string, cause: unknown, droppedBatches: number, droppedMessages: number): NodeflowError =>
    new NodeflowError(
      'LOG_WRITE_FAILED',
      `file log ${op} failed (${codeOf(cause)}): ${droppedBatches} batch(es), ${droppedMessages} message(s) dropped`,
      { op, cause: codeOf(cause), droppedBatches, droppedMessages },
    ),

  outOfRange: (from: unknown, held: HeldRange | undefined): NodeflowError =>
    new NodeflowError(
      'OUT_OF_RANGE',
      held
        ? `read from ${JSON.stringify(from)} is outside what the log holds: seq ${held.firstSeq}..${held.lastSeq}, at ${held.firstAt}..${held.lastAt}`
        : `read from ${JSON.stringify(from)}: the log holds nothing`,
      { from, held },
    ),
};

/**
 * What a log holds, as an `OUT_OF_RANGE` error's `details.held` names it.
 *
 * @example
 * ```ts
 * const held: HeldRange = { firstSeq: 1, lastSeq: 500, firstAt: 0, lastAt: 990 };
 * ```
 */
export interface HeldRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** `ENOSPC`, `EIO`, ... of a Node fs error, or its message. */
function codeOf(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
}
