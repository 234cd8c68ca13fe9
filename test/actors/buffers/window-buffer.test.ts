import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowBuffer } from '../../../src/actors/buffers/window-buffer.js';
import { propParams } from '../../support/helpers.js';

describe('WindowBuffer (widget window)', () => {
  it('always holds exactly the last `capacity` messages of everything added', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.array(fc.integer(), { maxLength: 30 }), { maxLength: 60 }), (cap, batches) => {
        const w = new WindowBuffer<number>(cap);
        const all: number[] = [];
        for (const b of batches) {
          w.add(b);
          all.push(...b);
          const expected = all.slice(Math.max(0, all.length - cap));
          expect(w.toArray()).toEqual(expected);
          expect(w.size).toBe(expected.length);
          expect(w.latest()).toBe(all.length ? all[all.length - 1] : undefined);
        }
      }),
      propParams,
    );
  });

  it('tail(n) is the last n of the window, clamped to [0, size]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.array(fc.integer(), { maxLength: 30 }), { maxLength: 60 }),
        fc.integer({ min: -5, max: 80 }),
        (cap, batches, n) => {
          const w = new WindowBuffer<number>(cap);
          for (const b of batches) w.add(b);
          const all = w.toArray();
          const k = Math.max(0, Math.min(n, all.length));
          expect(w.tail(n)).toEqual(all.slice(all.length - k));
        },
      ),
      propParams,
    );
  });
});
