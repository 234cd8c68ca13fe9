import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FrameError, type DataBatch } from '../../src/remote/codec.js';
import type { StreamMessage } from '../../src/message.js';
import { propParams } from '../support/helpers.js';

// As JSON carries them (-0 becomes 0); null and undefined both come back as null.
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown).filter((v) => v !== null);
// In a mixed (JSON) column numbers are JSON numbers: finite only, as JSON.stringify has it.
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0));
const data = fc.oneof(finite, fc.integer(), json, fc.record({ value: finite, label: fc.string() }));
const message = (numericData: boolean) =>
  fc.record(
    {
      id: fc.oneof(fc.double(), fc.string({ maxLength: 12 })),
      timestamp: fc.double(),
      sourceNodeId: fc.constantFrom('a', 'b', 'ünï'),
      targetNodeId: fc.constantFrom('chart', 'x'),
      port: fc.constantFrom('out', 'in'),
      data: numericData ? fc.double() : data,
      priority: fc.constantFrom('high', 'normal', 'low'),
      key: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
    },
    { requiredKeys: ['id', 'timestamp', 'sourceNodeId', 'targetNodeId', 'port', 'data'] },
  ) as fc.Arbitrary<StreamMessage>;
/** A batch with a string id puts every id in the JSON column, where numbers must be finite. */
function finiteIdsIfMixed(ms: StreamMessage[]): StreamMessage[] {
  if (ms.every((m) => typeof m.id === 'number')) return ms;
  return ms.map((m) => (typeof m.id === 'number' && (!Number.isFinite(m.id) || Object.is(m.id, -0)) ? { ...m, id: 1 } : m));
}
const batch: fc.Arbitrary<DataBatch> = fc.record({
  s: fc.nat({ max: 2 ** 32 - 1 }),
  from: fc.nat({ max: 2 ** 52 }),
  total: fc.nat({ max: 2 ** 52 }),
  dropped: fc.nat({ max: 2 ** 32 - 1 }),
  status: fc.constantFrom('waiting', 'live', 'backpressured', 'stopped'),
  avgLatency: fc.float({ noNaN: true, noDefaultInfinity: true }),
  messages: fc.oneof(fc.array(message(true), { maxLength: 40 }).map(finiteIdsIfMixed), fc.array(message(false), { maxLength: 40 }).map(finiteIdsIfMixed)),
});

describe('nf1 codec', () => {
  it('round-trips any batches: numbers exactly (NaN, ±Infinity, -0 included), the rest as JSON values', () => {
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 5 }), (batches) => {
        const bytes = encodeFrame(batches);
        expect(bytes.length % 8).toBe(0); // every column stays 8-byte aligned
        const back = decodeFrame(bytes);
        expect(back).toHaveLength(batches.length);
        back.forEach((b, i) => {
          const { messages, ...head } = batches[i]!;
          expect(b).toEqual({ ...head, messages: b.messages });
          expect(b.messages).toEqual(messages);
          for (let j = 0; j < messages.length; j++) expect(Object.is(b.messages[j]!.data, messages[j]!.data) || typeof messages[j]!.data !== 'number').toBe(true);
        });
      }),
      propParams,
    );
  });

  it('decodes from a Buffer at any byte offset (ws hands out slices of a larger buffer)', () => {
    const msgs: StreamMessage[] = [1, 2, 3].map((i) => ({ id: i, timestamp: 1000 + i, sourceNodeId: 's', targetNodeId: 'chart', port: 'out', data: i / 3 }));
    const bytes = encodeFrame([{ s: 7, from: 1, total: 3, dropped: 0, status: 'live', avgLatency: 1.5, messages: msgs }]);
    const big = Buffer.alloc(bytes.length + 3);
    big.set(bytes, 3);
    expect(decodeFrame(big.subarray(3))[0]!.messages).toEqual(msgs);
  });

  it('carries messages emitted on an output port, which have no targetNodeId', () => {
    const msgs = [1, 2].map((i) => ({ id: i, timestamp: i, sourceNodeId: 'src', port: 'out', data: i })) as unknown as StreamMessage[];
    const back = decodeFrame(encodeFrame([{ s: 1, from: 1, total: 2, dropped: 0, status: 'live', avgLatency: 0, messages: msgs }]))[0]!.messages;
    expect(back.map((m) => [m.data, m.targetNodeId])).toEqual([[1, undefined], [2, undefined]]);
  });

  it('shares the source, target and port string of a batch instead of repeating it', () => {
    const msgs: StreamMessage[] = Array.from({ length: 100 }, (_, i) => ({ id: i, timestamp: i, sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: i }));
    const bytes = encodeFrame([{ s: 1, from: 1, total: 100, dropped: 0, status: 'live', avgLatency: 0, messages: msgs }]);
    // 8 frame + 40 header + 3 × 800 columns + a short JSON column.
    expect(bytes.length).toBeLessThan(8 + 40 + 2400 + 64);
  });

  it('throws a FrameError, never reads past the end, for malformed bytes', () => {
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 3 }), fc.nat(), (batches, cut) => {
        const bytes = encodeFrame(batches);
        const short = bytes.subarray(0, cut % bytes.length);
        try {
          decodeFrame(short);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
        }
      }),
      propParams,
    );
    expect(() => decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(FrameError);
  });
});
