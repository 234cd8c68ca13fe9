import { describe, expect, it } from 'vitest';
import type { OfferResult } from '../../../src/index.js';
import { simWorkflow } from '../../support/workflow.js';

describe('createNodeContext: emitters', () => {
  it("a source's refused message stays the source's to keep: not queued, not counted, never sent later", async () => {
    const { wf, runToEnd } = simWorkflow();
    const results: (OfferResult | 'unrouted')[] = [];
    const held: Array<() => void> = [];
    const got: unknown[] = [];
    let open = false;
    wf.registerNodeType({
      type: 'test.once',
      kind: 'source',
      outputs: { out: {} },
      create: (ctx) => ({
        start() {
          const out = ctx.output('out');
          for (let i = 0; i < 6; i++) results.push(out(i));
          ctx.complete();
        },
      }),
    });
    wf.registerNodeType({
      type: 'test.gate',
      kind: 'sink',
      inputs: { in: {} },
      create: () => ({
        process(b) {
          got.push(...b.messages.map((m) => m.data));
          if (!open) return new Promise<void>((r) => held.push(r));
        },
      }),
    });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'test.once' }, { id: 'g', type: 'test.gate' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'g', targetPort: 'in', config: { bufferSize: 2, maxBatchSize: 1 } }],
    });
    expect(results.filter((r) => r === 'full')).toHaveLength(4);
    open = true;
    for (const r of held.splice(0)) r();
    const result = await runToEnd(run);
    expect(got).toEqual([0, 1]);
    expect(result.nodes.s!.emitted).toBe(2);
    expect(result.nodes.s!.discarded).toBeUndefined();
  });

  it("asking for an output port the type does not declare throws, naming the node's outputs", async () => {
    const { wf } = simWorkflow();
    wf.registerNodeType({ type: 'test.typo', kind: 'transform', inputs: { in: {} }, outputs: { out: {}, err: {} }, create: (ctx) => (ctx.output('oops'), {}) });
    await expect(wf.executeWorkflow({ nodes: [{ id: 'z', type: 'test.typo' }], edges: [] })).rejects.toThrow(/node z \(test.typo\) has no output port 'oops' \(outputs: out, err\)/);
  });
});
