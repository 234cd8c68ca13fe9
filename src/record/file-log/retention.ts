import type { Segment } from './segment.js';

/**
 * How much history a log keeps, by whole segments: the oldest segment goes once the log holds
 * more than `maxMessages` messages or `maxBytes` bytes, or once its newest batch is older than
 * `maxAgeMs` (engine-clock time against the batch's `at`). The segment being written is never
 * deleted, so the folder stays within `maxBytes` or one segment, whichever is larger.
 *
 * @example
 * ```ts
 * const retention: Retention = { maxAgeMs: 3_600_000, maxBytes: 1 << 30 };
 * ```
 */
export interface Retention {
  readonly maxAgeMs?: number;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
}

/**
 * How many of the oldest segments retention deletes now (pure: the caller unlinks them). The
 * last segment (the one being written) always stays.
 *
 * @example
 * ```ts
 * const n = segmentsPastRetention(segments, { maxBytes: 1 << 30 }, Date.now());
 * ```
 */
export function segmentsPastRetention(segments: readonly Segment[], r: Retention, now: number): number {
  let bytes = 0;
  let messages = 0;
  for (const s of segments) {
    bytes += s.bytes;
    messages += s.messages;
  }
  let n = 0;
  for (; n < segments.length - 1; n++) {
    const s = segments[n]!;
    const tooMany = r.maxMessages !== undefined && messages > r.maxMessages;
    const tooBig = r.maxBytes !== undefined && bytes > r.maxBytes;
    const tooOld = r.maxAgeMs !== undefined && s.lastAt < now - r.maxAgeMs;
    if (!tooMany && !tooBig && !tooOld) break;
    bytes -= s.bytes;
    messages -= s.messages;
  }
  return n;
}
