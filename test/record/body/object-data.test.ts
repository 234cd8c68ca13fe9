import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { BODY_JSON_DATA, BODY_OBJECT_DATA, DATA_I32 } from '../../../src/record/body/body-codec.js';
import { decodeBatchBytes, encodeBatchBytes } from '../../../src/record/body/body-bytes.js';
import { MAX_OBJECT_KEYS } from '../../../src/record/body/object-data.js';
import { BODY_FIXED, FRAME_HEADER, frameMessages } from '../../../src/record/file-log/frame.js';
import { PendingFrames } from '../../../src/record/file-log/pending.js';

const NUMRUNS = Number(process.env.NUMRUNS ?? 300);
const kindOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(0);
const msg = (i: number, data: unknown): StreamMessage => ({ id: i, timestamp: 1_700_000_000_000, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data });
const batch = (...datas: unknown[]) => datas.map((d, i) => msg(i + 1, d));
/** What a JSON body gives back: the rule every kind is held to. */
const viaJson = (ms: StreamMessage[]) => JSON.parse(JSON.stringify(ms)) as StreamMessage[];
/** Kind and messages back, with each data object's keys in order (toEqual does not look at order). */
const roundTrip = (ms: StreamMessage[]) => {
  const bytes = encodeBatchBytes(ms);
  const back = decodeBatchBytes(bytes);
  return { kind: kindOf(bytes), back, keys: back.map((m) => (typeof m.data === 'object' && m.data !== null ? Object.keys(m.data) : null)) };
};
const keysInOrder = (ms: StreamMessage[]) => viaJson(ms).map((m) => (typeof m.data === 'object' && m.data !== null ? Object.keys(m.data) : null));

// Values JSON keeps as they are, per key type, and values that make a batch JSON data.
const exactNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)));
const columnValue = fc.constantFrom('int', 'num', 'bool', 'str').map((t): fc.Arbitrary<unknown> => (t === 'int' ? fc.integer() : t === 'num' ? exactNumber : t === 'bool' ? fc.boolean() : fc.string()));
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0', '7', 'constructor', 'toString', 'é', '\ud800')).filter((k) => k !== '__proto__');

describe('record body object data (format 5): a column per key', () => {
  it('flat objects with one set of keys go a column per key and come back exactly, keys in their order', () => {
    const shape = fc.uniqueArray(key, { maxLength: 8 }).chain((keys) => fc.tuple(fc.constant(keys), fc.tuple(...keys.map(() => columnValue))));
    fc.assert(
      fc.property(
        shape.chain(([keys, gens]) => fc.array(fc.tuple(...gens), { minLength: 1, maxLength: 60 }).map((rows) => rows.map((row) => Object.fromEntries(keys.map((k, c) => [k, row[c]]))))),
        (datas) => {
          const ms = batch(...datas);
          const { kind, back, keys } = roundTrip(ms);
          expect(kind).toBe(BODY_OBJECT_DATA);
          expect(back).toEqual(ms);
          expect(keys).toEqual(keysInOrder(ms));
        },
      ),
      { numRuns: NUMRUNS },
    );
  });

  it('batch after batch, keys that change (fewer, more, others, another order) are each batch\'s own', () => {
    // The writer compares each batch's keys with the last batch's as it lists them: every way
    // they can differ, one after the other.
    for (const keys of [['a', 'b'], ['a'], ['a', 'b', 'c'], ['b', 'a'], ['x'], [], ['a', 'b'], ['a', 'b']]) {
      const ms = batch(...[1, 2, 3].map((v) => Object.fromEntries(keys.map((k) => [k, v]))));
      const { kind, back, keys: got } = roundTrip(ms);
      expect(kind).toBe(BODY_OBJECT_DATA);
      expect(back).toEqual(ms);
      expect(got).toEqual(ms.map(() => keys));
    }
  });

  it('any mix of data comes back as JSON gives it back, whichever kind its batch goes as', () => {
    // A few keys and values, some JSON changes (NaN, -0, undefined), some not flat: batches of
    // every kind, so the choice of kind is seen never to change what comes back.
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, NaN, -0, Infinity, true, 'x', null, undefined, [1], { n: 1 }));
    const data = fc.oneof({ weight: 3, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'c'), value, { maxKeys: 3 }) }, fc.integer(), fc.constant(null));
    let columns = 0;
    fc.assert(
      fc.property(fc.array(data, { minLength: 1, maxLength: 20 }), (datas) => {
        const ms = batch(...datas);
        const { kind, back, keys } = roundTrip(ms);
        if (kind === BODY_OBJECT_DATA) columns++;
        expect(back).toEqual(viaJson(ms));
        expect(keys).toEqual(keysInOrder(ms));
      }),
      { numRuns: NUMRUNS },
    );
    expect(columns).toBeGreaterThan(0);
  });

  it('data JSON would change or that is not a plain object with the same keys goes as JSON data, as before', () => {
    const posing = (a: unknown[]) => Object.defineProperty(a, '__proto__', { value: Object.prototype });
    class Reading {
      constructor(readonly v: number) {}
    }
    const keyed = Object.fromEntries(Array.from({ length: MAX_OBJECT_KEYS + 1 }, (_, k) => [`k${k}`, k]));
    const odd: Record<string, unknown[]> = {
      'a number JSON changes': [{ v: 1 }, { v: NaN }],
      '-0': [{ v: -0 }],
      'null': [{ v: null }],
      'nested': [{ v: { w: 1 } }],
      'another key order': [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      'a key more': [{ a: 1 }, { a: 1, b: 2 }],
      'a key less': [{ a: 1, b: 2 }, { a: 1 }],
      'types that differ by message': [{ v: 1 }, { v: '1' }],
      'a class instance': [new Reading(1)],
      'a Date': [new Date(0)],
      'an array': [[1, 2]],
      'no prototype': [Object.assign(Object.create(null) as object, { v: 1 })],
      'an own __proto__ key': [JSON.parse('{"__proto__": 1}')],
      [`more than ${MAX_OBJECT_KEYS} keys`]: [keyed],
      'numbers first': [1, { v: 1 }],
      // A toJSON of its own sends the batch whole as JSON (columns.ts), as before.
      'a toJSON': [{ v: 1, toJSON: () => 'x' }],
      // Objects that pose as plain ones, which JSON writes otherwise.
      'an array with an own __proto__ of Object.prototype': [posing([1, 2]), posing([3, 4])],
      'a Proxy of an array claiming Object.prototype': [new Proxy([1, 2], { getPrototypeOf: () => Object.prototype })],
      'a key inherited from a plain object': [{ v: 1, x: 5 }, Object.assign(Object.create({ x: 1 }) as object, { v: 2 })],
      'a boxed number': [Object(5) as object],
      // Keys listed in an order no object has (integer-like ones come first): the reader would make them another order.
      'a Proxy listing its keys out of order': [new Proxy({ a: 1, 1: 2, b: 3 }, { ownKeys: () => ['b', '1', 'a'] })],
    };
    for (const [why, datas] of Object.entries(odd)) {
      const ms = batch(...datas);
      const { kind, back } = roundTrip(ms);
      expect([why, kind === BODY_OBJECT_DATA]).toEqual([why, false]);
      expect([why, back]).toEqual([why, viaJson(ms)]);
    }
  });

  it('an enumerable property on Object.prototype (which JSON leaves out) sends object data as JSON', () => {
    const ms = batch({ v: 1 }, { v: 2 });
    expect(roundTrip(ms).kind).toBe(BODY_OBJECT_DATA);
    (Object.prototype as Record<string, unknown>).polluted = 1;
    try {
      const { kind, back } = roundTrip(ms);
      expect(kind).toBe(BODY_JSON_DATA);
      expect(back.map((m) => Object.keys(m.data as object))).toEqual([['v'], ['v']]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('reads back whatever Object.prototype holds in the reading process (a read-only property or a setter of a key\'s name)', () => {
    const ms = batch({ temp: 1, constructor: 'a' }, { temp: 2, constructor: 'b' });
    const bytes = encodeBatchBytes(ms);
    expect(kindOf(bytes)).toBe(BODY_OBJECT_DATA);
    Object.defineProperty(Object.prototype, 'temp', { value: 0, writable: false, configurable: true });
    Object.defineProperty(Object.prototype, 'constructor', { set() {}, configurable: true });
    try {
      const back = decodeBatchBytes(bytes);
      expect(back.map((m) => JSON.stringify(m.data))).toEqual(['{"temp":1,"constructor":"a"}', '{"temp":2,"constructor":"b"}']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).temp;
      Object.defineProperty(Object.prototype, 'constructor', { value: Object, writable: true, enumerable: false, configurable: true });
    }
    expect(({}).constructor).toBe(Object);
  });

  it('a Proxy\'s key list is asked for once when its batch goes as columns', () => {
    let asked = 0;
    const p = new Proxy({ a: 1, b: 2 }, { ownKeys: (t) => (asked++, Reflect.ownKeys(t)) });
    const { kind, back } = roundTrip(batch(p, { a: 3, b: 4 }));
    expect(kind).toBe(BODY_OBJECT_DATA);
    expect(back.map((m) => m.data)).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    expect(asked).toBe(1);
  });

  it('a batch with other keys recorded while the keys of one are listed (a Proxy\'s trap) leaves that one\'s keys its own', () => {
    roundTrip(batch({ a: 1 }, { a: 2 })); // the last keys are ['a']
    let innerBytes: Uint8Array | undefined;
    const inner = batch({ b: 'inner' }, { b: 'inner2' });
    const p = new Proxy({ a: 1 }, { ownKeys: (t) => ((innerBytes ??= encodeBatchBytes(inner)), Reflect.ownKeys(t)) });
    const { kind, back, keys } = roundTrip(batch(p, { a: 3 }));
    expect(kind).toBe(BODY_OBJECT_DATA);
    expect(back.map((m) => m.data)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(keys).toEqual([['a'], ['a']]);
    expect(decodeBatchBytes(innerBytes!)).toEqual(inner);
  });

  it('a getter is read once, as JSON would; a batch recorded from inside a getter is its own', () => {
    let reads = 0;
    const inner = batch({ w: 'inner' }, { w: 'inner2' });
    let innerBytes: Uint8Array | undefined;
    const data = {
      get v() {
        reads++;
        // Another batch encoded while this one is planned: its columns are its own.
        innerBytes ??= encodeBatchBytes(inner);
        return 5;
      },
    };
    const ms = batch(data, { v: 6 });
    const { kind, back } = roundTrip(ms);
    expect(kind).toBe(BODY_OBJECT_DATA);
    expect(back.map((m) => m.data)).toEqual([{ v: 5 }, { v: 6 }]);
    expect(reads).toBe(1);
    expect(decodeBatchBytes(innerBytes!)).toEqual(inner);
  });

  it('written into a reused buffer (the file log\'s), the padding is zeros again, so the frame reads back', () => {
    const pending = new PendingFrames();
    // Bytes of every value where the next frames' padding will be.
    const noise = batch(...Array.from({ length: 7 }, (_, i) => ({ t: -1 - i * 1e300 })));
    for (let k = 0; k < 50; k++) pending.add(1, 0, noise, 1 << 20);
    pending.clear();
    const ms = batch({ a: 1, b: true }, { a: 2, b: false }, { a: 3, b: true });
    expect(pending.add(1, 0, ms, 1 << 20)).toBe(true);
    expect(frameMessages(pending.buf, 0, pending.length)).toEqual(ms);
    // Every 32-bit column's padding too (times as offsets, data as i32, an odd count): the
    // frame's body is the bytes a fresh buffer gets, nothing of the frames before.
    const moving = [1, 2, 3].map((i): StreamMessage => ({ ...msg(i, i * 7), timestamp: 1000 + i }));
    for (let k = 0; k < 50; k++) pending.add(1, 0, noise, 1 << 20);
    pending.clear();
    for (let k = 0; k < 2; k++) {
      const start = pending.length;
      pending.add(1, 0, moving, 1 << 20);
      const body = pending.buf.subarray(start + FRAME_HEADER + BODY_FIXED, pending.length);
      expect(body.toString('hex')).toBe(Buffer.from(encodeBatchBytes(moving)).subarray(8).toString('hex'));
    }
  });

  it('object keys in an order no writer puts them (integer-like keys come first) are refused', () => {
    const good = Buffer.from(encodeBatchBytes(batch({ b: 1, 1: 2 })));
    const keys = good.indexOf('["1","b"]');
    expect(decodeBatchBytes(good)[0]!.data).toEqual({ 1: 2, b: 1 });
    const swapped = Buffer.from(good);
    swapped.write('["b","1"]', keys);
    expect(() => decodeBatchBytes(swapped)).toThrow(/not in the order a writer puts them/);
  });

  it('damaged object data is refused, never read as data', () => {
    const ms = batch({ a: 1, b: true, c: 'x', d: 0.5 }, { a: 2, b: false, c: 'y', d: 1.5 }, { a: 3, b: true, c: 'z', d: 2.5 });
    const good = Buffer.from(encodeBatchBytes(ms));
    expect(kindOf(good)).toBe(BODY_OBJECT_DATA);
    expect(decodeBatchBytes(good)).toEqual(ms);
    // Where the sections are: the keys' JSON (after its u32 length and u32 count), the kinds,
    // then the columns a (i32), b (booleans), c (strings), d (f64).
    const keysText = good.indexOf('["a","b","c","d"]');
    const kinds = keysText + 24;
    const a = kinds + 8;
    const b = a + 16;
    const d = good.length - 24;
    expect([...good.subarray(kinds, kinds + 4)]).toEqual([0, 2, 3, 1]);
    const damaged = (change: (buf: Buffer) => void) => {
      const buf = Buffer.from(good);
      change(buf);
      return () => decodeBatchBytes(buf);
    };
    expect(damaged((x) => x.write('["a","a"', keysText))).toThrow(/key "a" is not one a writer puts/);
    // Bytes that are not UTF-8 in the keys, and in a string column: refused, not read as U+FFFD.
    expect(damaged((x) => (x[keysText + 2] = 0xe1))).toThrow(/not UTF-8/);
    expect(damaged((x) => x.set([0xf0, 0x9f, 0x98], good.indexOf('xyz')))).toThrow(/not UTF-8/);
    expect(damaged((x) => x.write('["__proto__","b","c"]', keysText - 4))).toThrow();
    expect(damaged((x) => x.writeUInt32LE(5, keysText - 4))).toThrow(/second word is not 5|does not hold 5/);
    expect(damaged((x) => x.writeUInt32LE(MAX_OBJECT_KEYS + 1, keysText - 4))).toThrow(/more than a writer puts/);
    expect(damaged((x) => (x[kinds] = 4))).toThrow(/unknown object column kind 4/);
    expect(damaged((x) => (x[kinds + 5] = 1))).toThrow(/kinds is not padded with zeros/);
    expect(damaged((x) => (x[a + 12] = 1))).toThrow(/i32 column is not padded with zeros/);
    expect(damaged((x) => (x[b] = 2))).toThrow(/boolean column of "b" holds 2/);
    expect(damaged((x) => (x[b + 3] = 1))).toThrow(/boolean column is not padded with zeros/);
    expect(damaged((x) => x.writeDoubleLE(NaN, d))).toThrow(/number column of "d" holds NaN/);
    expect(damaged((x) => x.writeDoubleLE(-0, d + 8))).toThrow(/holds -0/);
    // The strings as text: three lengths (one i32 of padding), then 'xyz'.
    const text = good.indexOf('xyz');
    expect(damaged((x) => x.writeInt32LE(0, text - 16))).toThrow(/"c" string text column's lengths do not add up/);
    expect(damaged((x) => x.writeInt32LE(1, text - 4))).toThrow(/"c" string text column is not padded with zeros/);
    // The shape says the data is i32, which no writer of this kind says.
    expect(damaged((x) => x.writeUInt32LE(x.readUInt32LE(12) | DATA_I32, 12))).toThrow(/unknown columns shape/);
    // Cut short: the columns run past the body.
    expect(() => decodeBatchBytes(good.subarray(0, good.length - 8))).toThrow(/past the end|end before/);
  });

  it('data that are all empty objects take no byte a message (no key, one time, consecutive ids): a count above the body\'s size reads back (found by the file log round-trip property at 65 messages)', () => {
    const sizes = new Set<number>();
    for (const n of [64, 65, 1000, 50_000]) {
      const ms = Array.from({ length: n }, (_, i) => msg(i + 1, {}));
      const bytes = encodeBatchBytes(ms);
      expect(kindOf(bytes)).toBe(BODY_OBJECT_DATA);
      sizes.add(bytes.length);
      expect(decodeBatchBytes(bytes)).toEqual(ms);
    }
    expect(sizes.size).toBe(1); // the same bytes whatever the count
    // A count past any batch (a damaged one) is still refused before anything is made of it.
    const bytes = Buffer.from(encodeBatchBytes(Array.from({ length: 100 }, (_, i) => msg(i + 1, {}))));
    expect(bytes.readUInt32LE(4)).toBe(100); // the count, after the kind
    bytes.writeUInt32LE(2 ** 21, 4);
    expect(() => decodeBatchBytes(bytes)).toThrow(/past the end/);
  });
});
