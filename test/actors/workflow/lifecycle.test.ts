import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition, WorkflowStatus } from '../../../src/index.js';
import { flushMicrotasks } from '../../support/flush.js';
import { pendingTimers } from '../../support/helpers.js';
import { simWorkflow } from '../../support/workflow.js';

// Deep enough that walking end-of-stream on the stack overflowed (it did from about 1,000 nodes),
// small enough to build quickly: every connection costs the engine ~0.5 ms and ~100 KB.
const N = 1500;

/** An idle source (it sends nothing until the test says) → N − 2 maps → collector. */
function chain(): WorkflowDefinition {
  const nodes = [{ id: 'n0', type: 'test.idle' }, ...Array.from({ length: N - 2 }, (_, i) => ({ id: `n${i + 1}`, type: 'transform.map' })), { id: `n${N - 1}`, type: 'sink.collector' }];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, sourcePort: 'out', target: n.id, targetPort: 'in' }));
  return { nodes, edges };
}

function setup() {
  const t = simWorkflow();
  let complete = () => {};
  t.wf.registerNodeType({ type: 'test.idle', kind: 'source', outputs: { out: {} }, create: (ctx) => ((complete = ctx.complete), {}) });
  return { ...t, complete: () => complete() };
}

describe('RunLifecycle: end-of-stream walks the graph in a loop', () => {
  it(`a source completing ends a ${N}-node chain node by node, without a stack overflow, publishing once`, async () => {
    const { wf, complete, runToEnd } = setup();
    const run = await wf.executeWorkflow(chain());
    const seen: WorkflowStatus[] = [];
    run.status$.subscribe((s) => seen.push(s));
    const before = seen.length;
    complete();
    const result = await runToEnd(run);
    expect(result.status).toBe('completed');
    expect(Object.values(result.nodes).every((n) => n.state === 'completed')).toBe(true);
    // One status for the whole walk (plus the final one), not one per node: each is O(nodes).
    expect(seen.length - before).toBeLessThanOrEqual(3);
    expect(seen.at(-1)!.state).toBe('completed');
  });

  it(`stop() on a ${N}-node chain closes every edge without a stack overflow`, async () => {
    const { wf } = setup();
    const run = await wf.executeWorkflow(chain());
    const result = await run.stop();
    expect(result.status).toBe('stopped');
    expect(Object.keys(result.metrics.edges)).toHaveLength(N - 1);
    expect(Object.values(result.nodes).every((n) => n.state === 'stopped')).toBe(true);
    expect(wf.getStreamEngine().listConnections()).toHaveLength(0);
  });

  it('a node failing inside the walk fails only itself; the rest of the chain still ends', async () => {
    const { wf, complete, runToEnd } = setup();
    wf.registerNodeType({
      type: 'test.badFlush',
      kind: 'transform',
      inputs: { in: {} },
      outputs: { out: {} },
      create: () => ({
        complete() {
          throw new Error('flush failed');
        },
      }),
    });
    const def = chain();
    const nodes = def.nodes.map((n) => (n.id === 'n5' ? { ...n, type: 'test.badFlush' } : n));
    const run = await wf.executeWorkflow({ ...def, nodes });
    complete();
    await flushMicrotasks();
    const result = await runToEnd(run);
    expect(result.nodes.n5!.lastError).toBe('complete(): flush failed');
    expect(result.nodes[`n${N - 1}`]!.state).toBe('completed');
  });
});

describe('RunLifecycle: an engine stopped under a run ends it', () => {
  for (const how of ['stop', 'dispose'] as const) {
    it(`engine.${how}(): the run settles 'stopped', its sources stop, and no timer is left`, async () => {
      const { wf, clock } = simWorkflow();
      const engine = wf.getStreamEngine();
      const run = await wf.executeWorkflow({
        nodes: [{ id: 's', type: 'source.sequential', config: { rate: 1000 } }, { id: 'm', type: 'transform.map', config: { scale: 2 } }, { id: 'c', type: 'sink.collector' }],
        edges: [{ source: 's', sourcePort: 'out', target: 'm', targetPort: 'in' }, { source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }],
      });
      for (let i = 0; i < 50; i++) {
        clock.increment(1);
        await flushMicrotasks();
      }
      let settled = false;
      void run.done.then(() => (settled = true));
      if (how === 'stop') {
        const stopping = engine.stop({ timeout: 100 });
        for (let i = 0; i < 200 && !settled; i++) {
          clock.increment(1);
          await flushMicrotasks();
        }
        await stopping;
      } else engine.dispose();
      await flushMicrotasks();
      expect(settled).toBe(true);
      const result = await run.done;
      expect(result.status).toBe('stopped');
      expect(run.status().state).toBe('stopped');
      // stop() detaches the connections, so every node is stopped where it was; dispose() closes
      // them first (connection.removed), so downstream nodes see their inputs end and complete.
      expect(Object.values(result.nodes).map((n) => n.state)).toEqual(how === 'stop' ? ['stopped', 'stopped', 'stopped'] : ['stopped', 'completed', 'completed']);
      expect(pendingTimers(clock)).toBe(0);
      const sent = (run.collected('c') as number[]).length;
      clock.increment(1000);
      await flushMicrotasks();
      expect(run.collected('c')).toHaveLength(sent); // the source produces nothing more
    });
  }
});

describe('RunLifecycle: endSources() drains, then the run is stopped', () => {
  it('the named sources stop and end; what they sent is all delivered; others run on; the run settles stopped once all ended', async () => {
    const { wf, clock, runToEnd } = setup();
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { rate: 1000 } }, { id: 'm', type: 'transform.map', config: { scale: 1 } }, { id: 'c', type: 'sink.collector' }, { id: 'x', type: 'test.idle' }, { id: 'cx', type: 'sink.collector' }],
      edges: [{ id: 'sm', source: 's', sourcePort: 'out', target: 'm', targetPort: 'in', config: { maxBatchSize: 100, batchTimeout: 50 } }, { source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }, { source: 'x', sourcePort: 'out', target: 'cx', targetPort: 'in' }],
    });
    for (let i = 0; i < 30; i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    run.endSources(['s']);
    for (let i = 0; i < 500; i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    // s, m and c ended; x (not named) still runs, so the run does too.
    expect(run.status().state).toBe('running');
    expect(run.status().nodes).toMatchObject({ s: { state: 'stopped' }, m: { state: 'completed' }, c: { state: 'completed' }, x: { state: 'running' } });
    const sm = run.metrics().edges.sm!;
    expect(sm.accepted).toBeGreaterThan(0);
    expect(sm).toMatchObject({ delivered: sm.accepted, droppedTotal: 0, inFlight: 0 });
    expect(run.collected('c')).toEqual(Array.from({ length: sm.accepted }, (_, i) => i));
    run.endSources();
    const result = await runToEnd(run);
    expect(result.status).toBe('stopped');
    expect(result.nodes.x!.state).toBe('stopped');
    expect(pendingTimers(clock)).toBe(0);
  });
});
