// The other forms of a node on Web Workers: a workflow node type (its own pool, module work
// imported by the worker from a URL) and the core's engine.node(id, { thread }) with a web pool.
import { describe, expect, it } from 'vitest';
import { StreamEngine, WorkflowEngine } from '../../src/index.js';
import { threadNodeType, threadPool } from '../../src/threads/web.js';

describe('nodes on Web Workers, other forms', () => {
  it('threadNodeType runs a module export on a pool of its own, per output port, in order', async () => {
    const wf = new WorkflowEngine({ streamEngine: new StreamEngine({ batchTimeout: 1, maxBatchSize: 7 }) });
    const module = new URL('./fixtures/web-work.mjs', import.meta.url).href;
    wf.registerNodeType(threadNodeType({ type: 'split', work: { kind: 'module', module, export: 'split' }, outputs: { even: { type: 'any' }, odd: { type: 'any' } }, thread: { size: 2 } }));
    const run = await wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: 300 } },
        { id: 's', type: 'split' },
        { id: 'even', type: 'sink.collector' },
        { id: 'odd', type: 'sink.collector' },
      ],
      edges: [
        { source: 'src', sourcePort: 'out', target: 's', targetPort: 'in' },
        { source: 's', sourcePort: 'even', target: 'even', targetPort: 'in' },
        { source: 's', sourcePort: 'odd', target: 'odd', targetPort: 'in' },
      ],
    });
    await run.done;
    const even = run.collected('even') as number[];
    const odd = run.collected('odd') as number[];
    expect(even).toEqual(Array.from({ length: 150 }, (_, i) => 2 * i));
    expect(odd).toEqual(Array.from({ length: 150 }, (_, i) => 2 * i + 1));
  });

  it("engine.node(id, { thread }) takes a Web Worker pool; engine.stop() ends its workers", async () => {
    const engine = new StreamEngine({ batchTimeout: 1 });
    const pool = threadPool();
    engine.node('sq', { thread: { pool, work: { kind: 'function', fn: (vs) => vs.map((v) => (v as number) ** 2) } } });
    const got: unknown[] = [];
    engine.node('sink', { process: (b) => void got.push(...b.messages.map((m) => m.data)) });
    engine.createConnection('sq', 'sink', 'out', 'in');
    const w = engine.getConnection(engine.createConnection('src', 'sq', 'out', 'in')).writer;
    for (let i = 0; i < 100; i++) await w.write({ id: i, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'sq', port: 'out', data: i });
    await expect.poll(() => got.length, { timeout: 10_000, interval: 5 }).toBe(100);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
    expect(pool.stats().workers).toBe(1);
    await engine.stop();
    await expect.poll(() => pool.stats().workers, { timeout: 10_000, interval: 5 }).toBe(0);
  });
});
