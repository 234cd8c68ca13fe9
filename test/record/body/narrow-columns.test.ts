import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { BODY_FIXED, FRAME_HEADER, frameMessages, planFrame, sealFrames, writeFrame, writeNarrowFrame } from '../../../src/record/file-log/frame.js';
import { PendingFrames } from '../../../src/record/file-log/pending.js';

const NUMRUNS = Number(process.env.NUMRUNS ?? 300);
/** One stream's layout guess across the calls below, as a pending buffer keeps it. */
const layout = { constTimes: true };

function area(bytes: number) {
  const ab = new ArrayBuffer((bytes + 7) & ~7);
  return { bytes: Buffer.from(ab), f64: new Float64Array(ab), i32: new Int32Array(ab) };
}

/** The one-pass writer's frame, when it takes the batch, is byte for byte the general writer's. */
function both(ms: StreamMessage[]): { narrow: boolean } {
  const plan = planFrame(ms);
  const general = area(plan.bytes + 64);
  const end = writeFrame(general, 8, 3, 99.5, ms, plan);
  // Room for the one-pass layout (it lays the time offsets out before it knows they are all 0).
  const fast = area(plan.bytes + 64 + 4 * ms.length + 8);
  // Dirty bytes first: what the one-pass writer leaves of an earlier batch must not matter.
  fast.bytes.fill(0xab);
  fast.bytes.fill(0, end); // past the frame, as the general area (fresh zeros)
  const fastEnd = writeNarrowFrame(fast, 8, fast.bytes.length - 8 - FRAME_HEADER - BODY_FIXED, 3, 99.5, ms, layout);
  if (fastEnd < 0) return { narrow: false };
  expect(fastEnd).toBe(end);
  // Padding is never read (nor written): compare what the reader sees, and the bytes outside it.
  sealFrames(general.bytes, 8, end);
  sealFrames(fast.bytes, 8, fastEnd);
  const a = frameMessages(general.bytes, 8, end - 8);
  const b = frameMessages(fast.bytes, 8, end - 8);
  expect(b.length).toBe(ms.length);
  for (let i = 0; i < ms.length; i++) {
    expect([Object.is(b[i]!.id, ms[i]!.id), Object.is(b[i]!.timestamp, ms[i]!.timestamp), Object.is(b[i]!.data, ms[i]!.data)]).toEqual([true, true, true]);
    expect(b[i]).toEqual(a[i]);
  }
  // The length and the fields after the checksum are the same bytes (padding is not written, so the checksums may differ).
  expect(fast.bytes.readUInt32LE(8)).toBe(general.bytes.readUInt32LE(8));
  expect(fast.bytes.subarray(16, 8 + FRAME_HEADER + BODY_FIXED).equals(general.bytes.subarray(16, 8 + FRAME_HEADER + BODY_FIXED))).toBe(true);
  return { narrow: true };
}

describe('the one-pass narrow columns writer', () => {
  it('takes only batches the general writer narrows, and writes them exactly as it does (spoiled values anywhere)', () => {
    const special = fc.constantFrom(-0, 0, NaN, Infinity, 0.5, 2 ** 31, -(2 ** 31), 2 ** 31 - 1);
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 120 }), id0: fc.oneof(fc.integer(), special), t0: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), special), ts: fc.constantFrom('const', 'deltas', 'big'), data: fc.constantFrom('int', 'frac'), tgt: fc.constantFrom('w', undefined) }),
        fc.array(fc.tuple(fc.nat(120), fc.constantFrom('id', 'timestamp', 'data', 'port', 'priority'), special), { maxLength: 2 }),
        (g, spoil) => {
          const ms: StreamMessage[] = Array.from({ length: g.n }, (_, i) => {
            const m: Record<string, unknown> = { id: i === 0 ? g.id0 : g.id0 + i, timestamp: g.ts === 'const' ? g.t0 : g.ts === 'deltas' ? g.t0 + ((i * 7919) % 1000) : g.t0 + i * 2 ** 32, sourceNodeId: 's' };
            if (g.tgt !== undefined) m.targetNodeId = g.tgt;
            m.port = 'out';
            m.data = g.data === 'int' ? (i * 2654435761) | 0 : i / 7;
            return m as unknown as StreamMessage;
          });
          for (const [at, field, v] of spoil) if (at < ms.length) ms[at] = { ...ms[at]!, [field]: field === 'port' ? 'other' : field === 'priority' ? 'high' : v };
          runs++;
          if (both(ms).narrow) taken++;
        },
      ),
      { numRuns: NUMRUNS },
    );
    // The generator makes plenty of narrow batches: the writer is really exercised.
    expect(taken).toBeGreaterThan(runs / 10);
  });

  it('a live stream batch (sequential ids, one time, small data) goes narrow; the frame is the general one', () => {
    const ms: StreamMessage[] = Array.from({ length: 50 }, (_, i) => ({ id: 1000 + i, timestamp: 1_700_000_000_000, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i & 7 }));
    expect(both(ms).narrow).toBe(true);
    const spread = ms.map((m, i) => ({ ...m, timestamp: m.timestamp + i }));
    both(spread); // the first batch of times that differ may go the general way (the layout switches)
    expect(both(spread).narrow).toBe(true);
    expect(both(ms.map((m, i) => (i === 10 ? { ...m, data: 0.5 } : m))).narrow).toBe(false);
  });

  it('a stream that switches between one time and offsets is written right in both layouts, and each switch costs one batch at most', () => {
    const batch = (base: number, spread: boolean): StreamMessage[] => Array.from({ length: 50 }, (_, i) => ({ id: base + i, timestamp: 77 + (spread ? i : 0), sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i }));
    const kinds = [false, false, true, true, true, false, false, true, false];
    const narrow = kinds.map((spread, k) => both(batch(k * 50, spread)).narrow);
    // The first batch after a switch may go the general way; the ones after it go narrow.
    for (let k = 1; k < kinds.length; k++) if (kinds[k] === kinds[k - 1]) expect(narrow[k]).toBe(true);
  });

  it('two streams, one time per batch and offsets, interleaved: each keeps its own layout guess, so neither falls back batch after batch', () => {
    const mk = (base: number, spread: boolean): StreamMessage[] => Array.from({ length: 50 }, (_, i) => ({ id: base + i, timestamp: 5 + (spread ? i : 0), sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i }));
    const a = area(4096);
    const room = a.bytes.length - FRAME_HEADER - BODY_FIXED;
    const constant = { constTimes: true };
    const spread = { constTimes: true };
    writeNarrowFrame(a, 0, room, 1, 0, mk(0, true), spread); // learns: offsets
    for (let k = 1; k <= 5; k++) {
      expect(writeNarrowFrame(a, 0, room, 1, 0, mk(k * 50, false), constant)).toBeGreaterThan(0);
      expect(writeNarrowFrame(a, 0, room, 1, 0, mk(k * 50, true), spread)).toBeGreaterThan(0);
    }
  });

  it('a -0 anywhere (data, a time, an id in the run) is never narrowed to 0, in either layout', () => {
    const base = (spread: boolean): StreamMessage[] => Array.from({ length: 20 }, (_, i) => ({ id: i - 10, timestamp: spread ? i : 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i }));
    for (const spread of [false, true]) {
      for (const [field, at] of [['data', 0], ['data', 7], ['timestamp', 0], ['timestamp', 5], ['id', 10]] as const) {
        both(base(spread)); // sets the layout the next batch is tried with
        const ms = base(spread).map((m, i) => (i === at ? { ...m, [field]: -0 } : m));
        both(ms); // checks every value comes back with Object.is when the writer takes the batch
      }
    }
  });

  it('PendingFrames: a batch that gives up halfway is written again the general way over what was left', () => {
    const p = new PendingFrames();
    const ok = Array.from({ length: 50 }, (_, i): StreamMessage => ({ id: i + 1, timestamp: 5, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i }));
    const late = ok.map((m, i) => ({ ...m, id: (m.id as number) + 50, data: i === 45 ? 1.5 : m.data }));
    expect(p.add(1, 0, ok, 1 << 20)).toBe(true);
    expect(p.add(51, 1, late, 1 << 20)).toBe(true);
    sealFrames(p.buf, 0, p.length);
    expect(frameMessages(p.buf, p.start(0), p.end(0) - p.start(0))).toEqual(ok);
    expect(frameMessages(p.buf, p.start(1), p.end(1) - p.start(1))).toEqual(late);
  });
});
