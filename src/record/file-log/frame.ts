import type { StreamMessage } from '../../message.js';
import { BODY_COLUMNS, BODY_JSON, LITTLE_ENDIAN, messagesJson, writeJson, type BodyArea } from '../body/body-codec.js';
import { planColumns, writeColumns, type ColumnsPlan } from '../body/columns.js';
import { decodeBody } from '../body/body-decode.js';
import { frameChecksum } from './checksum.js';
import { writeNarrowColumns, type NarrowLayout } from '../body/narrow-columns.js';

/**
 * One frame per recorded batch (format version 5), little-endian, 8-byte aligned throughout:
 *
 * | bytes | field |
 * |---|---|
 * | 4 | body length n (bytes after this 8-byte header; a multiple of 8) |
 * | 4 | CRC-32 of the body |
 * | 8 | seq of the batch's first message (float64: exact to 2^53) |
 * | 8 | `at`, engine-clock ms (float64) |
 * | 4 | message count |
 * | 4 | body kind: 0 JSON, 1 numeric columns, 2 columns with JSON data, 3 columns with object data (src/record/body/body-codec.ts) |
 * | n - 24 | the messages |
 *
 * The length comes first so a reader can skip a frame without decoding it; the checksum covers
 * everything the length announces, so a torn frame (the file ends inside it) and a damaged one
 * (bits changed) are both refused. A frame is written unsealed (checksum 0) at append and sealed
 * by the write stage, off the hand-off (`sealFrames`).
 *
 * @example
 * ```ts
 * const end = writeFrame(area, 0, 1, Date.now(), messages);
 * sealFrames(area.bytes, 0, end);
 * ```
 */
export const FRAME_HEADER = 8;
/**
 * Bytes of the body before the messages: seq, at, count, kind. @internal
 *
 * @example
 * ```ts
 * const messagesStart = off + FRAME_HEADER + BODY_FIXED;
 * ```
 */
export const BODY_FIXED = 24;
/**
 * Largest body accepted, read or written: a length above it is a damaged frame, not a huge one.
 *
 * @example
 * ```ts
 * if (n > MAX_BODY) return 'length';
 * ```
 */
export const MAX_BODY = 512 * 1024 * 1024;

/**
 * How a batch will be written: its columns plan (numeric or JSON data) or its JSON, and the most
 * bytes its frame takes. One pass over the messages; JSON only when columns do not fit. @internal
 *
 * @example
 * ```ts
 * const plan = planFrame(messages);
 * if (buf.length < off + plan.bytes) grow();
 * ```
 */
export interface FramePlan {
  readonly columns: ColumnsPlan | undefined;
  readonly json: string | undefined;
  readonly bytes: number;
}

/** @internal See {@link FramePlan}. @example `const plan = planFrame(batch.messages);` */
export function planFrame(messages: readonly StreamMessage[]): FramePlan {
  const columns = planColumns(messages);
  if (columns) return { columns, json: undefined, bytes: FRAME_HEADER + BODY_FIXED + columns.bytes };
  const json = messagesJson(messages);
  return { columns: undefined, json, bytes: FRAME_HEADER + BODY_FIXED + json.length * 3 + 7 };
}

/**
 * Writes one unsealed frame at `off` (8-aligned) into `area`, which must hold `off + plan.bytes`
 * bytes; returns where the frame ends (8-aligned).
 *
 * @example
 * ```ts
 * const end = writeFrame(area, off, batch.seq, batch.at, batch.messages, planFrame(batch.messages));
 * ```
 */
export function writeFrame(area: BodyArea, off: number, seq: number, at: number, messages: readonly StreamMessage[], plan: FramePlan): number {
  const start = off + FRAME_HEADER + BODY_FIXED;
  const end = plan.columns ? writeColumns(area, start, plan.columns, messages) : writeJson(area, start, plan.json!);
  writeHeader(area, off, end, seq, at, messages.length, plan.columns ? plan.columns.kind : BODY_JSON);
  return end;
}

/**
 * Writes one unsealed frame at `off` (8-aligned) when its messages fit the narrow columns a live
 * stream mostly sends (body/narrow-columns.ts) within `room` bytes of body; returns where it
 * ends, or -1: then plan and write it with `planFrame` and `writeFrame`, over these bytes.
 * @internal
 *
 * @example
 * ```ts
 * let end = writeNarrowFrame(area, off, room, seq, at, messages, layout);
 * if (end < 0) end = writeFrame(area, off, seq, at, messages, planFrame(messages));
 * ```
 */
export function writeNarrowFrame(area: BodyArea, off: number, room: number, seq: number, at: number, messages: readonly StreamMessage[], layout: NarrowLayout): number {
  const end = writeNarrowColumns(area, off + FRAME_HEADER + BODY_FIXED, room, messages, layout);
  if (end >= 0) writeHeader(area, off, end, seq, at, messages.length, BODY_COLUMNS);
  return end;
}

function writeHeader(area: BodyArea, off: number, end: number, seq: number, at: number, count: number, kind: number): void {
  const body = off + FRAME_HEADER;
  // Typed stores, not Buffer's write methods, which check their arguments on every call (with
  // the head written the same way, the encoder measured 18.6-19.0 ns a message against 21.1-22.5).
  // Offsets are 8-aligned, so every field is a whole element; the format is little-endian, which
  // the views are only on a little-endian machine.
  if (LITTLE_ENDIAN && (off & 7) === 0) {
    const f64 = area.f64;
    const i32 = area.i32;
    i32[off >> 2] = end - body;
    i32[(off + 4) >> 2] = 0;
    f64[body >> 3] = seq;
    f64[(body + 8) >> 3] = at;
    i32[(body + 16) >> 2] = count;
    i32[(body + 20) >> 2] = kind;
    return;
  }
  const buf = area.bytes;
  buf.writeUInt32LE(end - body, off);
  buf.writeUInt32LE(0, off + 4);
  buf.writeDoubleLE(seq, body);
  buf.writeDoubleLE(at, body + 8);
  buf.writeUInt32LE(count, body + 16);
  buf.writeUInt32LE(kind, body + 20);
}

/**
 * Computes and stores the checksum of every frame in `buf[off..end)` (whole frames written by
 * `writeFrame`). The write stage does this, in a worker thread by default.
 *
 * @example
 * ```ts
 * sealFrames(pending.buf, 0, pending.length);
 * ```
 */
export function sealFrames(buf: Buffer, off: number, end: number): void {
  while (off < end) {
    const n = buf.readUInt32LE(off);
    const body = off + FRAME_HEADER;
    buf.writeUInt32LE(frameChecksum(buf, body, body + n), off + 4);
    off = body + n;
  }
}

/**
 * What lies at `off` in `buf[0..end)`: a whole frame (its total length), `short` (the bytes end
 * inside it: a torn tail if the file ends there), or a damaged frame (`length`: impossible
 * length; `checksum`: the body does not match its CRC).
 *
 * @example
 * ```ts
 * const f = checkFrame(buf, off, filled);
 * if (typeof f === 'number') off += f;
 * ```
 */
export function checkFrame(buf: Buffer, off: number, end: number): number | 'short' | 'length' | 'checksum' {
  if (end - off < FRAME_HEADER) return 'short';
  const n = buf.readUInt32LE(off);
  if (n < BODY_FIXED || n > MAX_BODY || n % 8 !== 0) return 'length';
  if (end - off < FRAME_HEADER + n) return 'short';
  const body = off + FRAME_HEADER;
  if (frameChecksum(buf, body, body + n) !== buf.readUInt32LE(off + 4)) return 'checksum';
  return FRAME_HEADER + n;
}

/**
 * The fixed fields of the checked frame at `off`, read without decoding its messages.
 *
 * @example
 * ```ts
 * const { seq, at, count } = frameFields(buf, off);
 * ```
 */
export function frameFields(buf: Buffer, off: number): { seq: number; at: number; count: number } {
  const body = off + FRAME_HEADER;
  return { seq: buf.readDoubleLE(body), at: buf.readDoubleLE(body + 8), count: buf.readUInt32LE(body + 16) };
}

/**
 * The messages of the checked frame at `off` whose total length is `length`.
 *
 * @example
 * ```ts
 * const messages = frameMessages(buf, off, length);
 * ```
 */
export function frameMessages(buf: Buffer, off: number, length: number): StreamMessage[] {
  const body = off + FRAME_HEADER;
  return decodeBody(buf, buf.readUInt32LE(body + 20), buf.readUInt32LE(body + 16), body + BODY_FIXED, off + length);
}
