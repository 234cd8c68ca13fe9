/**
 * A batch's data values as they cross to a worker and back: a compact columnar form when every
 * value allows it (all numbers; all strings; flat objects with the same keys whose values are all
 * numbers), otherwise the values themselves for structured clone. Its {@link transferList} is
 * transferred, never copied: the only copy on either side is the encoding itself.
 *
 * @example
 * ```ts
 * const enc = encodeValues([1, 2, 3]); // { kind: 'f64', ... }
 * port.postMessage(enc, transferList(enc));
 * decodeValues(enc); // [1, 2, 3]
 * ```
 */
export type EncodedValues =
  | { readonly kind: 'f64'; readonly f64: Float64Array }
  | { readonly kind: 'str'; readonly bytes: Uint8Array; readonly ends: Uint32Array }
  | { readonly kind: 'rec'; readonly keys: readonly string[]; readonly f64: Float64Array }
  | { readonly kind: 'clone'; readonly values: readonly unknown[] };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** ES2024's String.prototype.isWellFormed (Node 20, current browsers); the project's lib predates it. */
type WellFormed = string & { isWellFormed(): boolean };

/**
 * Encodes `values`, choosing the form by a look at the first value and falling back to
 * structured clone the moment one value does not fit (so a mixed batch costs one partial pass).
 *
 * @example
 * ```ts
 * encodeValues([{ x: 1, y: 2 }, { x: 3, y: 4 }]).kind; // 'rec'
 * encodeValues([{ x: 'a' }]).kind; // 'clone'
 * ```
 */
export function encodeValues(values: readonly unknown[]): EncodedValues {
  return encodeFrom(values, identity);
}

/**
 * Encodes the `data` of each message, read in place (no array of the values is built unless the
 * batch is cloned).
 *
 * @example
 * ```ts
 * const enc = encodeData(batch.messages);
 * ```
 */
export function encodeData(messages: readonly { readonly data: unknown }[]): EncodedValues {
  return encodeFrom(messages, dataOf);
}

const identity = (v: unknown): unknown => v;
const dataOf = (m: unknown): unknown => (m as { data: unknown }).data;

function encodeFrom<T>(items: readonly T[], get: (item: T) => unknown): EncodedValues {
  const first = items.length > 0 ? get(items[0]!) : undefined;
  const compact = typeof first === 'number' ? numbers(items, get) : typeof first === 'string' ? strings(items, get) : isPlain(first) ? records(items, get, Object.keys(first)) : undefined;
  return compact ?? { kind: 'clone', values: get === identity ? (items as readonly unknown[]) : items.map(get) };
}

function numbers<T>(items: readonly T[], get: (item: T) => unknown): EncodedValues | undefined {
  const f64 = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = get(items[i]!);
    if (typeof v !== 'number') return undefined;
    f64[i] = v;
  }
  return { kind: 'f64', f64 };
}

function strings<T>(items: readonly T[], get: (item: T) => unknown): EncodedValues | undefined {
  // One concatenation and one encode for the batch; the ends are UTF-16 offsets into the text.
  const ends = new Uint32Array(items.length);
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const v = get(items[i]!);
    // A lone surrogate would not survive UTF-8: such a batch is cloned instead.
    if (typeof v !== 'string' || !(v as WellFormed).isWellFormed()) return undefined;
    text += v;
    ends[i] = text.length;
  }
  const bytes = encoder.encode(text);
  return { kind: 'str', bytes, ends };
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function records<T>(items: readonly T[], get: (item: T) => unknown, keys: string[]): EncodedValues | undefined {
  const k = keys.length;
  // An own "__proto__" key would be set as the prototype when the record is rebuilt: cloned instead.
  if (k === 0 || k > 16 || keys.includes('__proto__')) return undefined;
  const f64 = new Float64Array(items.length * k);
  for (let i = 0; i < items.length; i++) {
    const v = get(items[i]!);
    if (!isPlain(v)) return undefined;
    let n = 0;
    for (const key in v) {
      // Same keys in the same order (the usual literal shape); anything else is cloned.
      if (key !== keys[n]) return undefined;
      const x = v[key];
      if (typeof x !== 'number') return undefined;
      f64[i * k + n++] = x;
    }
    if (n !== k) return undefined;
  }
  return { kind: 'rec', keys, f64 };
}

/**
 * The buffers of `enc` to transfer with it (kept off the encoded value itself, so the message
 * carries them once).
 *
 * @example
 * ```ts
 * port.postMessage(enc, transferList(enc));
 * ```
 */
export function transferList(enc: EncodedValues): ArrayBuffer[] {
  switch (enc.kind) {
    case 'f64':
    case 'rec':
      return [enc.f64.buffer as ArrayBuffer];
    case 'str':
      return [enc.bytes.buffer as ArrayBuffer, enc.ends.buffer as ArrayBuffer];
    case 'clone':
      return [];
  }
}

/**
 * The values `encodeValues` encoded, as plain values again.
 *
 * @example
 * ```ts
 * decodeValues(encodeValues(['a', 'bc'])); // ['a', 'bc']
 * ```
 */
export function decodeValues(enc: EncodedValues): unknown[] {
  switch (enc.kind) {
    case 'f64':
      return Array.from(enc.f64);
    case 'str': {
      const text = decoder.decode(enc.bytes);
      const out = new Array<string>(enc.ends.length);
      let at = 0;
      for (let i = 0; i < out.length; i++) out[i] = text.slice(at, (at = enc.ends[i]!));
      return out;
    }
    case 'rec': {
      const { keys, f64 } = enc;
      const k = keys.length;
      const out = new Array<Record<string, number>>(f64.length / k);
      for (let i = 0; i < out.length; i++) {
        const o: Record<string, number> = {};
        for (let j = 0; j < k; j++) o[keys[j]!] = f64[i * k + j]!;
        out[i] = o;
      }
      return out;
    }
    case 'clone':
      return enc.values as unknown[];
  }
}
