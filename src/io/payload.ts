/**
 * How an I/O node turns the bytes it receives into a message's data:
 * `json` (parsed; a parse error is a malformed payload), `text` (UTF-8), or `bytes` (a Uint8Array).
 *
 * @example
 * ```ts
 * const f: PayloadFormat = 'json';
 * ```
 */
export type PayloadFormat = 'json' | 'text' | 'bytes';

/** The payload formats, for config checks. @internal */
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['json', 'text', 'bytes'];

/**
 * The outcome of decoding one payload: its data, or a typed fault.
 *
 * @example
 * ```ts
 * const d = decodePayload(buf, 'json', 1 << 20);
 * if (!d.ok) console.warn(d.code, d.message);
 * ```
 */
export type Decoded = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly code: 'MALFORMED_PAYLOAD' | 'OVERSIZED_PAYLOAD'; readonly message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

// In Node a payload is usually a Buffer: its native UTF-8 check and toString are several times
// faster than a fatal TextDecoder on small messages (the per-message cost of an MQTT or NATS source).
type NodeBuffer = Uint8Array & { toString(encoding: 'utf8'): string };
const NodeBufferCtor = (globalThis as { Buffer?: { isBuffer(b: unknown): boolean; isUtf8?(b: Uint8Array): boolean } }).Buffer;
const isUtf8 = NodeBufferCtor?.isUtf8;
function text(payload: Uint8Array): string | undefined {
  if (isUtf8 !== undefined && NodeBufferCtor!.isBuffer(payload)) return isUtf8(payload) ? (payload as NodeBuffer).toString('utf8') : undefined;
  try {
    return utf8.decode(payload);
  } catch {
    return undefined;
  }
}

/**
 * Decodes `payload` as `format`, refusing more than `maxBytes` before any parsing (an oversized
 * payload costs a length check, not a parse).
 *
 * @example
 * ```ts
 * decodePayload(new TextEncoder().encode('{"t":1}'), 'json', 1024); // { ok: true, data: { t: 1 } }
 * decodePayload(new TextEncoder().encode('{'), 'json', 1024).ok; // false: MALFORMED_PAYLOAD
 * ```
 */
export function decodePayload(payload: Uint8Array | string, format: PayloadFormat, maxBytes: number): Decoded {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > maxBytes) return { ok: false, code: 'OVERSIZED_PAYLOAD', message: `payload of ${size} bytes exceeds maxPayloadBytes (${maxBytes})` };
  if (format === 'bytes') return { ok: true, data: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload };
  const s = typeof payload === 'string' ? payload : text(payload);
  if (s === undefined) return { ok: false, code: 'MALFORMED_PAYLOAD', message: 'payload is not valid UTF-8' };
  if (format === 'text') return { ok: true, data: s };
  try {
    return { ok: true, data: JSON.parse(s) as unknown };
  } catch (error) {
    return { ok: false, code: 'MALFORMED_PAYLOAD', message: `payload is not JSON (${(error as Error).message})` };
  }
}

/**
 * Encodes a message's data for the outside: `json` (JSON.stringify), `text` (String(data)), or
 * `bytes` (a Uint8Array or string as is).
 *
 * @example
 * ```ts
 * encodePayload({ t: 1 }, 'json'); // '{"t":1}'
 * ```
 */
export function encodePayload(data: unknown, format: PayloadFormat): string | Uint8Array {
  if (format === 'json') return JSON.stringify(data) ?? 'null';
  if (format === 'text') return typeof data === 'string' ? data : String(data);
  if (data instanceof Uint8Array || typeof data === 'string') return data;
  throw new TypeError(`a 'bytes' payload must be a Uint8Array or a string, got ${data === null ? 'null' : typeof data}`);
}
