// Whatever a batch holds, the file log gives back what the shared record body gives back for it
// (body-codec.ts, property-tested on its own in test/record/body): framing, segments, the
// pending buffer and the reader add nothing and lose nothing, across a close and a reopen.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { decodeBatchBytes, encodeBatchBytes } from '../../../src/record/body/body-bytes.js';
import { openFileLog } from '../../../src/record/file-log/file-log.js';
import { collect, tempDir } from './helpers.js';

const NUMRUNS = Math.max(10, Number(process.env.NUMRUNS ?? 300) / 10);
const special = fc.constantFrom(NaN, -0, Infinity, -Infinity, 0, 2 ** 31, 0.5);
// Mostly the columns shapes (numbers, objects, both), sometimes what sends a batch to JSON.
const data = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) }, { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: special }, { weight: 1, arbitrary: fc.constant(undefined) });
interface Shape {
  readonly n: number;
  readonly data: readonly unknown[];
  readonly times: 'one' | 'steps' | 'any';
  readonly odd: 'none' | 'priority' | 'string id' | 'port';
}
const batchShape: fc.Arbitrary<Shape> = fc.record({
  n: fc.integer({ min: 1, max: 120 }),
  data: fc.array(data, { minLength: 1, maxLength: 8 }),
  times: fc.constantFrom('one', 'steps', 'any'),
  odd: fc.constantFrom('none', 'none', 'none', 'priority', 'string id', 'port'),
});

function messagesOf(seq: number, at: number, g: Shape): StreamMessage[] {
  return Array.from({ length: g.n }, (_, i) => {
    const m: StreamMessage = {
      id: g.odd === 'string id' && i === g.n - 1 ? `s${seq + i}` : seq + i,
      timestamp: g.times === 'one' ? at : g.times === 'steps' ? at + i : at + i * 0.37,
      sourceNodeId: 'src',
      targetNodeId: 'dst',
      port: g.odd === 'port' && i === 0 ? 'other' : 'out',
      data: g.data[i % g.data.length],
    };
    return g.odd === 'priority' && i === 1 ? { ...m, priority: 'high' } : m;
  });
}

describe('file log: round trip of any batch (property)', () => {
  it('gives back, across a reopen, exactly what the record body gives back for each batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchShape, { minLength: 1, maxLength: 25 }), fc.constantFrom(4096, 64 * 1024), async (shapes, segmentBytes) => {
        const t = tempDir();
        try {
          const appended: StreamMessage[][] = [];
          const log = await openFileLog(t.dir, { segmentBytes, sync: 'none' });
          let seq = 1;
          shapes.forEach((g, k) => {
            const ms = messagesOf(seq, 1_000 + 10 * k, g);
            log.append({ seq, at: 1_000 + 10 * k, messages: ms });
            appended.push(ms);
            seq += ms.length;
          });
          await log.close();
          const again = await openFileLog(t.dir, { segmentBytes });
          const got = await collect(again.read({ seq: 1 }));
          await again.close();
          expect(got.length).toBe(appended.length);
          got.forEach((b, k) => {
            const expected = decodeBatchBytes(encodeBatchBytes(appended[k]!));
            expect(b.at).toBe(1_000 + 10 * k);
            // toEqual treats NaN as NaN; -0 against 0 is checked apart.
            expect(b.messages).toEqual(expected);
            b.messages.forEach((m, i) => expect(Object.is(m.data, expected[i]!.data) || typeof m.data === 'object').toBe(true));
          });
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: NUMRUNS },
    );
  }, 120_000);
});
