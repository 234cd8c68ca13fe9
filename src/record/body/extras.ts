import type { Priority, StreamMessage } from '../../message.js';
import { SPACE, jsonExactNumber, pad8, padTo8, type BodyArea } from './body-codec.js';
import { joinText, textColumnBytes } from './text-column.js';

// What a columns batch carries beside its numbers since format 4 (body-codec.ts): string ids, a
// priority column and a key column. The spec's own messages have string ids ('msg-1'), and a
// stream with priorities or conflation keys is an ordinary one, so without these such batches
// went whole as JSON: 1.2-1.8M msg/s appended and 115-145 bytes a message (bench/record-log.ts),
// and 0.9M msg/s recorded on the connection path, below the recording floor of 1M msg/s.

/**
 * The extras of one batch, planned: each `undefined` when the batch has none of it. @internal
 *
 * @example
 * ```ts
 * const extras: ExtrasPlan | undefined = planExtras(messages, true, false); // undefined: an id JSON would change
 * ```
 */
export interface ExtrasPlan {
  /** The ids as one JSON array, when they are not all numbers, nor all strings that join as well-formed text. */
  readonly ids: string | undefined;
  /** The ids, when they are all strings (format 5's text column), and their joined text. */
  readonly idStrings: readonly string[] | undefined;
  readonly idText: string | undefined;
  /** One code per message (0 none, then 1-4 as in PRIORITY_NAMES), when any message has a priority. */
  readonly priorities: Uint8Array | undefined;
  /** The keys as one JSON array, null where a message has none, when any message has one. */
  readonly keys: string | undefined;
  /** The most bytes these columns take (JSON: three bytes a UTF-16 unit, the most UTF-8 needs). */
  readonly bytes: number;
}

/**
 * The priority a code stands for (0: none). @internal
 *
 * @example
 * ```ts
 * const priority = PRIORITY_NAMES[code]; // undefined for 0
 * ```
 */
export const PRIORITY_NAMES: readonly (Priority | undefined)[] = [undefined, 'low', 'normal', 'high', 'critical'];

/** The code of a priority; -1 for a value that is not one (the batch then goes as JSON). */
function priorityCode(p: unknown): number {
  switch (p) {
    case undefined:
      return 0;
    case 'low':
      return 1;
    case 'normal':
      return 2;
    case 'high':
      return 3;
    case 'critical':
      return 4;
    default:
      return -1;
  }
}

/**
 * An id or key JSON gives back as it is: a string, or a finite number other than -0. The reader
 * holds the JSON columns to the same rule (body-decode.ts). @internal
 *
 * @example
 * ```ts
 * if (!jsonExact(m.key)) return undefined; // the batch goes as JSON
 * ```
 */
export const jsonExact = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && jsonExactNumber(v));

/**
 * Plans the extras of `messages`: their ids as JSON when `idJson`, their priorities and keys
 * when `more` (some message has one). A second read of those fields (planColumns read them
 * once to know there are extras): a getter that answers differently is recorded as it answers
 * here. `undefined` when one of them cannot go as a column
 * exactly (an object id, a NaN key, a priority that is not one of the four, a `null` key): the
 * batch then goes as JSON, as it did before format 4. @internal
 *
 * @example
 * ```ts
 * const extras = planExtras(messages, messages.some((m) => typeof m.id !== 'number'), true);
 * ```
 */
export function planExtras(messages: readonly StreamMessage[], idJson: boolean, more: boolean): ExtrasPlan | undefined {
  const n = messages.length;
  const ids: unknown[] | undefined = idJson ? new Array(n) : undefined;
  let allStrings = idJson;
  let priorities: Uint8Array | undefined;
  let keys: unknown[] | undefined;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    if (ids !== undefined) {
      const id = m.id;
      if (!jsonExact(id)) return undefined;
      if (typeof id !== 'string') allStrings = false;
      ids[i] = id;
    }
    if (!more) continue;
    const code = priorityCode(m.priority);
    if (code < 0) return undefined;
    if (code > 0) (priorities ??= new Uint8Array(n))[i] = code;
    const key = m.key;
    if (key === undefined) {
      if (keys !== undefined) keys[i] = null;
    } else {
      if (!jsonExact(key)) return undefined;
      (keys ??= new Array<unknown>(n).fill(null, 0, i))[i] = key;
    }
  }
  // Ids all strings go as text (text-column.ts), unless a lone surrogate asks for JSON's escapes.
  const idStrings = allStrings ? (ids as string[]) : undefined;
  const idText = idStrings && joinText(idStrings);
  const idJsonText = ids && idText === undefined ? JSON.stringify(ids) : undefined;
  const keyText = keys && JSON.stringify(keys);
  const idBytes = idText !== undefined ? textColumnBytes(n, idText) : idJsonText ? 8 + pad8(3 * idJsonText.length) : 0;
  const bytes = idBytes + (priorities ? pad8(n) : 0) + (keyText ? 8 + pad8(3 * keyText.length) : 0);
  return { ids: idJsonText, idStrings: idText === undefined ? undefined : idStrings, idText, priorities, keys: keyText, bytes };
}

/**
 * Writes a JSON column at `off` (8-aligned): u32 byte length, u32 `second`, the UTF-8 of `json`
 * padded with spaces to 8; returns the end. `area` must hold `off + 8 + 3 * json.length + 7`
 * bytes. @internal
 *
 * @example
 * ```ts
 * if (extras.ids !== undefined) o = writeJsonColumn(area, o, extras.ids, 0);
 * ```
 */
export function writeJsonColumn(area: BodyArea, off: number, json: string, second: number): number {
  const length = area.bytes.write(json, off + 8, 'utf8');
  area.i32[off >> 2] = length;
  area.i32[(off + 4) >> 2] = second;
  return padTo8(area.bytes, off + 8 + length, SPACE);
}

/**
 * Writes a column of bytes (the priority codes; format 5's column kinds and booleans) at `off`
 * (8-aligned), zero-padded to 8; returns the end. @internal
 *
 * @example
 * ```ts
 * if (extras.priorities) o = writeU8Column(area, o, extras.priorities);
 * ```
 */
export function writeU8Column(area: BodyArea, off: number, codes: Uint8Array): number {
  area.bytes.set(codes, off);
  return padTo8(area.bytes, off + codes.length, 0);
}
