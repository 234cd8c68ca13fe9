import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../src/message.js';
import { checkFrame, frameFields } from '../../../src/record/file-log/frame.js';
import { PendingFrames } from '../../../src/record/file-log/pending.js';

const batch = (seq: number, n: number): StreamMessage[] => Array.from({ length: n }, (_, i) => ({ id: seq + i, timestamp: 5, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: i }));

describe('PendingFrames', () => {
  it('keeps seq, time, count and place of every frame past its first 512, and again after a clear', () => {
    const p = new PendingFrames();
    for (let round = 0; round < 2; round++) {
      let seq = 1;
      // 1,500 frames: the numbers' array grows twice; the buffer grows past 256 KiB.
      for (let i = 0; i < 1500; i++, seq += 1 + (i % 4)) expect(p.add(seq, 1000 + i, batch(seq, 1 + ((i + 1) % 4)), 64 << 20)).toBe(true);
      expect(p.count).toBe(1500);
      let s = 1;
      for (let i = 0; i < 1500; i++, s += 1 + (i % 4)) {
        expect([p.seq(i), p.at(i), p.msgs(i)]).toEqual([s, 1000 + i, 1 + ((i + 1) % 4)]);
        expect(p.start(i)).toBe(i === 0 ? 0 : p.end(i - 1));
        // Each frame is whole where its numbers say (sealed or not, its length and fields read).
        expect(checkFrame(p.buf, p.start(i), p.length)).not.toBe('length');
        expect(frameFields(p.buf, p.start(i))).toEqual({ seq: s, at: 1000 + i, count: 1 + ((i + 1) % 4) });
      }
      expect(p.end(1499)).toBe(p.length);
      p.clear();
      expect([p.count, p.length]).toEqual([0, 0]);
    }
  });
});
