import { describe, expect, it } from 'vitest';
import { simWorkflow } from '../../support/workflow.js';

describe('buildRun: all or nothing', () => {
  it('a create() that throws part-way removes every node and widget made before it; the ids are free again', async () => {
    const { wf, runToEnd } = simWorkflow();
    let fail = true;
    wf.registerNodeType({
      type: 'test.fragile',
      kind: 'sink',
      inputs: { in: {} },
      create: () => {
        if (fail) throw new Error('not today');
        return {};
      },
    });
    const def = {
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 5 } }, { id: 'w', type: 'sink.widget' }, { id: 'c', type: 'sink.collector' }, { id: 'f', type: 'test.fragile' }],
      edges: [
        { source: 's', sourcePort: 'out', target: 'w', targetPort: 'in' },
        { source: 's', sourcePort: 'out', target: 'c', targetPort: 'in' },
        { source: 's', sourcePort: 'out', target: 'f', targetPort: 'in' },
      ],
    };
    const engine = wf.getStreamEngine();
    await expect(wf.executeWorkflow(def)).rejects.toThrow(/node f \(test.fragile\): create\(\) threw: not today/);
    expect(engine.listNodes()).toEqual([]);
    expect(engine.listConnections()).toEqual([]);

    fail = false; // the same definition now builds: nothing of the failed attempt is in the way
    const run = await wf.executeWorkflow(def);
    const result = await runToEnd(run);
    expect(result.status).toBe('completed');
    expect(run.collected('c')).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(result.metrics.edges)).toHaveLength(3);
  });
});
