import { describe, expect, it } from 'vitest';
import { StreamEngine, WorkflowEngine } from '../../src/index.js';
import { threadNodeType, threadPool } from '../../src/threads/index.js';
import { fixture, workerEntry } from './entry.js';

describe('threadNodeType in a workflow', () => {
  it('runs a module export on the type pool, emits per output port, in order, and the run completes with no worker left', async () => {
    const pool = threadPool({ size: 2, entry: workerEntry() });
    const wf = new WorkflowEngine({ streamEngine: new StreamEngine({ batchTimeout: 1, maxBatchSize: 7 }) });
    wf.registerNodeType(threadNodeType({ type: 'split', work: { kind: 'module', module: fixture('work.mjs'), export: 'split' }, outputs: { even: { type: 'any' }, odd: { type: 'any' } }, thread: { pool } }));
    const run = await wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: 500 } },
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
    expect(even.length + odd.length).toBe(500);
    expect(even).toEqual([...even].sort((a, b) => a - b));
    expect(odd).toEqual([...odd].sort((a, b) => a - b));
    expect(even.every((v) => v % 2 === 0) && odd.every((v) => v % 2 === 1)).toBe(true);
    expect(pool.stats().workers).toBe(0); // the run ended: the node released the pool
  });

  it('moves flat records in the compact encoding and a function given by its source', async () => {
    const wf = new WorkflowEngine({ streamEngine: new StreamEngine({ batchTimeout: 1 }) });
    wf.registerFunction('pair', (v) => ({ a: v as number, b: 1 }));
    wf.registerNodeType(threadNodeType({ type: 'sum', work: { kind: 'module', module: fixture('work.mjs'), export: 'records' }, thread: { pool: threadPool({ entry: workerEntry() }) } }));
    wf.registerNodeType(threadNodeType({ type: 'inc', work: { kind: 'function', fn: (vs) => vs.map((r) => ({ sum: (r as { sum: number }).sum + 1 })) }, thread: { pool: threadPool({ entry: workerEntry() }), delivery: 'unordered' } }));
    const run = await wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: 20 } },
        { id: 'pair', type: 'transform.map', config: { fn: 'pair' } },
        { id: 'sum', type: 'sum' },
        { id: 'inc', type: 'inc' },
        { id: 'out', type: 'sink.collector' },
      ],
      edges: [
        { source: 'src', sourcePort: 'out', target: 'pair', targetPort: 'in' },
        { source: 'pair', sourcePort: 'out', target: 'sum', targetPort: 'in' },
        { source: 'sum', sourcePort: 'out', target: 'inc', targetPort: 'in' },
        { source: 'inc', sourcePort: 'out', target: 'out', targetPort: 'in' },
      ],
    });
    await run.done;
    const got = (run.collected('out') as { sum: number }[]).map((r) => r.sum).sort((a, b) => a - b);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });

  it('a result naming a port the type does not have dead-letters its batch (INVALID_ARGUMENT) and the run still ends', async () => {
    const engine = new StreamEngine({ batchTimeout: 1 });
    const dead: unknown[] = [];
    engine.deadLetters$.subscribe((d) => dead.push(d.error));
    const wf = new WorkflowEngine({ streamEngine: engine });
    wf.registerNodeType(threadNodeType({ type: 'bad', work: { kind: 'function', fn: (vs) => ({ nope: vs }) }, thread: { pool: threadPool({ entry: workerEntry() }) } }));
    const run = await wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'source.sequential', config: { count: 3 } },
        { id: 'b', type: 'bad' },
        { id: 'out', type: 'sink.collector' },
      ],
      edges: [
        { source: 'src', sourcePort: 'out', target: 'b', targetPort: 'in' },
        { source: 'b', sourcePort: 'out', target: 'out', targetPort: 'in' },
      ],
    });
    await run.done;
    expect(dead.length).toBeGreaterThan(0);
    expect(dead.every((e) => (e as { code?: string }).code === 'INVALID_ARGUMENT')).toBe(true);
    expect(run.collected('out')).toEqual([]);
  });
});
