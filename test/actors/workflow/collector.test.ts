import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LastValues } from '../../../src/actors/workflow/collector.js';
import { NUM_RUNS } from '../../support/helpers.js';
import { simWorkflow } from '../../support/workflow.js';

describe('LastValues: the collector keeps a ring, not a spliced array', () => {
  it('property: after any batches, holds exactly the last `limit` values, oldest first', () => {
    fc.assert(
      fc.property(fc.nat(20), fc.array(fc.array(fc.integer(), { maxLength: 30 }), { maxLength: 20 }), (limit, batches) => {
        const last = new LastValues(limit);
        const all: number[] = [];
        for (const batch of batches) {
          for (const v of batch) last.add(v);
          all.push(...batch);
          // The old collector's result: push everything, cut the front to `limit`.
          expect(last.toArray()).toEqual(limit === 0 ? [] : all.slice(-limit));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('toArray is a copy: changing it changes nothing kept', () => {
    const last = new LastValues(2);
    last.add(1);
    last.add(2);
    last.add(3);
    last.toArray().push(99);
    expect(last.toArray()).toEqual([2, 3]);
  });
});

describe('sink.collector in a workflow', () => {
  it('run.collected() returns the last `limit` values in arrival order, across batches', async () => {
    const { wf, runToEnd } = simWorkflow({ maxBatchSize: 7 });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 100 } }, { id: 'c', type: 'sink.collector', config: { limit: 10 } }, { id: 'all', type: 'sink.collector' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'c', targetPort: 'in' }, { source: 's', sourcePort: 'out', target: 'all', targetPort: 'in' }],
    });
    await runToEnd(run);
    expect(run.collected('c')).toEqual(Array.from({ length: 10 }, (_, i) => 90 + i));
    expect(run.collected('all')).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
