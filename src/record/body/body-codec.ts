import type { StreamMessage } from '../../message.js';

// A recorded batch's messages as bytes, shared by the stores (the file log's frames, the
// JetStream store's messages). Two kinds, chosen per batch by one pass over the messages:
//
// rows (kind 1), for the common stream of numbers: every message has a numeric `id` and
// `data`, the batch shares one `sourceNodeId`, `targetNodeId` and `port`, and no message has
// `priority` or `key`:
//   u32 n (bytes of the strings' JSON) | u32 0 | JSON ["src","tgt","port"] padded with spaces to 8
//   | count x (f64 id | f64 timestamp | f64 data)
// json (kind 0), for everything else: the UTF-8 JSON array of the messages, padded with spaces.
//
// Rows are written with one Float64Array store per number (no per-message string, no JSON):
// about 6 ns a message against about 230 ns for JSON.stringify (docs/recording.md). Numbers stay
// f64, so NaN, +-Infinity and -0 survive in rows (JSON turns them into null / 0). A rows batch
// keeps the StreamMessage fields only; fields outside that contract are not part of a message
// (as on the remote wire, docs/remote-protocol.md).

/** The two body kinds. @internal */
export const BODY_JSON = 0;
/** @internal */
export const BODY_ROWS = 1;
const ROW = 24;
const SPACE = 0x20;
const pad8 = (n: number) => (n + 7) & ~7;

/**
 * A writable byte area the encoder fills: `bytes` and `f64` view the same 8-aligned memory.
 *
 * @example
 * ```ts
 * const ab = new ArrayBuffer(1 << 16);
 * const area: BodyArea = { bytes: Buffer.from(ab), f64: new Float64Array(ab) };
 * ```
 */
export interface BodyArea {
  readonly bytes: Buffer;
  readonly f64: Float64Array;
}

/** The last routing strings seen and their encoded bytes: a stream mostly repeats them. */
let lastSrc = '';
let lastTgt = '';
let lastPort = '';
let lastHead: Buffer = Buffer.alloc(0);

function head(src: string, tgt: string, port: string): Buffer {
  if (src === lastSrc && tgt === lastTgt && port === lastPort && lastHead.length > 0) return lastHead;
  const json = Buffer.from(JSON.stringify([src, tgt, port]), 'utf8');
  const out = Buffer.alloc(8 + pad8(json.length), SPACE);
  out.writeUInt32LE(json.length, 0);
  out.writeUInt32LE(0, 4);
  json.copy(out, 8);
  lastSrc = src;
  lastTgt = tgt;
  lastPort = port;
  lastHead = out;
  return out;
}

/**
 * The rows head (the routing strings, encoded) when `messages` fit the rows kind, or `undefined`
 * when they do not (then write JSON). One pass, reading each message's fields once.
 *
 * @example
 * ```ts
 * const h = rowsHead(messages);
 * const need = h ? h.length + rowBytes(messages.length) : json.length * 3 + 7;
 * ```
 * @internal
 */
export function rowsHead(messages: readonly StreamMessage[]): Buffer | undefined {
  const m0 = messages[0];
  if (m0 === undefined) return undefined;
  const s = m0.sourceNodeId;
  const t = m0.targetNodeId;
  const p = m0.port;
  if (typeof s !== 'string' || typeof t !== 'string' || typeof p !== 'string') return undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (typeof m.id !== 'number' || typeof m.data !== 'number' || typeof m.timestamp !== 'number') return undefined;
    if (m.sourceNodeId !== s || m.targetNodeId !== t || m.port !== p || m.priority !== undefined || m.key !== undefined) return undefined;
  }
  return head(s, t, p);
}

/**
 * Writes the rows of `messages` (checked by `rowsHead`, which gave `h`) at byte `off` (8-aligned)
 * of `area`; returns the end (8-aligned).
 *
 * @example
 * ```ts
 * const h = rowsHead(ms);
 * if (h) end = writeRows(area, off, h, ms);
 * ```
 * @internal
 */
export function writeRows(area: BodyArea, off: number, h: Buffer, messages: readonly StreamMessage[]): number {
  area.bytes.set(h, off);
  const f64 = area.f64;
  let k = (off + h.length) >> 3;
  for (let i = 0; i < messages.length; i++, k += 3) {
    const m = messages[i]!;
    f64[k] = m.id as number;
    f64[k + 1] = m.timestamp;
    f64[k + 2] = m.data as number;
  }
  return k << 3;
}

/**
 * Bytes the rows of `count` messages take after their head.
 *
 * @example
 * ```ts
 * const need = h.length + rowBytes(ms.length);
 * ```
 * @internal
 */
export const rowBytes = (count: number): number => count * ROW;

/**
 * Writes `json` (a JSON array) at `off`, padded with spaces to 8 bytes; returns the end.
 * `area.bytes` must hold `off + json.length * 3 + 7` bytes.
 *
 * @example
 * ```ts
 * end = writeJson(area, off, JSON.stringify(ms));
 * ```
 * @internal
 */
export function writeJson(area: BodyArea, off: number, json: string): number {
  const end = off + area.bytes.write(json, off, 'utf8');
  const padded = pad8(end);
  area.bytes.fill(SPACE, end, padded);
  return padded;
}

/**
 * The messages of a body of `kind` and `count` messages in `buf[start..end)`.
 *
 * @example
 * ```ts
 * const messages = decodeBody(buf, BODY_ROWS, 50, start, end);
 * ```
 * @internal
 */
export function decodeBody(buf: Buffer, kind: number, count: number, start: number, end: number): StreamMessage[] {
  if (kind === BODY_JSON) return JSON.parse(buf.toString('utf8', start, end)) as StreamMessage[];
  if (kind !== BODY_ROWS) throw new RangeError(`unknown body kind ${kind}`);
  const n = buf.readUInt32LE(start);
  const [sourceNodeId, targetNodeId, port] = JSON.parse(buf.toString('utf8', start + 8, start + 8 + n)) as [string, string, string];
  let o = start + 8 + pad8(n);
  if (o + count * ROW > end) throw new RangeError('rows past the end of the body');
  const out = new Array<StreamMessage>(count);
  for (let i = 0; i < count; i++, o += ROW) {
    out[i] = { id: buf.readDoubleLE(o), timestamp: buf.readDoubleLE(o + 8), sourceNodeId, targetNodeId, port, data: buf.readDoubleLE(o + 16) };
  }
  return out;
}
