import { describe, expect, it } from 'vitest';
import { WorkflowEngine, type StandardSchemaV1 } from '../../../src/index.js';
import { simWorkflow } from '../../support/workflow.js';
import { flushMicrotasks } from '../../support/flush.js';

const sim = simWorkflow;

describe('typed ports with Standard Schema', () => {
  // Shaped like zod's and valibot's Standard Schema objects (no library needed).
  const zodLike: StandardSchemaV1<number> = {
    '~standard': { version: 1, vendor: 'zod', validate: (v) => (typeof v === 'number' && v >= 0 ? { value: v } : { issues: [{ message: 'Number must be greater than or equal to 0', path: ['value'] }] }) },
  };
  const valibotLike: StandardSchemaV1<number> = {
    '~standard': { version: 1, vendor: 'valibot', validate: async (v) => (Number.isInteger(v) ? { value: v as number } : { issues: [{ message: 'Invalid type: Expected integer' }] }) },
  };
  for (const [name, schema] of [['zod-like (sync)', zodLike], ['valibot-like (async)', valibotLike]] as const) {
    it(`${name}: invalid messages are rejected at the port, counted, dead-lettered, never passed on`, async () => {
      const { wf, recorded, runToEnd } = sim();
      wf.registerNodeType({ type: 'test.checked', kind: 'transform', inputs: { in: { type: 'number', schema } }, outputs: { out: { type: 'number' } }, create: (ctx) => ({ onMessage: (m) => void ctx.output('out')(m.data, m) }) });
      const dead: { messages: readonly { data: unknown }[]; error: unknown }[] = [];
      wf.getStreamEngine().deadLetters$.subscribe((d) => dead.push(d));
      const run = await wf.executeWorkflow({
        nodes: [{ id: 's', type: 'source.sequential', config: { count: 20, offset: -5.5 } }, { id: 'check', type: 'test.checked' }, { id: 'r', type: 'test.recorder' }],
        edges: [{ source: 's', sourcePort: 'out', target: 'check', targetPort: 'in' }, { source: 'check', sourcePort: 'out', target: 'r', targetPort: 'in' }],
      });
      const result = await runToEnd(run);
      const passed = recorded.get('r')!.flatMap((b) => b.values) as number[];
      const all = Array.from({ length: 20 }, (_, i) => -5.5 + i);
      const valid = all.filter((v) => (schema === zodLike ? v >= 0 : Number.isInteger(v)));
      expect(passed).toEqual(valid);
      expect(result.nodes.check!.rejected).toBe(20 - valid.length);
      expect(dead.flatMap((d) => d.messages.map((m) => m.data))).toEqual(all.filter((v) => !valid.includes(v)));
      expect(String((dead[0]!.error as Error).message)).toMatch(/Port check\.in rejected message/);
    });
  }
});


describe('backpressure through workflows: nothing lost, nothing duplicated', () => {
  it('fan-out to a slow branch: a message goes to every edge or to none, so no duplicates', async () => {
    const { wf, runToEnd, slowSink } = sim({ bufferSize: 100 });
    slowSink('test.slow', 5);
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 2000 } }, { id: 'c', type: 'sink.collector' }, { id: 'slow', type: 'test.slow' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'c', targetPort: 'in' }, { source: 's', sourcePort: 'out', target: 'slow', targetPort: 'in' }],
    });
    const result = await runToEnd(run);
    const got = run.collected('c') as number[];
    expect(got).toHaveLength(2000);
    expect(new Set(got).size).toBe(2000);
    expect(result.nodes.s!.emitted).toBe(2000);
    expect(result.nodes.slow!.received).toBe(2000);
  });

  it('a transform whose output is full holds its input (backpressure travels upstream) instead of losing messages', async () => {
    const { wf, runToEnd, slowSink } = sim();
    slowSink('test.slow', 5);
    wf.registerNodeType({ type: 'test.count', kind: 'sink', inputs: { in: {} }, create: () => ({}) });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 5000 } }, { id: 'm', type: 'transform.map', config: { scale: 2 } }, { id: 'slow', type: 'test.slow' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'm', targetPort: 'in' }, { source: 'm', sourcePort: 'out', target: 'slow', targetPort: 'in' }],
    });
    const result = await runToEnd(run);
    expect(result.nodes.m).toMatchObject({ received: 5000, emitted: 5000 });
    expect(result.nodes.slow!.received).toBe(5000);
    for (const e of Object.values(result.metrics.edges)) expect(e).toMatchObject({ droppedTotal: 0, inFlight: 0 });
  });

  it('retries still run after the upstream node has ended (graceful close honours them)', async () => {
    const { wf, runToEnd } = sim({ retryDelay: 10 });
    let attempts = 0;
    wf.registerNodeType({
      type: 'test.flaky',
      kind: 'sink',
      inputs: { in: {} },
      create: () => ({
        process: () => {
          if (++attempts === 1) throw new Error('first attempt fails');
        },
      }),
    });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 10 } }, { id: 'f', type: 'test.flaky' }],
      edges: [{ id: 'e', source: 's', sourcePort: 'out', target: 'f', targetPort: 'in' }],
    });
    const result = await runToEnd(run);
    expect(result.metrics.edges.e).toMatchObject({ delivered: 10, deadLettered: 0, retries: 1 });
  });

  it('a map whose fn throws once emits nothing for the failed attempt: the retry duplicates nothing', async () => {
    const { wf, runToEnd } = sim({ retryDelay: 1, maxBatchSize: 10 });
    let thrown = false;
    wf.registerFunction('once', (v) => {
      if (v === 5 && !thrown) {
        thrown = true;
        throw new Error('glitch');
      }
      return v;
    });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 20 } }, { id: 'm', type: 'transform.map', config: { fn: 'once' } }, { id: 'c', type: 'sink.collector' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'm', targetPort: 'in' }, { source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }],
    });
    await runToEnd(run);
    expect(run.collected('c')).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});


describe('edge cases', () => {
  it('a running workflow follows lifecycle events only: dropped messages build no event objects', async () => {
    const { wf, runToEnd } = sim();
    const engine = wf.getStreamEngine();
    const run = await wf.executeWorkflow({ nodes: [{ id: 's', type: 'source.sequential', config: { rate: 1000, count: 10 } }, { id: 'c', type: 'sink.collector' }], edges: [{ source: 's', sourcePort: 'out', target: 'c', targetPort: 'in' }] });
    const host = (engine as unknown as { host: { observed(t: string): boolean } }).host;
    expect(host.observed('message.dropped')).toBe(false);
    expect(host.observed('connection.removed')).toBe(true);
    await runToEnd(run);
  });

  it('an empty workflow completes at once', async () => {
    const { wf } = sim();
    const run = await wf.executeWorkflow({ nodes: [], edges: [] });
    expect((await run.done).status).toBe('completed');
  });

  it('a node type with no inputs is a source even without kind', async () => {
    const { wf, runToEnd } = sim();
    wf.registerNodeType({
      type: 'test.five',
      outputs: { out: { type: 'number' } },
      create: (ctx) => ({
        start: () => {
          const out = ctx.output('out');
          for (let i = 0; i < 5; i++) out(i);
          ctx.complete();
        },
      }),
    });
    const run = await wf.executeWorkflow({ nodes: [{ id: 'five', type: 'test.five' }, { id: 'c', type: 'sink.collector' }], edges: [{ source: 'five', sourcePort: 'out', target: 'c', targetPort: 'in' }] });
    await runToEnd(run);
    expect(run.collected('c')).toEqual([0, 1, 2, 3, 4]);
  });

  it('broken node types fail clearly, at the right place, without crashing the process', async () => {
    const { wf, runToEnd } = sim();
    wf.registerNodeType({ type: 'test.null', create: () => null as never });
    await expect(wf.executeWorkflow({ nodes: [{ id: 'x', type: 'test.null' }], edges: [] })).rejects.toThrow(/node x \(test.null\): create\(\) must return a behaviour object/);
    wf.registerNodeType({ type: 'test.throws', create: () => { throw new Error('no config'); } });
    await expect(wf.executeWorkflow({ nodes: [{ id: 'y', type: 'test.throws' }], edges: [] })).rejects.toThrow(/node y \(test.throws\): create\(\) threw: no config/);
    wf.registerNodeType({ type: 'test.badstop', kind: 'sink', inputs: { in: {} }, create: () => ({ stop: () => { throw new Error('cannot stop'); } }) });
    const run = await wf.executeWorkflow({ nodes: [{ id: 's', type: 'source.sequential', config: { count: 3 } }, { id: 'b', type: 'test.badstop' }], edges: [{ source: 's', sourcePort: 'out', target: 'b', targetPort: 'in' }] });
    const result = await runToEnd(run);
    expect(result.nodes.b!.lastError).toBe('stop(): cannot stop');
    expect(() => wf.registerNodeType({ type: 'test.badschema', inputs: { in: { schema: {} as never } }, create: () => ({}) })).toThrow(/not a Standard Schema/);
    wf.registerNodeType({ type: 'test.typo', kind: 'transform', inputs: { in: {} }, outputs: { out: {} }, create: (ctx) => (ctx.output('oot'), {}) });
    await expect(wf.executeWorkflow({ nodes: [{ id: 'z', type: 'test.typo' }], edges: [] })).rejects.toThrow(/has no output port 'oot'/);
  });

  it("validation uses the engine's config, names colliding edge ids, and refuses odd definitions", () => {
    const wf = new WorkflowEngine({ config: { bufferSize: 20 } });
    const codes = (def: unknown) => wf.validate(def as never).map((p) => p.code);
    const nodes = [{ id: 'x', type: 'source.sequential' }, { id: 'y', type: 'sink.collector' }, { id: 'z', type: 'sink.collector' }];
    expect(codes({ nodes, edges: [{ source: 'x', sourcePort: 'out', target: 'y', targetPort: 'in', config: { maxBatchSize: 30 } }] })).toEqual(['INVALID_EDGE_CONFIG']);
    expect(codes({ nodes, edges: [{ id: 'x.out->z.in', source: 'x', sourcePort: 'out', target: 'y', targetPort: 'in' }, { source: 'x', sourcePort: 'out', target: 'z', targetPort: 'in' }] })).toContain('DUPLICATE_EDGE_ID');
    expect(codes({ id: 7, nodes: [], edges: [], config: [] })).toEqual(['INVALID_DEFINITION', 'INVALID_DEFINITION']);
    expect(codes({ nodes: [{ id: 'f', type: 'transform.filter', config: { min: 5, max: 1 } }], edges: [] })).toEqual(['INVALID_NODE_CONFIG']);
    wf.getStreamEngine().dispose();
  });
});


describe('port schemas', () => {
  it("the schema's output is what the node sees, and a throwing validator rejects only that message", async () => {
    const { wf, runToEnd } = sim();
    const toLabel: StandardSchemaV1<string> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v) => {
          if (v === 3) throw new Error('boom');
          return { value: `#${String(v)}` };
        },
      },
    };
    const seen: unknown[] = [];
    wf.registerNodeType({ type: 'test.labels', kind: 'sink', inputs: { in: { schema: toLabel } }, create: () => ({ onMessage: (m) => void seen.push(m.data) }) });
    const run = await wf.executeWorkflow({ nodes: [{ id: 's', type: 'source.sequential', config: { count: 5 } }, { id: 'l', type: 'test.labels' }], edges: [{ source: 's', sourcePort: 'out', target: 'l', targetPort: 'in' }] });
    const result = await runToEnd(run);
    expect(seen).toEqual(['#0', '#1', '#2', '#4']);
    expect(result.nodes.l).toMatchObject({ rejected: 1, received: 4 });
  });
});


describe('the handle after the end', () => {
  it("stop marks unfinished nodes stopped; status$ replays the final status; connectionId('node:port') still resolves", async () => {
    const { wf, clock } = sim();
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { rate: 1000 } }, { id: 'm', type: 'transform.map', config: { scale: 1 } }, { id: 'c', type: 'sink.collector' }],
      edges: [{ id: 'e1', source: 's', sourcePort: 'out', target: 'm', targetPort: 'in' }, { source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }],
    });
    const id = run.connectionId('s:out');
    for (let t = 0; t < 30; t++) (clock.increment(1), await flushMicrotasks());
    const stopping = run.stop();
    for (let t = 0; t < 30; t++) (clock.increment(1), await flushMicrotasks());
    const result = await stopping;
    expect(result.status).toBe('stopped');
    expect(Object.values(result.nodes).map((n) => n.state)).toEqual(['stopped', 'stopped', 'stopped']);
    const late: string[] = [];
    run.status$.subscribe((s) => late.push(s.state));
    expect(late).toEqual(['stopped']);
    expect(run.connectionId('s:out')).toBe(id);
    expect(run.connectionId('e1')).toBe(id);
  });
});
