import { frameChecksum } from './checksum.js';

/**
 * One frame per recorded batch, little-endian:
 *
 * | bytes | field |
 * |---|---|
 * | 4 | body length n (bytes after this 8-byte header) |
 * | 4 | CRC-32 of the body |
 * | 8 | seq of the batch's first message (float64: exact to 2^53) |
 * | 8 | `at`, engine-clock ms (float64) |
 * | 4 | message count |
 * | n - 20 | the messages, UTF-8 JSON array |
 *
 * The length comes first so a reader can skip a frame without decoding it; the checksum covers
 * everything the length announces, so a torn frame (the file ends inside it) and a damaged one
 * (bits changed) are both refused.
 *
 * @example
 * ```ts
 * const end = writeFrame(buf, 0, 1, Date.now(), 2, '[{"id":1},{"id":2}]');
 * ```
 */
export const FRAME_HEADER = 8;
/**
 * Bytes of the body before the JSON: seq, at, count. @internal
 *
 * @example
 * ```ts
 * const json = buf.toString('utf8', off + FRAME_HEADER + BODY_FIXED, off + length);
 * ```
 */
export const BODY_FIXED = 20;
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
 * Writes one frame at `off` into `buf`, which must hold `off + frameCapacity(json)` bytes, and
 * returns where the frame ends. The JSON is written straight into `buf` (no intermediate
 * buffer per batch) and its UTF-8 length is what `buf.write` reports.
 *
 * @example
 * ```ts
 * const end = writeFrame(buf, off, batch.seq, batch.at, batch.messages.length, JSON.stringify(batch.messages));
 * ```
 */
export function writeFrame(buf: Buffer, off: number, seq: number, at: number, count: number, json: string): number {
  const body = off + FRAME_HEADER;
  buf.writeDoubleLE(seq, body);
  buf.writeDoubleLE(at, body + 8);
  buf.writeUInt32LE(count, body + 16);
  const n = BODY_FIXED + buf.write(json, body + BODY_FIXED, 'utf8');
  buf.writeUInt32LE(n, off);
  buf.writeUInt32LE(frameChecksum(buf, body, body + n), off + 4);
  return body + n;
}

/**
 * Room `writeFrame` may need for a JSON string: a UTF-16 unit never takes more than 3 UTF-8
 * bytes, so this bound avoids measuring the string first.
 *
 * @example
 * ```ts
 * if (buf.length < off + frameCapacity(json)) grow();
 * ```
 */
export const frameCapacity = (json: string): number => FRAME_HEADER + BODY_FIXED + json.length * 3;

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
  if (n < BODY_FIXED || n > MAX_BODY) return 'length';
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
export function frameMessages(buf: Buffer, off: number, length: number): unknown[] {
  return JSON.parse(buf.toString('utf8', off + FRAME_HEADER + BODY_FIXED, off + length)) as unknown[];
}
