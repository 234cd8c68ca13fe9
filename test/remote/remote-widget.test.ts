import { describe, expect, it } from 'vitest';
import type { DataBatch } from '../../src/remote/codec.js';
import { RemoteWidget } from '../../src/remote/remote-widget.js';

const msgs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: from + i }));
const batch = (from: number, n: number, dropped = 0): DataBatch => ({ s: 1, from, total: from + n - 1, dropped, status: 'live', avgLatency: 0, messages: msgs(from, n) });

function widget() {
  const w = new RemoteWidget('w', 1, { want: () => {}, leave: () => {}, credit: () => {} }, () => 0);
  w.subbed({ e: 'e1', win: 100, rec: false, gap: 0 });
  return w;
}

describe('RemoteWidget: every gap is counted', () => {
  it("counts what the server skipped (its batch header) and what went missing on the way (a frame the link could not read)", () => {
    const w = widget();
    w.take(batch(1, 5));
    w.take(batch(9, 2, 3)); // the server skipped 6-8 and says so
    expect(w.metrics().dropped).toBe(3);
    w.take(batch(16, 2)); // 11-15 never arrived and the server did not skip them: lost here
    expect(w.metrics().dropped).toBe(8);
    expect(w.window.toArray().map((m) => m.data)).toEqual([1, 2, 3, 4, 5, 9, 10, 16, 17]);
  });

  it('a resume that came too late counts its gap once, not again at the next batch', () => {
    const w = widget();
    w.take(batch(1, 5));
    w.subbed({ e: 'e1', win: 100, rec: false, gap: 10 }); // 6-15 slid out of the server's window
    w.take(batch(16, 3));
    expect(w.metrics().dropped).toBe(10);
    expect(w.window.toArray().map((m) => m.data)).toEqual([16, 17, 18]);
  });

  it('a new history (another epoch) starts over without counting the old numbers as a gap', () => {
    const w = widget();
    w.take(batch(1, 50));
    w.subbed({ e: 'e2', win: 100, rec: false, gap: 0 });
    w.take(batch(1, 3));
    expect(w.metrics().dropped).toBe(0);
    expect(w.gaps).toBe(1);
    expect(w.window.toArray().map((m) => m.data)).toEqual([1, 2, 3]);
  });
});
