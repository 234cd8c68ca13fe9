import { CloseCode, type ClientMessage } from './protocol.js';

// Strict, hand-written parsing of client → server control frames: no schema library and no
// JSON.parse reviver. Hostile input yields a typed refusal with its close code, never a throw.

/**
 * Why a control frame was refused, with the close code the server answers it with.
 *
 * @example
 * ```ts
 * const r = parseClientFrame('{"type":"nope"}');
 * if (!r.ok) ws.close(r.code, r.reason); // 4501 'unknown type'
 * ```
 */
export type ParseResult =
  | { readonly ok: true; readonly msg: ClientMessage }
  | { readonly ok: false; readonly code: number; readonly reason: string };

const MAX_ID = 256;
const MAX_U32 = 2 ** 32 - 1;
const FIELDS: Readonly<Record<ClientMessage['type'], readonly string[]>> = {
  hello: ['type', 'v', 'enc', 'want'],
  sub: ['type', 's', 'w', 'buf', 'iv', 'cr', 'since'],
  unsub: ['type', 's'],
  credit: ['type', 'g'],
  metrics: ['type', 'iv', 'ids'],
  ping: ['type', 't'],
};

class Refusal {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {}
}
const malformed = () => new Refusal(CloseCode.Malformed, 'malformed frame');
const invalid = (name: string) => new Refusal(CloseCode.InvalidField, `invalid field: ${name}`);

/** Own keys only, and none that could reach a prototype when copied. */
function plainObject(x: unknown): Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) throw malformed();
  for (const k of Object.keys(x)) if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw malformed();
  return x as Record<string, unknown>;
}

function uint(o: Record<string, unknown>, name: string, min = 0, max = MAX_U32): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(name);
  return v;
}

function finite(o: Record<string, unknown>, name: string): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(name);
  return v;
}

function id(o: Record<string, unknown>, name: string): string {
  const v = o[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID) throw invalid(name);
  return v;
}

function read(o: Record<string, unknown>): ClientMessage {
  const type = o.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) throw new Refusal(CloseCode.UnknownType, 'unknown type');
  for (const k of Object.keys(o)) if (!FIELDS[type as ClientMessage['type']].includes(k)) throw invalid(k.slice(0, 64));
  switch (type as ClientMessage['type']) {
    case 'hello':
      if (o.v !== 1) throw new Refusal(CloseCode.UnsupportedVersion, 'unsupported version');
      return { type: 'hello', v: 1 };
    case 'sub': {
      const msg = { type: 'sub' as const, s: uint(o, 's'), w: id(o, 'w'), buf: uint(o, 'buf', 1), iv: uint(o, 'iv', 0, 3_600_000), cr: uint(o, 'cr', 0) };
      if (o.since === undefined) return msg;
      const since = plainObject(o.since);
      if (Object.keys(since).some((k) => k !== 'e' && k !== 'q')) throw invalid('since');
      return { ...msg, since: { e: id(since, 'e'), q: uint(since, 'q', 0, Number.MAX_SAFE_INTEGER) } };
    }
    case 'unsub':
      return { type: 'unsub', s: uint(o, 's') };
    case 'credit': {
      const g = o.g;
      if (!Array.isArray(g) || g.length === 0 || g.length > 1024) throw invalid('g');
      const grants = g.map((pair: unknown) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw invalid('g');
        const [s, n] = pair as unknown[];
        if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_U32) throw invalid('g');
        if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > MAX_U32) throw invalid('g');
        return [s, n] as const;
      });
      return { type: 'credit', g: grants };
    }
    case 'metrics':
      if (o.ids !== undefined) throw invalid('ids'); // reserved: not served in v1
      return { type: 'metrics', iv: uint(o, 'iv', 0, 3_600_000) };
    case 'ping':
      return { type: 'ping', t: finite(o, 't') };
  }
}

/**
 * Parses one client → server text frame. Returns the message, or the close code and reason
 * to answer it with (4500 malformed, 4501 unknown type, 4502 unsupported version, 4504 invalid
 * field). Never throws, whatever the input.
 *
 * @example
 * ```ts
 * parseClientFrame('{"type":"ping","t":1}'); // { ok: true, msg: { type: 'ping', t: 1 } }
 * parseClientFrame('{"type":"sub","s":-1}'); // { ok: false, code: 4504, reason: 'invalid field: s' }
 * ```
 */
export function parseClientFrame(text: string): ParseResult {
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw malformed();
    }
    return { ok: true, msg: read(plainObject(raw)) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code, reason: e.reason };
    return { ok: false, code: CloseCode.Malformed, reason: 'malformed frame' };
  }
}
