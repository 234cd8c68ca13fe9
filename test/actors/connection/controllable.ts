import type { Batch } from '../../../src/index.js';
import type { simEngine } from '../../support/helpers.js';

/** A target whose deliveries can be held open (a stalled consumer) and released. */
export function controllable(engine: ReturnType<typeof simEngine>['engine'], id = 't') {
  const batches: Batch[] = [];
  let stalled = false;
  const waiting: Array<() => void> = [];
  engine.node(id, {
    process: (b) => {
      batches.push(b);
      if (stalled) return new Promise<void>((r) => waiting.push(r));
    },
  });
  return {
    batches,
    stall: () => (stalled = true),
    release: async () => {
      stalled = false;
      while (waiting.length) {
        waiting.shift()!();
        await Promise.resolve();
        await Promise.resolve();
      }
    },
    delivered: () => batches.flatMap((b) => b.messages),
  };
}
