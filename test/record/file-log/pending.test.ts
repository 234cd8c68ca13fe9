import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { checkFrame, frameFields } from '../../../src/record/file-log/frame.js';
import { PendingFrames } from '../../../src/record/file-log/pending.js';

const batch = (seq: number, n: number): StreamMessage[] => Array.from({ length: n }, (_, i) => ({ id: seq + i, timestamp: 5, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i }));
const size = (i: number) => 1 + ((i + 1) % 4);

/** Adds `frames` frames (batches of 1-4 messages) and checks every frame's numbers and bytes. */
function fillAndCheck(p: PendingFrames, frames: number): void {
  let seq = 1;
  for (let i = 0; i < frames; i++, seq += size(i - 1)) expect(p.add(seq, 1000 + i, batch(seq, size(i)), 64 << 20)).toBe(true);
  expect(p.count).toBe(frames);
  let s = 1;
  for (let i = 0; i < frames; i++, s += size(i - 1)) {
    expect([p.seq(i), p.at(i), p.msgs(i)]).toEqual([s, 1000 + i, size(i)]);
    expect(p.start(i)).toBe(i === 0 ? 0 : p.end(i - 1));
    // The frame's length field and fixed fields read back where its numbers say it is.
    expect(checkFrame(p.buf, p.start(i), p.length)).not.toBe('length');
    expect(frameFields(p.buf, p.start(i))).toEqual({ seq: s, at: 1000 + i, count: size(i) });
  }
  expect(p.end(frames - 1)).toBe(p.length);
}

describe('PendingFrames', () => {
  it('keeps seq, time, count and place of every frame past its first 512, and again after a clear', () => {
    const p = new PendingFrames();
    for (let round = 0; round < 2; round++) {
      // 1,500 frames: the numbers' array grows twice.
      fillAndCheck(p, 1500);
      p.clear();
      expect([p.count, p.length]).toEqual([0, 0]);
    }
  });

  it('after a burst past its bounds (16k frames, 4 MiB) starts small again, and grows again with every frame intact', () => {
    const p = new PendingFrames();
    // 20,000 frames: the frame numbers pass 16k frames and grow the buffer past 256 KiB.
    fillAndCheck(p, 20_000);
    expect(p.buf.length).toBeGreaterThan(256 * 1024);
    p.clear();
    fillAndCheck(p, 20_000);
    p.clear();
    // Frames of 1 KB strings (JSON bodies) past 4 MiB: the buffer goes back to 256 KiB.
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 5000; i++) expect(p.add(i + 1, i, [{ ...batch(i + 1, 1)[0]!, data: big }], 64 << 20)).toBe(true);
    expect(p.length).toBeGreaterThan(4 * 1024 * 1024);
    p.clear();
    expect(p.buf.length).toBe(256 * 1024);
    fillAndCheck(p, 3000);
  });
});
