// What a remote dashboard costs on the wire, per message: bytes and encode/decode time for
// realistic batches (one widget's per-frame batch: its whole window of 1000 or 120 messages),
// three ways:
// - naive: one JSON text frame per message, socket.io style (`42["data",{...}]`), as most
//   hand-rolled dashboards do;
// - JSON per batch: one JSON text frame holding the batch's messages;
// - nf1: the protocol's binary frame (src/remote/codec.ts encodeFrame/decodeFrame).
// Bytes include the WebSocket frame header a server sends (2, 4 or 10 bytes, no mask).
// msgpackr is measured only when it is already installed (it is not a dependency).
//
// Run: npm run bench:remote-codec [-- --json] (--json: print only the JSON)
import { patternGenerator, type DataPattern, type StreamMessage } from '../src/index.js';
import { decodeFrame, encodeFrame, type DataBatch } from '../src/remote/codec.js';
import { fmt, table } from './lib.js';

/**
 * One measured case: a payload kind, a batch size, a wire format.
 *
 * @example
 * ```ts
 * const row: CodecRow = { payload: 'sine-wave', batch: 1000, format: 'nf1 binary frame', bytesPerMsg: 24.1, encodeNsPerMsg: 40, decodeNsPerMsg: 50 };
 * ```
 */
export interface CodecRow {
  readonly payload: string;
  readonly batch: number;
  readonly format: string;
  readonly bytesPerMsg: number;
  readonly encodeNsPerMsg: number;
  readonly decodeNsPerMsg: number;
}

const wsHeader = (n: number) => (n < 126 ? 2 : n < 65_536 ? 4 : 10);
const utf8 = new TextEncoder();
const text = new TextDecoder();

// Messages as a widget holds them: one producer tick stamps ~1000 messages alike (4 ms ticks at
// 250k msg/s per source), ids count up, routing is one source to one widget.
function messages(payload: string, n: number): StreamMessage[] {
  const pattern = (payload === 'object' ? 'sine-wave' : payload) as DataPattern;
  const value = patternGenerator(pattern, { amplitude: pattern === 'sequential' ? 1 : 100, period: 2000, seed: 7, noise: pattern === 'sine-wave' ? 0.05 : 0 });
  const t0 = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const v = value(1_000_000 + i);
    const data = payload === 'object' ? { value: v, label: i % 2 ? 'pump A' : 'pump B' } : v;
    return { id: 1_000_000 + i, timestamp: t0 + Math.floor(i / 1000) * 4, sourceNodeId: 'src0', targetNodeId: 'chart0', port: 'out', data };
  });
}

interface Format {
  readonly name: string;
  /** Encodes the batch into the frames a server would send; returns them. */
  encode(b: DataBatch): (string | Uint8Array)[];
  decode(frames: (string | Uint8Array)[]): number;
}

const naive: Format = {
  name: 'naive JSON per message',
  encode: (b) => b.messages.map((m) => `42${JSON.stringify(['data', { w: 'chart0', ...m }])}`),
  decode: (fs) => fs.reduce((n: number, f) => n + (JSON.parse((f as string).slice(2)) as unknown[]).length - 1, 0),
};
const perBatch: Format = {
  name: 'JSON per batch',
  encode: (b) => [JSON.stringify(b)],
  decode: (fs) => (JSON.parse(fs[0] as string) as DataBatch).messages.length,
};
const nf1: Format = {
  name: 'nf1 binary frame',
  encode: (b) => [encodeFrame([b])],
  decode: (fs) => decodeFrame(fs[0] as Uint8Array)[0]!.messages.length,
};

async function msgpack(): Promise<Format | undefined> {
  try {
    const { pack, unpack } = (await import('msgpackr' as string)) as { pack(x: unknown): Uint8Array; unpack(b: Uint8Array): unknown };
    return { name: 'msgpackr per batch', encode: (b) => [pack(b)], decode: (fs) => (unpack(fs[0] as Uint8Array) as DataBatch).messages.length };
  } catch {
    return undefined;
  }
}

const bytesOf = (f: string | Uint8Array) => (typeof f === 'string' ? utf8.encode(f).length : f.length);

// Runs `fn` for `ms` to warm up, then for `ms` more, and returns ns per call of the second run.
function time(fn: () => unknown, ms: number): number {
  let result = 0;
  for (let pass = 0; pass < 2; pass++) {
    let runs = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) fn(), runs++;
    result = ((performance.now() - t0) * 1e6) / runs;
  }
  return result;
}

/**
 * Measures every payload × batch × format; `ms` is the time spent per timing.
 *
 * @example
 * ```ts
 * const rows = await measureCodec(50);
 * ```
 */
export async function measureCodec(ms = 150): Promise<CodecRow[]> {
  const formats = [naive, perBatch, nf1, ...[await msgpack()].filter((f): f is Format => f !== undefined)];
  const rows: CodecRow[] = [];
  for (const payload of ['sine-wave', 'random', 'sequential', 'object']) {
    for (const n of [1000, 120]) {
      const batch: DataBatch = { s: 1, from: 1_000_000, total: 1_000_000 + n, dropped: 0, status: 'live', avgLatency: 0.4, messages: messages(payload, n) };
      for (const f of formats) {
        const frames = f.encode(batch);
        // A text frame crosses the wire as UTF-8; the receiver decodes it back to a string.
        const wire = frames.map((x) => (typeof x === 'string' ? utf8.encode(x) : x));
        const bytes = wire.reduce((a, x) => a + x.length + wsHeader(x.length), 0);
        if (f.decode(frames) !== n) throw new Error(`${f.name} lost messages`);
        const enc = time(() => f.encode(batch).map(bytesOf), ms);
        const dec = time(() => f.decode(wire.map((x, i) => (typeof frames[i] === 'string' ? text.decode(x) : x))), ms);
        rows.push({ payload, batch: n, format: f.name, bytesPerMsg: round(bytes / n), encodeNsPerMsg: Math.round(enc / n), decodeNsPerMsg: Math.round(dec / n) });
      }
    }
  }
  return rows;
}

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Prints the table (unless `json`) and the JSON line.
 *
 * @example
 * ```ts
 * report(await measureCodec(), false);
 * ```
 */
export function report(rows: readonly CodecRow[], json: boolean): void {
  if (!json) {
    const naiveOf = (r: CodecRow) => rows.find((x) => x.payload === r.payload && x.batch === r.batch && x.format === naive.name)!.bytesPerMsg;
    console.log(table(['payload', 'batch', 'format', 'bytes/msg', 'vs naive', 'encode ns/msg', 'decode ns/msg'], rows.map((r) => [r.payload, r.batch, r.format, fmt(r.bytesPerMsg, 1), `${fmt((100 * r.bytesPerMsg) / naiveOf(r), 1)}%`, fmt(r.encodeNsPerMsg), fmt(r.decodeNsPerMsg)])));
  }
  console.log(JSON.stringify({ node: process.version, rows }));
}

if (import.meta.url === `file://${process.argv[1]}`) report(await measureCodec(), process.argv.includes('--json'));
