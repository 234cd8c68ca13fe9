import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/index.js';
import { propParams } from '../../support/helpers.js';

type Op = { op: 'push'; v: number } | { op: 'shift' } | { op: 'take'; n: number } | { op: 'removeAt'; i: number } | { op: 'evict'; v: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('push' as const), v: fc.integer() }),
  fc.constant({ op: 'shift' as const }),
  fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('removeAt' as const), i: fc.integer({ min: -1, max: 40 }) }),
  fc.record({ op: fc.constant('evict' as const), v: fc.integer() }),
);

describe('RingBuffer', () => {
  it('behaves like a bounded array (model check over random operations)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(opArb, { maxLength: 200 }), (cap, ops) => {
        const ring = new RingBuffer<number>(cap);
        const model: number[] = [];
        for (const o of ops) {
          if (o.op === 'push') expect(ring.push(o.v)).toBe(model.length < cap ? (model.push(o.v), true) : false);
          else if (o.op === 'shift') expect(ring.shift()).toBe(model.shift());
          else if (o.op === 'take') expect(ring.take(o.n)).toEqual(model.splice(0, o.n));
          else if (o.op === 'removeAt') expect(ring.removeAt(o.i)).toBe(o.i >= 0 && o.i < model.length ? model.splice(o.i, 1)[0] : undefined);
          else {
            ring.pushEvict(o.v);
            model.push(o.v);
            if (model.length > cap) model.shift();
          }
          expect(ring.size).toBe(model.length);
          expect(ring.size).toBeLessThanOrEqual(cap);
          expect(ring.toArray()).toEqual(model);
        }
      }),
      propParams,
    );
  });
});
