import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { BODY_COLUMNS, BODY_JSON, BODY_JSON_DATA, BODY_OBJECT_DATA } from '../../../src/record/body/body-codec.js';
import { BODY_FIXED, FRAME_HEADER, checkFrame, frameFields, frameMessages, planFrame, sealFrames, writeFrame } from '../../../src/record/file-log/frame.js';

const NUMRUNS = Number(process.env.NUMRUNS ?? 300);

function area(bytes: number) {
  const ab = new ArrayBuffer((bytes + 7) & ~7);
  return { bytes: Buffer.from(ab), f64: new Float64Array(ab), i32: new Int32Array(ab) };
}

/** One frame written, sealed, checked and read back. */
function roundTrip(messages: StreamMessage[], seq = 7, at = 1234.5) {
  const plan = planFrame(messages);
  const a = area(plan.bytes + 64);
  const end = writeFrame(a, 8, seq, at, messages, plan);
  expect(end % 8).toBe(0);
  expect(end - 8).toBeLessThanOrEqual(plan.bytes);
  expect(checkFrame(a.bytes, 8, end)).toBe('checksum'); // unsealed: not data yet
  sealFrames(a.bytes, 8, end);
  expect(checkFrame(a.bytes, 8, end)).toBe(end - 8);
  expect(frameFields(a.bytes, 8)).toEqual({ seq, at, count: messages.length });
  return { rows: plan.columns !== undefined, kind: a.bytes.readUInt32LE(8 + FRAME_HEADER + 20), back: frameMessages(a.bytes, 8, end - 8), bytes: end - 8 };
}

const word = fc.constantFrom('s', 'w', 'out', 'sensor-1', 'ünï', '"q"', '');
const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 53));

describe('record body codec (frame format 5)', () => {
  it('numeric batches with shared routing are written as columns and come back exactly (NaN, -0, Infinity too)', () => {
    fc.assert(
      fc.property(fc.tuple(word, word, word), fc.array(fc.tuple(num, num, num), { minLength: 1, maxLength: 80 }), ([s, t, p], rows) => {
        const ms: StreamMessage[] = rows.map(([id, ts, d]) => ({ id, timestamp: ts, sourceNodeId: s, targetNodeId: t, port: p, data: d }));
        const { rows: asRows, back, bytes } = roundTrip(ms);
        expect(asRows).toBe(true);
        expect(bytes).toBeLessThan(FRAME_HEADER + BODY_FIXED + 64 + 24 * ms.length);
        expect(back.length).toBe(ms.length);
        for (let i = 0; i < ms.length; i++) {
          expect(Object.is(back[i]!.id, ms[i]!.id) && Object.is(back[i]!.timestamp, ms[i]!.timestamp) && Object.is(back[i]!.data, ms[i]!.data)).toBe(true);
          expect([back[i]!.sourceNodeId, back[i]!.targetNodeId, back[i]!.port]).toEqual([s, t, p]);
        }
      }),
      { numRuns: NUMRUNS },
    );
  });

  // Short batches, and long ones (their scratch columns grow), spoiled values anywhere.
  it.each([
    ['up to 60 messages', 1, 60, NUMRUNS],
    ['1,000 to 2,600 messages', 1000, 2600, Math.max(20, NUMRUNS / 10)],
  ])('columns are narrowed (sequential ids, one time, 32-bit deltas and data) only where every value comes back bit for bit: %s', (_, minN, maxN, runs) => {
    const special = fc.constantFrom(-0, 0, NaN, Infinity, 0.5, 2 ** 31, -(2 ** 31));
    const position = fc.oneof(fc.nat(maxN), fc.constantFrom(1023, 1024, 1025, 2047, 2048));
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: minN, max: maxN }), id0: fc.oneof(fc.integer(), fc.integer({ min: -maxN, max: 0 }), special), t0: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), special), ts: fc.constantFrom('const', 'deltas', 'any'), data: fc.constantFrom('int', 'any') }),
        fc.array(fc.tuple(position, fc.constantFrom('id', 'ts', 'data'), special), { maxLength: 3 }),
        (g, spoil) => {
          const ms: StreamMessage[] = Array.from({ length: g.n }, (_, i) => ({
            id: i === 0 ? g.id0 : g.id0 + i,
            timestamp: g.ts === 'const' ? g.t0 : g.ts === 'deltas' ? g.t0 + ((i * 7919) % 100_000) - 50_000 : g.t0 * 1.5 + i / 3,
            sourceNodeId: 's',
            targetNodeId: 'w',
            port: 'out',
            data: g.data === 'int' ? (i * 2654435761) | 0 : i / 7,
          }));
          // A few values spoiled with the special ones (-0 among them) wherever they land.
          for (const [at, field, v] of spoil) if (at < ms.length) ms[at] = { ...ms[at]!, [field === 'ts' ? 'timestamp' : field]: v };
          const { rows, back, bytes } = roundTrip(ms);
          expect(rows).toBe(true);
          for (let i = 0; i < ms.length; i++) {
            expect([Object.is(back[i]!.id, ms[i]!.id), Object.is(back[i]!.timestamp, ms[i]!.timestamp), Object.is(back[i]!.data, ms[i]!.data)]).toEqual([true, true, true]);
          }
          // Untouched narrow streams take 4 bytes a message or less: the columns really narrow.
          if (spoil.length === 0 && Number.isInteger(g.id0) && Number.isInteger(g.t0) && g.ts !== 'any' && g.data === 'int') expect(bytes).toBeLessThanOrEqual(FRAME_HEADER + BODY_FIXED + 32 + 16 + 2 * (4 * g.n + 4));
        },
      ),
      { numRuns: runs },
    );
  });

  it.each([5, 1500])('a -0 id where a run of sequential ids passes zero (at %i) comes back -0', (zeroAt) => {
    const ms: StreamMessage[] = Array.from({ length: zeroAt + 10 }, (_, i) => ({ id: i === zeroAt ? -0 : i - zeroAt, timestamp: 1, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: 1 }));
    const { rows, back } = roundTrip(ms);
    expect(rows).toBe(true);
    expect(Object.is(back[zeroAt]!.id, -0)).toBe(true);
    expect(back.map((m) => m.id).slice(zeroAt + 1)).toEqual(ms.slice(zeroAt + 1).map((m) => m.id));
  });

  it('any other batch is JSON and comes back as JSON.parse(JSON.stringify(batch))', () => {
    const message = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        timestamp: fc.integer(),
        sourceNodeId: word,
        targetNodeId: word,
        port: word,
        data: fc.jsonValue(),
        priority: fc.constantFrom('low', 'normal', 'high'),
        key: fc.oneof(fc.string(), fc.integer()),
      },
      { requiredKeys: ['id', 'timestamp', 'sourceNodeId', 'targetNodeId', 'port', 'data'] },
    ) as fc.Arbitrary<StreamMessage>;
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), (ms) => {
        const { rows, back } = roundTrip(ms);
        if (!rows) expect(back).toEqual(JSON.parse(JSON.stringify(ms)));
        // Columns: a number as data exactly, anything else as JSON gives it back (a -0 inside an array comes back 0).
        else expect(back.map((m) => m.data)).toEqual(ms.map((m) => (typeof m.data === 'number' ? m.data : JSON.parse(JSON.stringify([m.data]))[0])));
      }),
      { numRuns: NUMRUNS },
    );
  });

  it('one message with other routing makes the batch JSON; a string id, a priority, a key or object data do not', () => {
    const base = (i: number): StreamMessage => ({ id: i, timestamp: i, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i });
    const other = [base(1), base(2), { ...base(3), port: 'other' }, base(4)];
    expect(roundTrip(other)).toMatchObject({ rows: false, kind: BODY_JSON, back: JSON.parse(JSON.stringify(other)) });
    const extras: Array<(m: StreamMessage) => StreamMessage> = [(m) => ({ ...m, id: 'x' }), (m) => ({ ...m, priority: 'high' }), (m) => ({ ...m, key: 'k' })];
    for (const change of extras) {
      const ms = [base(1), base(2), change(base(3)), base(4)];
      const { rows, kind, back } = roundTrip(ms);
      expect([rows, kind]).toEqual([true, BODY_COLUMNS]);
      expect(back).toEqual(ms);
    }
    const objectAt = [base(1), base(2), { ...base(3), data: { v: 1 } }, base(4)];
    const { kind, back } = roundTrip(objectAt);
    expect(kind).toBe(BODY_JSON_DATA);
    expect(back).toEqual(JSON.parse(JSON.stringify(objectAt)));
  });

  it('batches with any JSON data are columns with the data as JSON: ids and times exact, data as JSON gives it back', () => {
    const data = fc.oneof(fc.jsonValue(), num);
    fc.assert(
      fc.property(fc.tuple(word, word, word), fc.array(fc.tuple(num, num, data), { minLength: 1, maxLength: 60 }), fc.nat(59), fc.jsonValue(), ([s, t, p], rows, at, odd) => {
        const ms: StreamMessage[] = rows.map(([id, ts, d]) => ({ id, timestamp: ts, sourceNodeId: s, targetNodeId: t, port: p, data: d }));
        // At least one value that is not a number, anywhere in the batch.
        if (typeof odd !== 'number') ms[at % ms.length] = { ...ms[at % ms.length]!, data: odd };
        const { kind, back } = roundTrip(ms);
        // Flat objects with one set of keys may go a column per key (format 5, object-data.test.ts).
        if (ms.every((m) => typeof m.data === 'number')) expect(kind).toBe(BODY_COLUMNS);
        else expect([BODY_JSON_DATA, BODY_OBJECT_DATA]).toContain(kind);
        expect(back.length).toBe(ms.length);
        for (let i = 0; i < ms.length; i++) {
          expect(Object.is(back[i]!.id, ms[i]!.id) && Object.is(back[i]!.timestamp, ms[i]!.timestamp)).toBe(true);
          // A number as data comes back exactly (NaN, -0, Infinity too); anything else as JSON gives it back.
          if (typeof ms[i]!.data === 'number') expect(Object.is(back[i]!.data, ms[i]!.data)).toBe(true);
          else expect(back[i]!.data).toEqual(JSON.parse(JSON.stringify([ms[i]!.data]))[0]);
          expect([back[i]!.sourceNodeId, back[i]!.targetNodeId, back[i]!.port]).toEqual([s, t, p]);
        }
      }),
      { numRuns: NUMRUNS },
    );
  });

  it('data that JSON leaves out of a message (undefined, a function, a symbol) makes the batch JSON, so it is left out as before; a BigInt throws', () => {
    const base = (i: number, data: unknown): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data });
    for (const odd of [undefined, () => 1, Symbol('x')]) {
      const ms = [base(1, { v: 1 }), base(2, odd)];
      const { kind, back } = roundTrip(ms);
      expect(kind).toBe(BODY_JSON);
      expect('data' in back[1]!).toBe(false);
    }
    expect(() => planFrame([base(1, { v: 1 }), base(2, 10n)])).toThrow(TypeError);
  });

  it('a damaged kind field or a body shorter than its columns is refused, never read as data', () => {
    const ms: StreamMessage[] = [{ id: 1, timestamp: 2, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: 3 }];
    const plan = planFrame(ms);
    const a = area(plan.bytes);
    const end = writeFrame(a, 0, 1, 0, ms, plan);
    a.bytes.writeUInt32LE(9, FRAME_HEADER + 20);
    sealFrames(a.bytes, 0, end);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/unknown body kind 9/);
    a.bytes.writeUInt32LE(1, FRAME_HEADER + 20);
    a.bytes.writeUInt32LE(1000, FRAME_HEADER + 16);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
  });

  it('data with a toJSON of its own makes the batch JSON (a toJSON sees the key "data" and may return undefined); a Date is columns', () => {
    const base = (i: number, data: unknown): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data });
    const keyed = [base(1, { v: 1 }), base(2, { toJSON: (key: string) => key })];
    expect(roundTrip(keyed)).toMatchObject({ kind: BODY_JSON, back: [{ data: { v: 1 } }, { data: 'data' }] });
    const gone = roundTrip([base(1, 'x'), base(2, { toJSON: () => undefined })]);
    expect(gone.kind).toBe(BODY_JSON);
    expect('data' in gone.back[1]!).toBe(false);
    const when = new Date(Date.UTC(2026, 11, 3));
    expect(roundTrip([base(1, when), base(2, 3)])).toMatchObject({ kind: BODY_JSON_DATA, back: [{ data: when.toJSON() }, { data: 3 }] });
  });

  it('a getter of the data that records another batch while it is stringified leaves this batch\'s ids and times as they were', () => {
    const other: StreamMessage[] = [900, 950, 990].map((id, i) => ({ id, timestamp: 1.5 + i, sourceNodeId: 'x', targetNodeId: 'y', port: 'p', data: i }));
    const sneaky = {
      get v() {
        planFrame(other); // plans over the shared scratch columns
        return 1;
      },
    };
    const ms: StreamMessage[] = [1, 3, 8].map((id, i) => ({ id, timestamp: 10 * i + 0.25, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i === 0 ? sneaky : 'y' }));
    const { kind, back } = roundTrip(ms);
    expect(kind).toBe(BODY_JSON_DATA);
    expect(back.map((m) => [m.id, m.timestamp, m.data])).toEqual([[1, 0.25, { v: 1 }], [3, 10.25, 'y'], [8, 20.25, 'y']]);
  });

  it('a plan made while another is being made (a toJSON getter, an id getter) leaves the outer one\'s numbers as they were', () => {
    const other = (n: number): StreamMessage[] => Array.from({ length: n }, (_, i) => ({ id: 900 + 7 * i, timestamp: i, sourceNodeId: 'x', targetNodeId: 'y', port: 'p', data: i }));
    // Looking up a toJSON runs the getter inside the planning loop; the batch inside it is larger
    // than the scratch columns, which a shared plan would replace.
    const sneakyToJSON = { get toJSON() { planFrame(other(600)); return undefined; } };
    const a: StreamMessage[] = [1, 3, 8].map((id, i) => ({ id, timestamp: 10 * i + 0.25, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i === 2 ? sneakyToJSON : 'y' }));
    expect(roundTrip(a).back.map((m) => [m.id, m.timestamp])).toEqual([[1, 0.25], [3, 10.25], [8, 20.25]]);
    // An id getter on a message of a numeric batch.
    const b: StreamMessage[] = [1, 3, 8].map((id, i) => ({ timestamp: 10 * i + 0.25, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i, get id() { if (i === 1) planFrame(other(3)); return id; } }) as unknown as StreamMessage);
    expect(roundTrip(b)).toMatchObject({ kind: BODY_COLUMNS });
    expect(roundTrip(b).back.map((m) => [m.id, m.timestamp, m.data])).toEqual([[1, 0.25, 0], [3, 10.25, 1], [8, 20.25, 2]]);
  });

  it('a JSON data column that is not an array of the batch\'s count, or runs past the body, is refused', () => {
    // Nested: not flat objects, which would go a column per key (format 5).
    const ms: StreamMessage[] = [1, 2, 3].map((i) => ({ id: i, timestamp: 2, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: { v: [i] } }));
    const plan = planFrame(ms);
    const a = area(plan.bytes);
    const end = writeFrame(a, 0, 1, 0, ms, plan);
    expect(a.bytes.readUInt32LE(FRAME_HEADER + 20)).toBe(BODY_JSON_DATA);
    expect(frameMessages(a.bytes, 0, end)).toEqual(ms);
    // The count says 2 where the column holds 3 values; then 4.
    a.bytes.writeUInt32LE(2, FRAME_HEADER + 16);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/does not hold 2 values/);
    a.bytes.writeUInt32LE(3, FRAME_HEADER + 16);
    // The column's length announces more bytes than the body has.
    const text = a.bytes.indexOf('[{"v"');
    const length = a.bytes.readUInt32LE(text - 8);
    a.bytes.writeUInt32LE(end, text - 8);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
    a.bytes.writeUInt32LE(length, text - 8);
    // So do numbers put back past the body, or at an index outside the batch.
    a.bytes.writeUInt32LE(1000, text - 4);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
    const exact: StreamMessage[] = [NaN, { v: 1 }].map((data, i) => ({ id: i, timestamp: 2, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data }));
    const p2 = planFrame(exact);
    const b = area(p2.bytes);
    const end2 = writeFrame(b, 0, 1, 0, exact, p2);
    expect(Object.is(frameMessages(b.bytes, 0, end2)[0]!.data, NaN)).toBe(true);
    b.f64[(end2 - 16) >> 3] = 2; // the pair's index: past the batch's two values
    expect(() => frameMessages(b.bytes, 0, end2)).toThrow(/outside its 2 values/);
    // Lengths past 2^31 (pad8 would wrap them to small numbers), in the data column and the head,
    // and a count larger than the body: refused, never read past the body.
    a.bytes.writeUInt32LE(0, text - 4);
    for (const huge of [2 ** 31 - 7, 2 ** 31, 2 ** 32 - 7]) {
      a.bytes.writeUInt32LE(huge, text - 8);
      expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
    }
    a.bytes.writeUInt32LE(length, text - 8);
    const body = FRAME_HEADER + BODY_FIXED;
    const head = a.bytes.readUInt32LE(body);
    a.bytes.writeUInt32LE(2 ** 32 - 7, body);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
    a.bytes.writeUInt32LE(head, body);
    a.bytes.writeUInt32LE(2 ** 31, FRAME_HEADER + 16);
    expect(() => frameMessages(a.bytes, 0, end)).toThrow(/past the end/);
  });
});

describe('record body as standalone bytes (the JetStream store)', () => {
  it('round-trips columns (numeric and JSON data) and JSON batches, at any byte offset', async () => {
    const { encodeBatchBytes, decodeBatchBytes } = await import('../../../src/record/body/body-bytes.js');
    const numeric: StreamMessage[] = [1, 2, 3].map((i) => ({ id: i, timestamp: 10, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i === 2 ? -0 : i }));
    const objects: StreamMessage[] = [{ id: 'a', timestamp: 1, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: { v: [1, 'x'] } }];
    const jsonData: StreamMessage[] = [1, 2].map((i) => ({ id: i, timestamp: 1, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i === 1 ? 'ünï' : { v: [i, null] } }));
    expect(new DataView(encodeBatchBytes(jsonData).buffer).getUint32(0, true)).toBe(BODY_JSON_DATA);
    for (const ms of [numeric, objects, jsonData]) {
      const bytes = encodeBatchBytes(ms);
      // As a client hands it over: inside a larger buffer, at an odd offset.
      const moved = new Uint8Array(bytes.length + 3);
      moved.set(bytes, 3);
      const back = decodeBatchBytes(moved.subarray(3));
      // Columns give back every number bit for bit (-0 too); JSON what JSON gives back.
      expect(back).toEqual(ms === numeric ? ms : JSON.parse(JSON.stringify(ms)));
      if (ms === numeric) expect(Object.is(back[1]!.data, -0)).toBe(true);
    }
    expect(() => decodeBatchBytes(new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('record body: messages as emit() leaves them', () => {
  it('a batch without targetNodeId (or another routing field) is still columns, and reads back without it, NaN and -0 exact', () => {
    const ms = [NaN, -0, Infinity, -Infinity, 1.5].map((d, i) => ({ id: i + 1, timestamp: 5, sourceNodeId: 'sensor', port: 'out', data: d })) as unknown as StreamMessage[];
    const { rows, back } = roundTrip(ms);
    expect(rows).toBe(true);
    expect(back.map((m) => m.data)).toEqual([NaN, -0, Infinity, -Infinity, 1.5]);
    expect(Object.is(back[1]!.data, -0)).toBe(true);
    expect('targetNodeId' in back[0]!).toBe(false);
    expect(back[0]).toEqual({ id: 1, timestamp: 5, sourceNodeId: 'sensor', port: 'out', data: NaN });
    // Present in some and absent in others: not one shared value, so JSON.
    const mixed = [ms[0]!, { ...ms[1]!, targetNodeId: 'w' }];
    expect(roundTrip(mixed).rows).toBe(false);
  });
});
