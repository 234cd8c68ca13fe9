import fc from 'fast-check';
import { expect, it } from 'vitest';
import { nextBatch } from '../../src/server/subscription.js';
import { propParams } from '../support/helpers.js';

it('cursor math: every message is sent or counted dropped, never beyond the window, from strictly increasing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 500 }), // win
      fc.integer({ min: 1, max: 500 }), // widget window capacity
      fc.array(fc.record({ arrive: fc.nat({ max: 300 }), send: fc.boolean() }), { maxLength: 60 }),
      (win, capacity, steps) => {
        let total = 0, sentSeq = 0, sent = 0, dropped = 0, lastFrom = 0;
        for (const { arrive, send } of steps) {
          total += arrive;
          if (!send) continue;
          const size = Math.min(total, capacity);
          const b = nextBatch(sentSeq, total, win, size);
          expect(b.n).toBeLessThanOrEqual(Math.min(win, size));
          if (b.n > 0) {
            expect(b.from).toBeGreaterThan(lastFrom);
            expect(b.from).toBe(sentSeq + b.skipped + 1);
            lastFrom = b.from;
          }
          sent += b.n;
          dropped += b.skipped;
          sentSeq = total;
          expect(total).toBe(sent + dropped);
        }
      },
    ),
    propParams,
  );
});
