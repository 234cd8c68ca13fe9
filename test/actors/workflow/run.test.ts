import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkflowEngine, WorkflowValidationError, type WorkflowDefinition } from '../../../src/index.js';
import { simWorkflow } from '../../support/workflow.js';
import { flushMicrotasks } from '../../support/flush.js';
import { NUM_RUNS, pendingTimers } from '../../support/helpers.js';

const sim = simWorkflow;

describe('WorkflowEngine: the spec sample', () => {
  it('runs as written: stream connections come from the edges, on the engine getStreamEngine() returns', async () => {
    const workflowDefinition: WorkflowDefinition = {
      nodes: [
        { id: 'sensor', type: 'source.sine', config: { amplitude: 10, period: 50, rate: 10_000, count: 500 } },
        { id: 'smooth', type: 'transform.aggregate', config: { window: 10, op: 'mean' } },
        { id: 'chart', type: 'sink.widget', config: { bufferSize: 100 } },
      ],
      edges: [
        { id: 'raw', source: 'sensor', sourcePort: 'out', target: 'smooth', targetPort: 'in' },
        { id: 'smoothed', source: 'smooth', sourcePort: 'out', target: 'chart', targetPort: 'in' },
      ],
    };
    const workflowEngine = new WorkflowEngine();
    const streamEngine = workflowEngine.getStreamEngine();

    // Stream connections are automatically created based on workflow edges
    const run = await workflowEngine.executeWorkflow(workflowDefinition);

    expect(streamEngine.listConnections().map((c) => c.id).sort()).toEqual(['sensor:out->smooth:in', 'smooth:out->chart:in']);
    expect(streamEngine.getConnection('sensor:out').id).toBe(run.connectionId('raw')); // nodeId:port works too
    const result = await run.done;
    expect(result.status).toBe('completed');
    expect(run.widget('chart').metrics().messageCount).toBe(50);
    expect(result.metrics.edges.raw).toMatchObject({ accepted: 500, delivered: 500, inFlight: 0 });
    expect(streamEngine.listConnections()).toEqual([]); // every edge drained and closed
  });
});

describe('validation: every problem at once, naming the node or edge; nothing is started', () => {
  it('reports each kind of problem', async () => {
    const { wf } = sim();
    const engine = wf.getStreamEngine();
    engine.node('taken');
    wf.registerNodeType({ type: 'test.text', kind: 'source', outputs: { out: { type: 'string' } }, create: () => ({}) });
    const def = {
      nodes: [
        { id: 'a', type: 'source.sequential', config: { count: -1, rate: 'fast' } },
        { id: 'a', type: 'sink.collector' },
        { id: 'b', type: 'source.nope' },
        { id: 'c', type: 'transform.aggregate' },
        { id: 'd', type: 'test.text' },
        { id: 'taken', type: 'sink.collector' },
        { id: 'e', type: 'transform.map', config: { fn: 'missing' } },
        { id: 'f', type: 'transform.map' },
        { id: 'g', type: 'transform.map' },
      ],
      edges: [
        { id: 'e1', source: 'a', sourcePort: 'out', target: 'ghost', targetPort: 'in' },
        { id: 'e2', source: 'a', sourcePort: 'nope', target: 'c', targetPort: 'in' },
        { id: 'e3', source: 'd', sourcePort: 'out', target: 'c', targetPort: 'in' },
        { id: 'e3', source: 'a', sourcePort: 'out', target: 'c', targetPort: 'in', config: { bufferSize: 0 } },
        { id: 'e5', source: 'f', sourcePort: 'out', target: 'g', targetPort: 'in' },
        { id: 'e6', source: 'g', sourcePort: 'out', target: 'f', targetPort: 'in' },
        { source: 'a', sourcePort: 'out', target: 'c', targetPort: 'in' },
      ],
    } as unknown as WorkflowDefinition;
    const problems = wf.validate(def);
    const codes = problems.map((p) => `${p.code}@${p.nodeId ?? p.edgeId}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'INVALID_NODE_CONFIG@a',
        'DUPLICATE_NODE_ID@a',
        'UNKNOWN_NODE_TYPE@b',
        'NODE_ID_IN_USE@taken',
        'INVALID_NODE_CONFIG@e',
        'MISSING_NODE@e1',
        'UNKNOWN_PORT@e2',
        'PORT_TYPE_MISMATCH@e3',
        'DUPLICATE_EDGE_ID@e3',
        'INVALID_EDGE_CONFIG@e3',
        'DUPLICATE_EDGE@a.out->c.in',
        'CYCLE@f',
      ]),
    );
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
    const before = engine.listConnections().length;
    await expect(wf.executeWorkflow(def)).rejects.toBeInstanceOf(WorkflowValidationError);
    expect(engine.listConnections().length).toBe(before);
    expect(engine.hasNodeOrWidget('c')).toBe(false);
    expect(wf.validate({ nodes: 3 } as never)).toEqual([expect.objectContaining({ code: 'INVALID_DEFINITION' })]);
    engine.dispose();
  });
});

describe('topologies: per-edge FIFO and conservation on simulated time', () => {
  const shapes: Record<string, (n: number) => WorkflowDefinition> = {
    chain: (n) => ({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: n } }, { id: 'm1', type: 'transform.map', config: { scale: 2 } }, { id: 'm2', type: 'transform.map', config: { offset: 1 } }, { id: 'r', type: 'test.recorder' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'm1', targetPort: 'in' }, { source: 'm1', sourcePort: 'out', target: 'm2', targetPort: 'in' }, { source: 'm2', sourcePort: 'out', target: 'r', targetPort: 'in' }],
    }),
    fanOut: (n) => ({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: n } }, { id: 'r1', type: 'test.recorder' }, { id: 'r2', type: 'test.recorder' }, { id: 'r3', type: 'test.recorder' }],
      edges: ['r1', 'r2', 'r3'].map((t) => ({ source: 's', sourcePort: 'out', target: t, targetPort: 'in' })),
    }),
    fanIn: (n) => ({
      nodes: [{ id: 's1', type: 'source.sequential', config: { count: n } }, { id: 's2', type: 'source.sequential', config: { count: n, offset: 1_000_000 } }, { id: 'r', type: 'test.recorder' }],
      edges: ['s1', 's2'].map((s) => ({ source: s, sourcePort: 'out', target: 'r', targetPort: 'in' })),
    }),
    diamond: (n) => ({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: n } }, { id: 'a', type: 'transform.map', config: { scale: 1 } }, { id: 'b', type: 'transform.filter', config: { min: 0 } }, { id: 'r', type: 'test.recorder' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'a', targetPort: 'in' }, { source: 's', sourcePort: 'out', target: 'b', targetPort: 'in' }, { source: 'a', sourcePort: 'out', target: 'r', targetPort: 'in' }, { source: 'b', sourcePort: 'out', target: 'r', targetPort: 'in' }],
    }),
  };
  const expectedPerSink: Record<string, number> = { chain: 1, fanOut: 1, fanIn: 2, diamond: 2 };

  for (const [shape, build] of Object.entries(shapes)) {
    it(shape, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 300 }),
          fc.record({ bufferSize: fc.integer({ min: 1, max: 64 }), maxBatchSize: fc.integer({ min: 1, max: 16 }), batchTimeout: fc.integer({ min: 0, max: 8 }) }),
          async (n, cfg) => {
            const config = { ...cfg, maxBatchSize: Math.min(cfg.maxBatchSize, cfg.bufferSize) };
            const { wf, recorded, runToEnd, clock } = sim();
            const run = await wf.executeWorkflow({ ...build(n), config });
            const result = await runToEnd(run);
            expect(result.status).toBe('completed');
            for (const [, batches] of recorded) {
              const byEdge = new Map<string, number[]>();
              for (const b of batches) byEdge.set(b.connectionId, [...(byEdge.get(b.connectionId) ?? []), ...(b.values as number[])]);
              expect(byEdge.size).toBe(expectedPerSink[shape]);
              for (const values of byEdge.values()) {
                expect(values).toHaveLength(n); // nothing lost (backpressure strategy: sources wait)
                for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!); // FIFO per edge
              }
            }
            for (const e of Object.values(result.metrics.edges)) {
              expect(e.accepted).toBe(e.delivered + e.droppedTotal + e.deadLettered + e.inFlight);
              expect(e).toMatchObject({ inFlight: 0, droppedTotal: 0, deadLettered: 0 });
            }
            wf.getStreamEngine().dispose();
            expect(pendingTimers(clock)).toBe(0);
          },
        ),
        { numRuns: Math.max(50, Math.floor(NUM_RUNS / 4)) },
      );
    });
  }
});

describe('lifecycle', () => {
  it('pause holds the sources and the nodes (connections back up); resume carries on; completion settles done', async () => {
    const { wf, recorded, clock } = sim();
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { rate: 1000, count: 200 } }, { id: 'r', type: 'test.recorder' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'r', targetPort: 'in' }],
    });
    const count = () => recorded.get('r')!.reduce((n, b) => n + b.values.length, 0);
    for (let t = 0; t < 50; t++) (clock.increment(1), await flushMicrotasks());
    const atPause = count();
    expect(atPause).toBeGreaterThan(0);
    run.pause();
    expect(run.status().state).toBe('paused');
    for (let t = 0; t < 100; t++) (clock.increment(1), await flushMicrotasks());
    expect(count()).toBe(atPause);
    run.resume();
    let done = false;
    void run.done.then(() => (done = true));
    for (let t = 0; t < 1000 && !done; t++) (clock.increment(1), await flushMicrotasks());
    expect(done).toBe(true);
    expect(count()).toBe(200);
    expect(run.status().state).toBe('completed');
  });

  it('stop ends an endless workflow: sources stop, buffers drain, done says stopped, nothing left behind', async () => {
    const { wf, clock } = sim();
    const engine = wf.getStreamEngine();
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.random', config: { rate: 5000, seed: 3 } }, { id: 'm', type: 'transform.throttle', config: { interval: 5, mode: 'sample' } }, { id: 'c', type: 'sink.collector' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'm', targetPort: 'in' }, { source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }],
    });
    for (let t = 0; t < 100; t++) (clock.increment(1), await flushMicrotasks());
    const stopping = run.stop();
    for (let t = 0; t < 50; t++) (clock.increment(1), await flushMicrotasks());
    const result = await stopping;
    expect(result.status).toBe('stopped');
    expect(run.collected('c').length).toBeGreaterThan(3); // one sample per 5 ms while batches arrive every ~16 ms
    expect(engine.listConnections()).toEqual([]);
    expect(engine.hasNodeOrWidget('s')).toBe(false);
    expect(pendingTimers(clock)).toBe(0);
  });

  it("a node's failures go through error recovery and surface on the handle; other branches finish", async () => {
    const { wf, recorded, runToEnd } = sim({ retryAttempts: 1, retryDelay: 1 });
    wf.registerNodeType({ type: 'test.broken', kind: 'sink', inputs: { in: {} }, create: () => ({ process: () => Promise.reject(new Error('disk full')) }) });
    const dead: unknown[] = [];
    wf.getStreamEngine().deadLetters$.subscribe((d) => dead.push(d.connectionId));
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 100 } }, { id: 'bad', type: 'test.broken' }, { id: 'good', type: 'test.recorder' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'bad', targetPort: 'in' }, { source: 's', sourcePort: 'out', target: 'good', targetPort: 'in' }],
    });
    const result = await runToEnd(run);
    expect(result.status).toBe('completed');
    expect(result.nodes.bad).toMatchObject({ errors: expect.any(Number), lastError: 'disk full' });
    expect(result.nodes.bad!.errors).toBeGreaterThan(0);
    expect(recorded.get('good')!.flatMap((b) => b.values)).toHaveLength(100);
    expect(dead.length).toBeGreaterThan(0);
  });

  it('a source that throws fails its node; downstream still completes with what it got', async () => {
    const { wf, runToEnd } = sim();
    wf.registerFunction('explode', (v) => {
      if ((v as number) >= 50) throw new Error('bad sensor');
      return v;
    });
    wf.registerNodeType({
      type: 'test.fragile',
      kind: 'source',
      outputs: { out: { type: 'number' } },
      create: (ctx) => {
        const out = ctx.output('out');
        return {
          start: () => {
            for (let i = 0; i < 10; i++) out(i);
            ctx.fail(new Error('sensor unplugged'));
          },
        };
      },
    });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 'src', type: 'test.fragile' }, { id: 'c', type: 'sink.collector' }],
      edges: [{ source: 'src', sourcePort: 'out', target: 'c', targetPort: 'in' }],
    });
    const result = await runToEnd(run);
    expect(result.status).toBe('failed');
    expect(result.nodes.src).toMatchObject({ state: 'failed', lastError: 'sensor unplugged' });
    expect(result.nodes.c).toMatchObject({ state: 'completed', received: 10 });
  });
});
