import { describe, expect, it } from 'vitest';
import { Outstanding } from '../../../src/transport/jetstream/outstanding.js';

const bytes = new Uint8Array(1);

describe('Outstanding (the producer end bookkeeping)', () => {
  it('reports only the settled prefix, whatever order the marks arrive in', () => {
    const w = new Outstanding();
    for (let seq = 1; seq <= 4; seq++) w.push(seq, 10, bytes);
    w.markSettled(3);
    w.markSettled(2);
    expect(w.takeSettled()).toEqual([]);
    w.markSettled(1);
    expect(w.takeSettled().map((f) => f.seq)).toEqual([1, 2, 3]);
    expect(w.size).toBe(1);
    expect(w.expected).toBe(5);
  });

  it('the ack floor settles the frames stored at or below it, and a frame not yet stored stays out', () => {
    const w = new Outstanding();
    const [a, b, c] = [w.push(1, 1, bytes), w.push(2, 1, bytes), w.push(3, 1, bytes)];
    a.streamSeq = 10;
    c.streamSeq = 11; // frame 2's first publish was lost: 3 landed first, 2 is being resent
    w.markFloor(11);
    expect(w.takeSettled().map((f) => f.seq)).toEqual([1]);
    b.streamSeq = 12;
    w.markFloor(12);
    expect(w.takeSettled().map((f) => f.seq)).toEqual([2, 3]);
  });

  it('the ack floor settles nothing stored at a sequence the server handed out again (reusedUpTo): only hints settle those', () => {
    const w = new Outstanding();
    const [a, b] = [w.push(1, 1, bytes), w.push(2, 1, bytes)];
    a.streamSeq = 596; // stored after the server came back with last sequence 592; it had gone to 600
    b.streamSeq = 601;
    w.markFloor(600, 600); // a floor saved before the kill covers 596, though frame 1 was never delivered
    expect(w.takeSettled()).toEqual([]);
    w.markFloor(601, 600);
    expect(w.get(2)!.settled).toBe(true);
    w.markSettled(1); // a hint names the frame itself
    expect(w.takeSettled().map((f) => f.seq)).toEqual([1, 2]);
  });

  it('dead-letter records: a newer writer replaces an older one, counts never exceed the frame', () => {
    const w = new Outstanding();
    w.push(1, 5, bytes);
    w.recordDead(1, 3, 'old');
    w.recordDead(1, 2, 'new');
    w.recordDead(1, 9, 'new');
    expect(w.get(1)!.dead).toBe(5);
    w.recordDead(7, 1, 'x'); // not outstanding: ignored
    expect(w.get(7)).toBeUndefined();
  });

  it('an undecodable-frame record counts the whole frame, and only for the frame stored at its stream sequence', () => {
    const w = new Outstanding();
    w.push(1, 5, bytes).streamSeq = 40;
    w.push(2, 4, bytes).streamSeq = 41;
    w.recordDead(1, Infinity, 'a', 39); // a foreign message that claimed seq 1
    expect(w.get(1)!.dead).toBe(0);
    w.recordDead(2, Infinity, 'a', 41);
    expect(w.get(2)!.dead).toBe(4);
    w.recordDead(Number.NaN, Infinity, 'a', 40); // no seq header: ignored
    expect(w.get(1)!.dead).toBe(0);
  });
});
