// Delivery whose stack depth does not grow with the topology (issue 12): a chain of thousands of
// synchronous hops delivers every message exactly once, with no stack overflow taken for a
// failed delivery and retried.
import { describe, expect, it } from 'vitest';
import { StreamEngine, WorkflowEngine, type WorkflowDefinition } from '../../../src/index.js';
import { DeliveryTrampoline, MAX_NESTED_DELIVERIES } from '../../../src/actors/connection/delivery-trampoline.js';

function chain(n: number): WorkflowDefinition {
  const nodes = [{ id: 'src', type: 'source.sequential', config: { count: 10 } }, ...Array.from({ length: n - 2 }, (_, i) => ({ id: `m${i}`, type: 'transform.map' })), { id: 'sink', type: 'sink.collector' }];
  const edges = nodes.slice(1).map((x, i) => ({ source: nodes[i]!.id, sourcePort: 'out', target: x.id, targetPort: 'in' }));
  // Every hop due at once: batches of one, no deadline, so each delivery runs the next inline.
  return { nodes, edges, config: { batchTimeout: 0, maxBatchSize: 1 } };
}

describe('delivery trampoline', () => {
  for (const n of [300, 1000, 3000]) {
    it(`a ${n}-node chain of synchronous hops delivers 0..9 exactly once, in order, nothing dead-lettered`, async () => {
      const wf = new WorkflowEngine();
      const dead: unknown[] = [];
      wf.getStreamEngine().deadLetters$.subscribe((d) => dead.push(d));
      const run = await wf.executeWorkflow(chain(n));
      const result = await run.done;
      expect(result.status).toBe('completed');
      expect(run.collected('sink')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(dead).toEqual([]);
      expect(Object.values(result.metrics.edges).every((e) => e.failedAttempts === 0 && e.delivered === 10)).toBe(true);
    }, 60_000);
  }

  it('hops up to the nesting limit still run inline, within the producer\'s call (no hop slower than before)', () => {
    const engine = new StreamEngine({ batchTimeout: 0, maxBatchSize: 1 });
    const n = MAX_NESTED_DELIVERIES;
    const got: number[] = [];
    for (let i = 0; i < n; i++) engine.node(`n${i}`, { process: (b) => void engine.emit(`n${i}`, 'out', { ...b.messages[0]!, sourceNodeId: `n${i}`, port: 'out' }) });
    engine.node(`n${n}`, { process: (b) => void got.push(b.messages[0]!.data as number) });
    for (let i = 0; i < n; i++) engine.createConnection(i === 0 ? 'src' : `n${i - 1}`, `n${i}`, 'out', 'in');
    engine.createConnection(`n${n - 1}`, `n${n}`, 'out', 'in');
    engine.emit('src', 'out', { id: 1, timestamp: 0, sourceNodeId: 'src', port: 'out', data: 7 });
    // Synchronously, before emit's caller gets control back: nothing waited for a timer.
    expect(got).toEqual([7]);
    engine.dispose();
  });

  it('queues beyond the limit, runs the queue in order once the stack unwinds, and surfaces an engine error after finishing the queue', () => {
    const t = new DeliveryTrampoline();
    const order: string[] = [];
    t.depth = MAX_NESTED_DELIVERIES;
    t.defer(() => order.push('a'));
    t.defer(() => {
      order.push('b');
      throw new Error('engine bug');
    });
    t.defer(() => {
      order.push('c');
      t.defer(() => order.push('d')); // queued while draining: runs in the same drain
    });
    t.depth = 0;
    expect(() => t.drain()).toThrow('engine bug');
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    t.drain(); // nothing left
    expect(order).toHaveLength(4);
  });
});
