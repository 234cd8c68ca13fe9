// The head of a columns body: the batch's routing strings as JSON, padded to 8 bytes, with its
// length. A stream repeats its routing, so heads are kept, not encoded per batch.

const SPACE = 0x20;
const pad8 = (n: number) => (n + 7) & ~7;

/** The last routing strings seen and their encoded bytes: a stream mostly repeats them. */
let lastSrc: string | undefined = '';
let lastTgt: string | undefined = '';
let lastPort: string | undefined = '';
let lastHead: Buffer = Buffer.alloc(0);
/**
 * Heads by routing (source, then target, then port; absent is `undefined`), for recordings that
 * interleave, each batch's routing not the one before: without it each of their batches paid a
 * JSON.stringify. Bounded: cleared when it holds MAX_HEADS.
 */
type Heads<T> = Map<string | undefined, T>;
let heads: Heads<Heads<Heads<Buffer>>> = new Map();
let headCount = 0;
const MAX_HEADS = 256;

/**
 * The encoded head for these routing strings (an absent field is null in the JSON, and absent
 * again when read back). @internal
 *
 * @example
 * ```ts
 * const head = headFor('s', undefined, 'out'); // 8 + padded JSON bytes
 * ```
 */
export function headFor(src: string | undefined, tgt: string | undefined, port: string | undefined): Buffer {
  if (src === lastSrc && tgt === lastTgt && port === lastPort && lastHead.length > 0) return lastHead;
  let out = heads.get(src)?.get(tgt)?.get(port);
  if (out === undefined) {
    out = encodeHead(src, tgt, port);
    if (++headCount > MAX_HEADS) {
      heads = new Map();
      headCount = 1;
    }
    let byTgt = heads.get(src);
    if (byTgt === undefined) heads.set(src, (byTgt = new Map()));
    let byPort = byTgt.get(tgt);
    if (byPort === undefined) byTgt.set(tgt, (byPort = new Map()));
    byPort.set(port, out);
  }
  lastSrc = src;
  lastTgt = tgt;
  lastPort = port;
  lastHead = out;
  return out;
}

function encodeHead(src: string | undefined, tgt: string | undefined, port: string | undefined): Buffer {
  const json = Buffer.from(JSON.stringify([src ?? null, tgt ?? null, port ?? null]), 'utf8');
  const out = Buffer.alloc(8 + pad8(json.length), SPACE);
  out.writeUInt32LE(json.length, 0);
  out.writeUInt32LE(0, 4);
  json.copy(out, 8);
  return out;
}
