import type { StreamMessage } from '../../../src/index.js';
import type { simEngine } from '../../support/helpers.js';

/** A target that fails its first `failures` deliveries (throwing), then succeeds. */
export function flaky(engine: ReturnType<typeof simEngine>['engine'], failures: number) {
  const attempts: StreamMessage[][] = [];
  const delivered: StreamMessage[] = [];
  let left = failures;
  engine.node('t', {
    process: (b) => {
      attempts.push([...b.messages]);
      if (left-- > 0) throw new Error(`boom ${attempts.length}`);
      delivered.push(...b.messages);
    },
  });
  return { attempts, delivered, heal: () => (left = 0), breakAgain: (n: number) => (left = n) };
}
