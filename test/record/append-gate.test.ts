import { describe, expect, it } from 'vitest';
import { NodeflowError } from '../../src/errors.js';
import { AppendGate } from '../../src/record/append-gate.js';
import { msgs } from './support.js';

const batch = (seq: number, n: number) => ({ seq, at: 0, messages: msgs(seq, n) });
/** What a store does: enter, encode, then encoded or refused. */
function pass<T>(gate: AppendGate, b: { seq: number; at: number; messages: ReturnType<typeof msgs> }, encode: () => T): T {
  gate.enter(b);
  let out: T;
  try {
    out = encode();
  } catch (e) {
    gate.refused(b, e);
  }
  gate.encoded();
  return out;
}

describe('AppendGate: the seq rule of the stores that encode in append', () => {
  it('passes a batch that follows, and refuses one that does not follow or is not a batch', () => {
    const gate = new AppendGate('test log', undefined);
    expect(pass(gate, batch(5, 3), () => 'bytes')).toBe('bytes');
    expect(gate.next).toBe(8);
    expect(() => pass(gate, batch(9, 1), () => 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { expected: 8, seq: 9 } }));
    expect(() => pass(gate, { seq: 8, at: NaN, messages: msgs(8, 1) }, () => 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => pass(gate, { seq: 8, at: 0, messages: [] }, () => 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(gate.next).toBe(8); // refused for what it is, not for what it holds: nothing skipped
  });

  it('a batch encode refuses is skipped: the next follows it; a store\'s own refusal keeps its code and details', () => {
    const gate = new AppendGate('test log', 1);
    expect(() => pass(gate, batch(1, 2), () => { throw new TypeError('BigInt'); })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/JSON-encodable: BigInt; seqs 1..2 are skipped, the next batch starts at 3/), details: { seq: 1, next: 3 } }));
    expect(() => pass(gate, batch(3, 1), () => { throw new NodeflowError('INVALID_ARGUMENT', 'too large', { max: 10 }); })).toThrow(expect.objectContaining({ message: 'too large; seqs 3..3 are skipped, the next batch starts at 4', details: { max: 10, seq: 3, next: 4 } }));
    expect(pass(gate, batch(4, 1), () => 1)).toBe(1);
    // A message that is not an object is named, whatever the encoder threw on it.
    const withNull = { seq: 5, at: 0, messages: [...msgs(5, 1), null] as unknown as ReturnType<typeof msgs> };
    expect(() => pass(gate, withNull, () => { throw new TypeError("Cannot read properties of null (reading 'id')"); })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'a recorded batch holds messages (objects): message 1 is null; seqs 5..6 are skipped, the next batch starts at 7', details: { seq: 5, next: 7, index: 1 } }));
    // A throw of undefined is a refusal too.
    expect(() => pass(gate, batch(7, 1), () => { throw undefined; })).toThrow(expect.objectContaining({ details: { seq: 7, next: 8 } }));
  });

  it('refuses an append from inside encode; one that follows the batch being encoded is skipped with it, others not', () => {
    const gate = new AppendGate('test log', 1);
    const inner: unknown[] = [];
    const tryPass = (seq: number, n: number) => {
      try {
        pass(gate, batch(seq, n), () => 0);
      } catch (e) {
        inner.push(e);
      }
    };
    pass(gate, batch(1, 2), () => {
      tryPass(3, 2); // follows: skipped
      tryPass(5, 1); // follows that: skipped too
      tryPass(100, 1); // does not follow: refused, nothing skipped
    });
    expect(inner).toEqual([1, 2, 3].map(() => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/test log: append called from inside an append/) })));
    expect(gate.next).toBe(6);
  });
});
