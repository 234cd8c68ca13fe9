import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Priority, StreamMessage } from '../../../src/message.js';
import { BODY_COLUMNS, BODY_JSON, BODY_JSON_DATA, BODY_OBJECT_DATA, ID_JSON, ID_TEXT, KEY, PRIORITY } from '../../../src/record/body/body-codec.js';
import { decodeBatchBytes, encodeBatchBytes } from '../../../src/record/body/body-bytes.js';

const NUMRUNS = Number(process.env.NUMRUNS ?? 300);
const kindOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(0);
/** The shape word of a columns body (after the u32 kind, u32 count and the head's u32 length). */
const shapeOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(12);
/** A decode of a copy of `good` that `change` altered in place, or of the buffer `change` returns. */
const damage = (good: Uint8Array) => (change: (b: Buffer) => unknown) => {
  const b = Buffer.from(good);
  const out = change(b);
  return () => decodeBatchBytes(Buffer.isBuffer(out) ? out : b);
};
const msg = (i: number, extra: Partial<StreamMessage> = {}): StreamMessage => ({ id: `msg-${i}`, timestamp: 1_700_000_000_000 + i, sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: i, ...extra });

// Ids and keys JSON gives back as they are, and those it does not (which send the batch as JSON).
const exactId = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)));
const priority = fc.constantFrom<Priority | undefined>(undefined, 'low', 'normal', 'high', 'critical');
const data = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, NaN, Infinity), fc.jsonValue());

describe('record body extras (format 4): string ids, priorities, keys', () => {
  it('any batch of string or number ids, priorities and keys is columns and comes back exactly (absent stays absent)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: exactId, priority, key: fc.option(exactId, { nil: undefined }), data }), { minLength: 1, maxLength: 60 }), (rows) => {
        const ms = rows.map((r, i): StreamMessage => {
          const m: Record<string, unknown> = { id: r.id, timestamp: 5 + i, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: r.data };
          if (r.priority !== undefined) m.priority = r.priority;
          if (r.key !== undefined) m.key = r.key;
          return m as unknown as StreamMessage;
        });
        const bytes = encodeBatchBytes(ms);
        expect([BODY_COLUMNS, BODY_JSON_DATA, BODY_OBJECT_DATA]).toContain(kindOf(bytes));
        const back = decodeBatchBytes(bytes);
        expect(back.length).toBe(ms.length);
        for (let i = 0; i < ms.length; i++) {
          const [a, b] = [ms[i]!, back[i]!];
          expect(Object.is(b.id, a.id)).toBe(true);
          expect(['priority' in b, b.priority]).toEqual(['priority' in a, a.priority]);
          expect(['key' in b, b.key]).toEqual(['key' in a, a.key]);
          if (typeof a.data === 'number') expect(Object.is(b.data, a.data)).toBe(true);
          else expect(b.data).toEqual(JSON.parse(JSON.stringify([a.data]))[0]);
        }
      }),
      { numRuns: NUMRUNS },
    );
  });

  it('sets only the shape bits of what the batch has', () => {
    const shape = (ms: StreamMessage[]) => shapeOf(encodeBatchBytes(ms)) & (ID_JSON | ID_TEXT | PRIORITY | KEY);
    // Ids all strings go as text (format 5); strings and numbers, or a lone surrogate, as JSON.
    expect(shape([msg(1), msg(2)])).toBe(ID_TEXT);
    expect(shape([msg(1), msg(2, { id: 2 })])).toBe(ID_JSON);
    expect(shape([msg(1), msg(2, { id: 'a\ud800' })])).toBe(ID_JSON);
    expect(shape([msg(1, { id: 1 }), msg(2, { id: 2, priority: 'low' })])).toBe(PRIORITY);
    expect(shape([msg(1, { id: 1, key: 7 }), msg(2, { id: 2 })])).toBe(KEY);
    expect(shape([msg(1, { priority: 'critical', key: 'a' })])).toBe(ID_TEXT | PRIORITY | KEY);
    expect(shape([msg(1, { id: 1 }), msg(2, { id: 2 })])).toBe(0);
  });

  it('an id or key JSON would change, a null key or an unknown priority sends the batch as JSON, as before format 4', () => {
    const odd: Array<Partial<StreamMessage> | Record<string, unknown>> = [{ id: NaN }, { id: -0 }, { id: { n: 1 } }, { key: null }, { key: Infinity }, { key: -0 }, { key: ['k'] }, { priority: 'urgent' }, { priority: null }];
    for (const extra of odd) {
      // The odd message among string ids, so the batch is one that would go as columns.
      const ms = [msg(1), msg(2, extra as Partial<StreamMessage>), msg(3)];
      const bytes = encodeBatchBytes(ms);
      expect([extra, kindOf(bytes)]).toEqual([extra, BODY_JSON]);
      expect(decodeBatchBytes(bytes)).toEqual(JSON.parse(JSON.stringify(ms)));
    }
  });

  it('the spec\'s messages (string ids, object data, a priority) take a fraction of their JSON', () => {
    const ms = Array.from({ length: 50 }, (_, i) => msg(i, { data: { value: i }, priority: i % 10 === 0 ? 'high' : 'normal' }));
    const bytes = encodeBatchBytes(ms);
    expect(kindOf(bytes)).toBe(BODY_OBJECT_DATA);
    expect(decodeBatchBytes(bytes)).toEqual(ms);
    // The routing once, the ids as one array, one byte a priority, the values as an i32 column
    // (format 5): about 18 bytes a message here, against 106 as JSON.
    expect(bytes.length).toBeLessThan(Buffer.byteLength(JSON.stringify(ms)) / 5);
  });

  it('damaged extras are refused, never read as data: an unknown shape bit, a priority code, an id that is not a string or a number, a column past the body', () => {
    // A string id and a number: the JSON id column.
    const ms = [msg(1, { priority: 'high', key: 'a' }), msg(2, { id: 2 })];
    const good = encodeBatchBytes(ms);
    const damaged = damage(good);
    expect(decodeBatchBytes(good)).toEqual(ms);
    expect(damaged((b) => b.writeUInt32LE(b.readUInt32LE(12) | 256, 12))).toThrow(/unknown columns shape/);
    const ids = Buffer.from(good).indexOf('["msg-1"');
    const keys = Buffer.from(good).indexOf('["a",null]');
    // The priority column: its first code, right before the key column's length.
    expect(damaged((b) => (b[keys - 16] = 9))).toThrow(/unknown priority code 9/);
    expect(damaged((b) => b.write('[{"m":1},', ids))).toThrow(/id column holds/);
    expect(damaged((b) => b.write('[1.5, [] ', keys))).toThrow(/key column holds/);
    expect(damaged((b) => b.writeUInt32LE(2 ** 32 - 7, keys - 8))).toThrow(/past the end/);
    expect(damaged((b) => b.writeUInt32LE(b.length, ids - 8))).toThrow(/past the end/);
  });

  it('a shape other than the one written is refused: a bit cleared or added, two layouts of a column, bytes after the last column, words and padding a writer never sets', () => {
    const ms = [msg(1, { priority: 'high', key: 'a' }), msg(2, { id: 2 })];
    const good = Buffer.from(encodeBatchBytes(ms));
    const shape = good.readUInt32LE(12);
    const damaged = damage(good);
    // A bit cleared shifts or drops columns: the last one no longer ends where the body does.
    expect(damaged((b) => b.writeUInt32LE(shape & ~KEY, 12))).toThrow(/end before the body/);
    expect(damaged((b) => b.writeUInt32LE(shape & ~PRIORITY, 12))).toThrow();
    expect(damaged((b) => b.writeUInt32LE(shape & ~ID_JSON, 12))).toThrow(); // a RangeError or a SyntaxError, as decodeBody says
    // Both id layouts, both time layouts, 32-bit data in a JSON data body.
    expect(damaged((b) => b.writeUInt32LE(shape | 1, 12))).toThrow(/unknown columns shape/);
    expect(damaged((b) => b.writeUInt32LE(shape | ID_TEXT, 12))).toThrow(/unknown columns shape/);
    expect(damaged((b) => b.writeUInt32LE(shape | 2 | 4, 12))).toThrow(/unknown columns shape/);
    const objects = Buffer.from(encodeBatchBytes([msg(1, { data: { v: 1 } })]));
    objects.writeUInt32LE(objects.readUInt32LE(12) | 8, 12);
    expect(() => decodeBatchBytes(objects)).toThrow(/unknown columns shape/);
    expect(damaged((b) => Buffer.concat([b, Buffer.alloc(8)]))).toThrow(/end before the body/);
    const ids = good.indexOf('["msg-1"');
    const keys = good.indexOf('["a",null]');
    expect(damaged((b) => b.writeUInt32LE(1, ids - 4))).toThrow(/second word/);
    expect(damaged((b) => b.writeUInt32LE(1, keys - 4))).toThrow(/second word/);
    expect(damaged((b) => (b[keys - 9] = 1))).toThrow(/padded with zeros/);
    // Values a writer never puts in these columns: -0, a non-finite number (1e999 parses as Infinity).
    expect(damaged((b) => b.write('["a",-0  ]', keys))).toThrow(/key column holds -0/);
    expect(damaged((b) => b.write('[1e999,  ', ids))).toThrow(/id column holds Infinity/);
  });

  it('ids that are all strings go as one text (format 5), come back exactly, and a damaged text column is refused', () => {
    const odd = ['', 'é', '😀', 'a\ud83d\ude00b', 'x'.repeat(300), '\u0000'];
    const ms = odd.map((id, i) => msg(i, { id }));
    const good = encodeBatchBytes(ms);
    expect(shapeOf(good) & (ID_TEXT | ID_JSON)).toBe(ID_TEXT);
    expect(decodeBatchBytes(good)).toEqual(ms);
    // A pair split across two ids: the text is well-formed, each id comes back as it was.
    const split = [msg(1, { id: '\ud83d' }), msg(2, { id: '\ude00' })];
    expect(decodeBatchBytes(encodeBatchBytes(split))).toEqual(split);
    // The column: u32 byte length, u32 0, one i32 length per id (two: no padding), then the text.
    const two = encodeBatchBytes([msg(1, { id: 'ab' }), msg(2, { id: 'cde' })]);
    const at = Buffer.from(two).indexOf('abcde') - 16; // the column's start: 8 bytes of words, 8 of two lengths
    const damaged = damage(two);
    expect(decodeBatchBytes(two).map((m) => m.id)).toEqual(['ab', 'cde']);
    expect(damaged((b) => b.writeInt32LE(4, at + 8))).toThrow(/lengths do not add up|run past/);
    expect(damaged((b) => b.writeInt32LE(-1, at + 8))).toThrow(/run past/);
    expect(damaged((b) => b.writeUInt32LE(1, at + 4))).toThrow(/second word is not 0/);
    expect(damaged((b) => (b[at + 16] = 0xff))).toThrow(/not UTF-8/);
    expect(damaged((b) => (b[at + 21] = 1))).toThrow(/padded with zeros/);
    expect(damaged((b) => b.writeUInt32LE(1000, at))).toThrow(/past the end/);
  });

  it('a batch keeps the StreamMessage fields whichever kind it goes as: a field a class provides is kept, other properties are not', () => {
    class Reading {
      get priority(): Priority {
        return 'high';
      }
    }
    const make = (i: number, port = 'out') => Object.assign(new Reading(), { id: i, timestamp: 1, sourceNodeId: 's', targetNodeId: 'w', port, data: i, note: 'not a field' }) as unknown as StreamMessage;
    const columns = [make(1), make(2)];
    const json = [make(1), make(2, 'other')]; // routing of its own: the batch goes whole as JSON
    for (const [ms, kind] of [[columns, BODY_COLUMNS], [json, BODY_JSON]] as const) {
      const bytes = encodeBatchBytes(ms);
      expect(kindOf(bytes)).toBe(kind);
      const back = decodeBatchBytes(bytes);
      expect(back.map((m) => [m.priority, 'note' in m])).toEqual([['high', false], ['high', false]]);
    }
  });
});
