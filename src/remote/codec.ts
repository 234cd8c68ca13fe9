import type { StreamMessage } from '../message.js';
import type { WidgetStatus } from '../actors/targets/widget-types.js';

// The `nf1` binary data frame, shared by the server (encode) and the client (decode).
//
// frame   = magic "nf1\0" | u32 batchCount | batch*           (little-endian throughout)
// batch   = header (40 bytes) | columns, each padded to 8 bytes
// header  = u32 s | u32 count | f64 from | f64 total | u32 dropped | u8 status | u8 flags
//           | u16 0 | f32 avgLatency | u32 jsonBytes
// columns = [f64 id × count if flags&1] | f64 timestamp × count | [f64 data × count if flags&2]
//           | UTF-8 JSON of the rest: { src, tgt, port } (a string when every message shares
//           it, else an array), id / d when not numeric, pr / k when any message has them.
// Numbers travel as f64, so NaN, ±Infinity and -0 survive; other data as JSON values (in a
// JSON column, as with JSON.stringify, a non-finite number becomes null and undefined too).

const MAGIC = 0x0031666e; // "nf1\0" read as a little-endian u32
const HEADER = 40;
const ID_NUMERIC = 1;
const DATA_NUMERIC = 2;
const STATUSES: readonly WidgetStatus[] = ['waiting', 'live', 'backpressured', 'stopped'];

/**
 * The messages one subscription receives in a data frame, and where they sit in the widget:
 * the first is message number `from`, the widget has ingested `total`, and `dropped` were
 * skipped since the previous batch of this subscription.
 *
 * @example
 * ```ts
 * const b: DataBatch = { s: 1, from: 11, total: 12, dropped: 0, status: 'live', avgLatency: 0.4, messages };
 * ```
 */
export interface DataBatch {
  readonly s: number;
  readonly from: number;
  readonly total: number;
  readonly dropped: number;
  readonly status: WidgetStatus;
  readonly avgLatency: number;
  readonly messages: readonly StreamMessage[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const pad8 = (n: number) => (n + 7) & ~7;

function shared(ms: readonly StreamMessage[], pick: (m: StreamMessage) => string): string | string[] {
  const first = pick(ms[0]!);
  for (let i = 1; i < ms.length; i++) if (pick(ms[i]!) !== first) return ms.map(pick);
  return first;
}

function allNumbers(ms: readonly StreamMessage[], pick: (m: StreamMessage) => unknown): boolean {
  for (let i = 0; i < ms.length; i++) if (typeof pick(ms[i]!) !== 'number') return false;
  return true;
}

interface Planned {
  readonly b: DataBatch;
  readonly flags: number;
  readonly json: Uint8Array;
  readonly bytes: number;
}

function plan(b: DataBatch): Planned {
  const ms = b.messages;
  const n = ms.length;
  let flags = 0;
  const rest: Record<string, unknown> = n === 0 ? {} : { src: shared(ms, (m) => m.sourceNodeId), tgt: shared(ms, (m) => m.targetNodeId), port: shared(ms, (m) => m.port) };
  if (allNumbers(ms, (m) => m.id)) flags |= ID_NUMERIC;
  else rest.id = ms.map((m) => m.id);
  if (allNumbers(ms, (m) => m.data)) flags |= DATA_NUMERIC;
  else rest.d = ms.map((m) => (m.data === undefined ? null : m.data));
  if (ms.some((m) => m.priority !== undefined)) rest.pr = ms.map((m) => m.priority ?? null);
  if (ms.some((m) => m.key !== undefined)) rest.k = ms.map((m) => m.key ?? null);
  const json = encoder.encode(JSON.stringify(rest));
  const cols = (flags & ID_NUMERIC ? 1 : 0) + 1 + (flags & DATA_NUMERIC ? 1 : 0);
  return { b, flags, json, bytes: HEADER + cols * 8 * n + pad8(json.length) };
}

/**
 * Encodes batches of one or more subscriptions into one binary frame.
 *
 * @example
 * ```ts
 * const bytes = encodeFrame([batch]);
 * decodeFrame(bytes)[0].messages.length === batch.messages.length; // true
 * ```
 */
export function encodeFrame(batches: readonly DataBatch[]): Uint8Array {
  const plans = batches.map(plan);
  const out = new Uint8Array(8 + plans.reduce((a, p) => a + p.bytes, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, plans.length, true);
  let o = 8;
  for (const { b, flags, json } of plans) {
    const ms = b.messages;
    const n = ms.length;
    v.setUint32(o, b.s, true);
    v.setUint32(o + 4, n, true);
    v.setFloat64(o + 8, b.from, true);
    v.setFloat64(o + 16, b.total, true);
    v.setUint32(o + 24, b.dropped, true);
    v.setUint8(o + 28, Math.max(0, STATUSES.indexOf(b.status)));
    v.setUint8(o + 29, flags);
    v.setFloat32(o + 32, b.avgLatency, true);
    v.setUint32(o + 36, json.length, true);
    o += HEADER;
    if (flags & ID_NUMERIC) for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, ms[i]!.id as number, true);
    for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, ms[i]!.timestamp, true);
    if (flags & DATA_NUMERIC) for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, ms[i]!.data as number, true);
    out.set(json, o);
    o += pad8(json.length);
  }
  return out;
}

/**
 * Thrown by {@link decodeFrame} for bytes that are not a well-formed `nf1` frame.
 *
 * @example
 * ```ts
 * try { decodeFrame(bytes); } catch (e) { if (e instanceof FrameError) console.warn(e.message); }
 * ```
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

// Frames are little-endian; so is every platform this runs on, but check rather than assume.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// A column is read in place when it is 8-byte aligned (as frames lay them out, and a browser's
// ArrayBuffer starts aligned): a typed-array view instead of a getFloat64 call per value.
function column(v: DataView, o: number, n: number): ArrayLike<number> {
  const at = v.byteOffset + o;
  if (LITTLE_ENDIAN && at % 8 === 0) return new Float64Array(v.buffer, at, n);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = v.getFloat64(o + i * 8, true);
  return out;
}

const at = <T>(x: T | T[], i: number): T => (Array.isArray(x) ? x[i]! : x);

/**
 * Decodes a binary data frame into plain `StreamMessage` batches. Throws a {@link FrameError}
 * for anything malformed (never reads outside the buffer).
 *
 * @example
 * ```ts
 * socket.onmessage = (e) => { if (e.data instanceof ArrayBuffer) for (const b of decodeFrame(e.data)) apply(b); };
 * ```
 */
export function decodeFrame(data: ArrayBuffer | ArrayBufferView): DataBatch[] {
  const v = ArrayBuffer.isView(data) ? new DataView(data.buffer, data.byteOffset, data.byteLength) : new DataView(data);
  const len = v.byteLength;
  if (len < 8 || v.getUint32(0, true) !== MAGIC) throw new FrameError('not an nf1 frame');
  const count = v.getUint32(4, true);
  const out: DataBatch[] = [];
  let o = 8;
  for (let k = 0; k < count; k++) {
    if (o + HEADER > len) throw new FrameError('truncated header');
    const n = v.getUint32(o + 4, true);
    const flags = v.getUint8(o + 29);
    const jsonBytes = v.getUint32(o + 36, true);
    const cols = (flags & ID_NUMERIC ? 1 : 0) + 1 + (flags & DATA_NUMERIC ? 1 : 0);
    const end = o + HEADER + cols * 8 * n + pad8(jsonBytes);
    if (end > len) throw new FrameError('truncated batch');
    const head = { s: v.getUint32(o, true), from: v.getFloat64(o + 8, true), total: v.getFloat64(o + 16, true), dropped: v.getUint32(o + 24, true), status: STATUSES[v.getUint8(o + 28)] ?? 'live', avgLatency: v.getFloat32(o + 32, true) };
    let c = o + HEADER;
    const ids = flags & ID_NUMERIC ? column(v, c, n) : undefined;
    if (ids) c += 8 * n;
    const ts = column(v, c, n);
    c += 8 * n;
    const nums = flags & DATA_NUMERIC ? column(v, c, n) : undefined;
    if (nums) c += 8 * n;
    let rest: Record<string, unknown>;
    try {
      rest = JSON.parse(decoder.decode(new Uint8Array(v.buffer, v.byteOffset + c, jsonBytes))) as Record<string, unknown>;
    } catch {
      throw new FrameError('bad JSON column');
    }
    const src = rest.src as string | string[], tgt = rest.tgt as string | string[], port = rest.port as string | string[];
    const idCol = (ids ?? rest.id) as (string | number)[] | undefined, dataCol = (nums ?? rest.d) as unknown[] | undefined;
    // No tgt: messages as a node emits them (an OutputMessage has no targetNodeId), kept so.
    if (n > 0 && (!idCol || !dataCol || idCol.length !== n || dataCol.length !== n || src === undefined || port === undefined)) throw new FrameError('column length');
    const pr = rest.pr as (StreamMessage['priority'] | null)[] | undefined, keys = rest.k as (string | number | null)[] | undefined;
    const messages = new Array<StreamMessage>(n);
    for (let i = 0; i < n; i++) {
      const m: { -readonly [K in keyof StreamMessage]: StreamMessage[K] } = { id: idCol![i]!, timestamp: ts[i]!, sourceNodeId: at(src, i), targetNodeId: (tgt === undefined ? undefined : (at(tgt, i) ?? undefined)) as string, port: at(port, i), data: dataCol![i] };
      if (pr?.[i] != null) m.priority = pr[i]!;
      if (keys?.[i] != null) m.key = keys[i]!;
      messages[i] = m;
    }
    out.push({ ...head, messages });
    o = end;
  }
  return out;
}
