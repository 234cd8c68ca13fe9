import type { StreamMessage } from '../../message.js';
import { checkConfig, count } from './config-rules.js';
import type { NodeTypeDefinition } from './node-types.js';

/** The collected values of a sink.collector behaviour, oldest first (read through WorkflowRun.collected). @internal */
export const COLLECTED = Symbol('collected');

/**
 * The last `limit` values, oldest first. Grows by push up to `limit`, then overwrites the
 * oldest in place: O(1) per value whatever the batch size, and memory only for what arrived
 * (a run with 10,000 collectors does not reserve 10,000 slots each up front).
 *
 * @example
 * ```ts
 * const last = new LastValues(2);
 * last.add(1); last.add(2); last.add(3);
 * last.toArray(); // [2, 3]
 * ```
 * @internal
 */
export class LastValues {
  private readonly values: unknown[] = [];
  /** Where the next value goes once the ring is full (it is also the oldest). */
  private next = 0;

  constructor(private readonly limit: number) {}

  add(value: unknown): void {
    if (this.values.length < this.limit) this.values.push(value);
    else if (this.limit > 0) {
      this.values[this.next] = value;
      this.next = this.next + 1 === this.limit ? 0 : this.next + 1;
    }
  }

  toArray(): unknown[] {
    if (this.next === 0) return this.values.slice();
    return [...this.values.slice(this.next), ...this.values.slice(0, this.next)];
  }
}

/**
 * `sink.collector`: keeps the data of the last `limit` messages (default 10,000).
 *
 * @example
 * ```ts
 * const run = await wf.executeWorkflow({ nodes: [..., { id: 'out', type: 'sink.collector', config: { limit: 100 } }], edges });
 * await run.done;
 * run.collected('out'); // the last 100 values, oldest first
 * ```
 */
export function collectorType(): NodeTypeDefinition {
  return {
    type: 'sink.collector',
    description: 'Keeps the data of the last `limit` messages (default 10000), readable through run.collected(nodeId).',
    kind: 'sink',
    inputs: { in: { type: 'any' } },
    validateConfig: (c) => checkConfig(c, { limit: count }),
    create(ctx) {
      const last = new LastValues((ctx.config.limit as number | undefined) ?? 10_000);
      return {
        [COLLECTED]: () => last.toArray(),
        process(batch: { messages: readonly StreamMessage[] }) {
          const ms = batch.messages;
          for (let i = 0; i < ms.length; i++) last.add(ms[i]!.data);
        },
      };
    },
  };
}
