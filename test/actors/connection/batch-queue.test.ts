import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../../src/actors/connection/batch-queue.js';
import { propParams } from '../../support/helpers.js';

type Op = { op: 'push'; v: number } | { op: 'take' } | { op: 'shift' } | { op: 'pop' } | { op: 'removeAt'; i: number } | { op: 'resize'; n: number } | { op: 'compact' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), v: fc.integer() }) },
  fc.constant({ op: 'compact' as const }),
  fc.constant({ op: 'take' as const }),
  fc.constant({ op: 'shift' as const }),
  fc.constant({ op: 'pop' as const }),
  fc.record({ op: fc.constant('removeAt' as const), i: fc.integer({ min: -1, max: 60 }) }),
  fc.record({ op: fc.constant('resize' as const), n: fc.integer({ min: 1, max: 20 }) }),
);

describe('BatchQueue (the connection mailbox)', () => {
  it('is a bounded FIFO whose batches are contiguous runs of min(size, batchSize): removals never shrink them (model check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 300 }), (cap, bs0, ops) => {
        let batchSize = Math.min(bs0, cap);
        const q = new BatchQueue<number>(cap, batchSize);
        const model: number[] = [];
        for (const o of ops) {
          if (o.op === 'push') expect(q.push(o.v) > 0).toBe(model.length < cap ? (model.push(o.v), true) : false);
          else if (o.op === 'take') {
            const batch = q.take();
            if (model.length === 0) expect(batch).toEqual([]);
            else {
              expect(batch.length).toBeGreaterThanOrEqual(1);
              expect(batch.length).toBeLessThanOrEqual(batchSize);
              expect(batch.length).toBe(Math.min(batchSize, model.length));
              expect(batch).toEqual(model.splice(0, batch.length));
            }
          } else if (o.op === 'resize') {
            batchSize = Math.min(o.n, cap);
            q.setBatchSize(batchSize);
          } else if (o.op === 'compact') {
            // The heap stays bounded: slots in use never exceed twice the messages plus a batch.
            q.compactIfSparse();
            expect(q.gaps).toBeLessThanOrEqual(q.size + batchSize);
          }
          else if (o.op === 'shift') expect(q.shift()).toBe(model.shift());
          else if (o.op === 'pop') expect(q.pop()).toBe(model.pop());
          else expect(q.removeAt(o.i)).toBe(o.i >= 0 && o.i < model.length ? model.splice(o.i, 1)[0] : undefined);
          expect(q.size).toBe(model.length);
          expect(q.toArray()).toEqual(model);
          for (let i = 0; i < model.length; i++) expect(q.at(i)).toBe(model[i]);
        }
      }),
      propParams,
    );
  });

  // Found by the connection model (seed 539924859 family): middle removals left short chunks,
  // and the ring of chunks, sized for full ones, silently refused a new tail.
  it('keeps every message when removals fragment the chunks', () => {
    const q = new BatchQueue<number>(31, 4);
    const model: number[] = [];
    let v = 0;
    for (let round = 0; round < 40; round++) {
      while (q.size < 31) (q.push(++v), model.push(v));
      // remove the second message of the buffer, as non-priority shedding of a critical head does
      expect(q.removeAt(1)).toBe(model.splice(1, 1)[0]);
      expect(q.toArray()).toEqual(model);
    }
    const out: number[] = [];
    while (q.size > 0) out.push(...q.take());
    expect(out).toEqual(model);
  });

  it('keeps memory bounded and batches full under sustained removals from the middle (shedding)', () => {
    const q = new BatchQueue<number>(1000, 50);
    const model: number[] = [];
    let v = 0;
    while (q.size < 1000) (q.push(++v), model.push(v));
    for (let round = 0; round < 20_000; round++) {
      // Evict the message at a pseudo-random middle position, as priority shedding does, then refill.
      const i = 1 + ((round * 7919) % (q.size - 2));
      expect(q.removeAt(i)).toBe(model.splice(i, 1)[0]);
      q.compactIfSparse();
      expect(q.gaps).toBeLessThanOrEqual(q.size + 50);
      q.push(++v);
      model.push(v);
      if (round % 10 === 0) expect(q.take()).toEqual(model.splice(0, 50));
      while (q.size < 1000) (q.push(++v), model.push(v));
    }
    expect(q.toArray()).toEqual(model);
  });

  it('hands out full chunks when it holds at least batchSize (no copy: the chunk is the batch)', () => {
    const q = new BatchQueue<number>(100, 10);
    for (let i = 0; i < 25; i++) q.push(i);
    expect(q.take()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.take()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(q.take()).toEqual([20, 21, 22, 23, 24]);
    q.push(99);
    expect(q.take()).toEqual([99]);
  });
});
