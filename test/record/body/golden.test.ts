import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { decodeBatchBytes, encodeBatchBytes } from '../../../src/record/body/body-bytes.js';
import { BODY_FIXED, FRAME_HEADER } from '../../../src/record/file-log/frame.js';
import { PendingFrames } from '../../../src/record/file-log/pending.js';

// Bytes written by the code of each format, pinned: a change to the layout, a shape bit or a
// priority code fails here before it misreads a log already on disk. Made with encodeBatchBytes
// (u32 kind, u32 count, then the body) of a20c699 (format 2), a279cee (format 3), 090ad40
// (format 4) and the code that made format 5; the bodies of batches without string ids,
// priorities, keys or object data are the same bytes in all four.

const m = (id: string | number, timestamp: number, data: unknown, more: Partial<StreamMessage> = {}, routing = { sourceNodeId: 's', targetNodeId: 't', port: 'p' }): StreamMessage =>
  ({ id, timestamp, ...routing, data, ...more }) as StreamMessage;
const sensor = { sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out' };

const BATCHES: Record<string, StreamMessage[]> = {
  narrow: [1, 2, 3].map((i) => m(100 + i, 1750000000000, i * 7, {}, sensor)),
  wide: [m(5.5, -0.25, NaN, {}, sensor), m(-0, 1e300, -0, {}, sensor)],
  emitted: [{ id: 1, timestamp: 2, sourceNodeId: 's', port: 'out', data: 3 } as StreamMessage],
  objects: [m(1, 10, { v: 'é' }), m(2, 11, NaN)],
  extras: [m('msg-1', 10, 1, { priority: 'high', key: 'k' }), m(2, 12, { v: 2 }, { priority: 'critical' }), m('x', 12, -0, { key: 7 })],
  moving: [0, 5, 9].map((dt, i) => m(7 + i, 1750000000000.5 + dt, 10 + i, {}, sensor)),
  json: [m(1, 2, 1, {}, { sourceNodeId: 's', targetNodeId: 't', port: 'a' }), m(2, 2, 1, {}, { sourceNodeId: 's', targetNodeId: 't', port: 'b' })],
  flat: [1, 2, 3].map((i) => m(i, 10, { value: i * 7 }, {}, sensor)),
  readings: [m('msg-1', 10, { temp: 20.5, unit: '°C', ok: true, n: 1 }, { priority: 'high' }), m('msg-2', 11, { temp: -3, unit: 'C', ok: false, n: 2 })],
};

/** Format 5's bytes of each batch. */
const FORMAT_5: Record<string, string> = {
  narrow:
    '0100000003000000180000000b0000005b2273656e736f72222c226368617274222c226f7574225d0000000000405940' +
    '0000c00d42777942070000000e0000001500000000000000',
  wide:
    '010000000200000018000000000000005b2273656e736f72222c226368617274222c226f7574225d0000000000001640' +
    '0000000000000080000000000000d0bf000000000000d0bf9c7500883ce4377e000000000000f87f0000000000000080',
  emitted:
    '0100000001000000100000000b0000005b2273222c6e756c6c2c226f7574225d000000000000f03f0000000000000040' +
    '0300000000000000',
  objects:
    '02000000020000000d000000050000005b2273222c2274222c2270225d202020000000000000f03f0000000000002440' +
    '000000000100000011000000010000005b7b2276223a22c3a9227d2c6e756c6c5d20202020202020000000000000f03f' +
    '000000000000f87f',
  extras:
    '02000000030000000d000000740000005b2273222c2274222c2270225d2020200f000000000000005b226d73672d3122' +
    '2c322c2278225d200000000000002440000000000200000002000000000000000d000000010000005b312c7b2276223a' +
    '327d2c305d2020200000000000000040000000000000008003040000000000000c000000000000005b226b222c6e756c' +
    '6c2c375d20202020',
  moving:
    '0100000003000000180000000d0000005b2273656e736f72222c226368617274222c226f7574225d0000000000001c40' +
    '0008c00d42777942000000000500000009000000000000000a0000000b0000000c00000000000000',
  json:
    '00000000020000005b7b226964223a312c2274696d657374616d70223a322c22736f757263654e6f64654964223a2273' +
    '222c227461726765744e6f64654964223a2274222c22706f7274223a2261222c2264617461223a317d2c7b226964223a' +
    '322c2274696d657374616d70223a322c22736f757263654e6f64654964223a2273222c227461726765744e6f64654964' +
    '223a2274222c22706f7274223a2262222c2264617461223a317d5d2020202020',
  flat:
    '030000000300000018000000030000005b2273656e736f72222c226368617274222c226f7574225d000000000000f03f' +
    '000000000000244009000000010000005b2276616c7565225d202020202020200000000000000000070000000e000000' +
    '1500000000000000',
  readings:
    '03000000020000000d000000a40000005b2273222c2274222c2270225d2020200a000000000000000500000005000000' +
    '6d73672d316d73672d320000000000000000000000002440000000000100000018000000040000005b2274656d70222c' +
    '22756e6974222c226f6b222c226e225d0103020000000000000000000080344000000000000008c00400000000000000' +
    '0200000001000000c2b0434300000000010000000000000001000000020000000300000000000000',
};

/** Bytes the formats before wrote differently (whole as JSON, or object data as a JSON column). */
const OLDER: Array<[versions: number | number[], batch: string, hex: string]> = [
  [
    2,
    'objects',
    '00000000020000005b7b226964223a312c2274696d657374616d70223a31302c22736f757263654e6f64654964223a22' +
    '73222c227461726765744e6f64654964223a2274222c22706f7274223a2270222c2264617461223a7b2276223a22c3a9' +
    '227d7d2c7b226964223a322c2274696d657374616d70223a31312c22736f757263654e6f64654964223a2273222c2274' +
    '61726765744e6f64654964223a2274222c22706f7274223a2270222c2264617461223a6e756c6c7d5d20202020202020',
  ],
  [
    [2, 3],
    'extras',
    '00000000030000005b7b226964223a226d73672d31222c2274696d657374616d70223a31302c22736f757263654e6f64' +
    '654964223a2273222c227461726765744e6f64654964223a2274222c22706f7274223a2270222c2264617461223a312c' +
    '227072696f72697479223a2268696768222c226b6579223a226b227d2c7b226964223a322c2274696d657374616d7022' +
    '3a31322c22736f757263654e6f64654964223a2273222c227461726765744e6f64654964223a2274222c22706f727422' +
    '3a2270222c2264617461223a7b2276223a327d2c227072696f72697479223a22637269746963616c227d2c7b22696422' +
    '3a2278222c2274696d657374616d70223a31322c22736f757263654e6f64654964223a2273222c227461726765744e6f' +
    '64654964223a2274222c22706f7274223a2270222c2264617461223a302c226b6579223a377d5d20',
  ],
  [
    [3, 4],
    'flat',
    '020000000300000018000000030000005b2273656e736f72222c226368617274222c226f7574225d000000000000f03f' +
    '000000000000244027000000000000005b7b2276616c7565223a377d2c7b2276616c7565223a31347d2c7b2276616c75' +
    '65223a32317d5d20',
  ],
  [
    4,
    'readings',
    '02000000020000000d000000340000005b2273222c2274222c2270225d20202011000000000000005b226d73672d3122' +
    '2c226d73672d32225d202020202020200000000000002440000000000100000054000000000000005b7b2274656d7022' +
    '3a32302e352c22756e6974223a22c2b043222c226f6b223a747275652c226e223a317d2c7b2274656d70223a2d332c22' +
    '756e6974223a2243222c226f6b223a66616c73652c226e223a327d5d202020200300000000000000',
  ],
];

/** Equal, numbers by Object.is (NaN and -0 are part of what is pinned). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('record body: the bytes of each format, pinned', () => {
  it('format 5 writes each batch as pinned, and reads it back exactly (routing of their own: as JSON gives it back)', () => {
    for (const [name, batch] of Object.entries(BATCHES)) {
      expect([name, Buffer.from(encodeBatchBytes(batch)).toString('hex')]).toEqual([name, FORMAT_5[name]]);
      const back = decodeBatchBytes(Buffer.from(FORMAT_5[name]!, 'hex'));
      expect([name, same(back, name === 'json' ? JSON.parse(JSON.stringify(batch)) : batch)]).toEqual([name, true]);
    }
  });

  it('the file log\'s one-pass writer frames the batches it takes with the same body bytes', () => {
    const pending = new PendingFrames();
    for (const name of ['narrow', 'moving']) {
      // Twice: the first of a batch with moving times goes the general way and teaches the
      // buffer's layout guess; the second is written in one pass (narrow-columns.ts).
      for (let k = 0; k < 2; k++) {
        const start = pending.length;
        expect(pending.add(1, 0, BATCHES[name]!, 1 << 20)).toBe(true);
        const body = pending.buf.subarray(start + FRAME_HEADER + BODY_FIXED, pending.length);
        expect([name, k, body.toString('hex')]).toEqual([name, k, FORMAT_5[name]!.slice(16)]);
      }
    }
  });

  it('bytes formats 2 to 4 wrote are read as they were written', () => {
    for (const [versions, name, hex] of OLDER) {
      const batch = BATCHES[name]!;
      // They went as JSON then: what JSON gives back (NaN as null, -0 as 0).
      expect([versions, name, decodeBatchBytes(Buffer.from(hex, 'hex'))]).toEqual([versions, name, JSON.parse(JSON.stringify(batch))]);
    }
  });
});
