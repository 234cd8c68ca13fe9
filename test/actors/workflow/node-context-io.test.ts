import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/index.js';
import { StreamEngine, WorkflowEngine } from '../../../src/index.js';
import { SimulatedClock } from 'xstate';
import { flushMicrotasks, simWorkflow } from '../../support/workflow.js';

describe('createNodeContext: what I/O sources use', () => {
  it('backpressured(port) turns true at the high watermark and ready(port) resolves only at the low one', async () => {
    const { wf, clock } = simWorkflow();
    const held: Array<() => void> = [];
    const seen: string[] = [];
    let ctxOut!: { emit: (v: number) => unknown; pressured: () => boolean; ready: () => Promise<void> };
    wf.registerNodeType({
      type: 'test.io',
      kind: 'source',
      outputs: { out: {} },
      create: (ctx) => {
        const out = ctx.output('out');
        ctxOut = { emit: (v) => out(v), pressured: () => ctx.backpressured('out'), ready: () => ctx.ready('out') };
        return {};
      },
    });
    wf.registerNodeType({ type: 'test.hold', kind: 'sink', inputs: { in: {} }, create: () => ({ process: () => new Promise<void>((r) => held.push(r)) }) });
    await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'test.io' }, { id: 'h', type: 'test.hold' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'h', targetPort: 'in', config: { bufferSize: 10, maxBatchSize: 1, backpressureThreshold: 0.8 } }],
    });
    await ctxOut.ready(); // flowing: at once
    let i = 0;
    while (!ctxOut.pressured()) ctxOut.emit(i++);
    expect(i).toBe(8); // 0.8 x 10 buffered (the first batch leaves at the end of the task)
    void ctxOut.ready().then(() => seen.push('ready'));
    await Promise.resolve();
    expect(seen).toEqual([]);
    // Each release takes one batch out; the edge relieves below the low watermark (0.5 x 10).
    const release = async () => {
      clock.increment(1);
      await flushMicrotasks();
      held.shift()?.();
      await flushMicrotasks();
    };
    await release(); // the first batch goes out; releasing it leaves 7 buffered
    await release();
    expect(seen).toEqual([]); // still above the low watermark
    for (let k = 0; k < 6 && seen.length === 0; k++) await release();
    expect(seen).toEqual(['ready']);
    expect(ctxOut.pressured()).toBe(false);
  });

  it('report() puts io.state / io.error on the engine events and the node status; count() adds to io.counters', async () => {
    const engine = new StreamEngine({}, { clock: new SimulatedClock() });
    const wf = new WorkflowEngine({ streamEngine: engine });
    const events: EngineEvent[] = [];
    engine.events$.subscribe((e) => events.push(e));
    wf.registerNodeType({
      type: 'test.reporter',
      kind: 'source',
      outputs: { out: {} },
      create: (ctx) => {
        ctx.report({ kind: 'state', state: 'connecting' }); // before the run exists: no throw
        return {
          start() {
            ctx.report({ kind: 'state', state: 'connected', detail: 'mqtt://127.0.0.1:1883' });
            ctx.count('malformed');
            ctx.count('malformed', 2);
            ctx.report({ kind: 'error', code: 'MALFORMED_PAYLOAD', message: 'not JSON' });
          },
        };
      },
    });
    const run = await wf.executeWorkflow({ nodes: [{ id: 'r', type: 'test.reporter' }], edges: [] });
    const io = events.filter((e) => e.type === 'io.state' || e.type === 'io.error');
    expect(io.map((e) => (e.type === 'io.state' ? e.state : e.code))).toEqual(['connecting', 'connected', 'MALFORMED_PAYLOAD']);
    const s = run.status().nodes.r!;
    expect(s.io).toEqual({ state: 'connected', counters: { malformed: 3 } });
    expect(s.lastError).toBe('MALFORMED_PAYLOAD: not JSON');
  });
});
