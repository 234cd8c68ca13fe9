import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, NodeflowError, StreamEngine, WorkflowEngine, WorkflowValidationError, type NodeflowWarning, type OutgoingMessage } from '../../../src/index.js';
import { simWorkflow } from '../../support/workflow.js';

let seq = 0;
const out = (port = 'out', source = 'a'): OutgoingMessage => ({ id: ++seq, timestamp: 0, sourceNodeId: source, port, data: seq });

// An engine a -> b on a.out, whose warnings land in `seen`.
function wired(options: { warnings?: boolean | ((w: NodeflowWarning) => void) } = {}) {
  const seen: NodeflowWarning[] = [];
  const engine = new StreamEngine({ maxBatchSize: 1, batchTimeout: 0 }, { clock: new SimulatedClock(), warnings: (w) => seen.push(w), ...options });
  const got: unknown[] = [];
  engine.node('b', { process: (batch) => void got.push(...batch.messages.map((m) => m.data)) });
  engine.createConnection('a', 'b', 'out', 'in');
  return { engine, seen, got };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('development warnings', () => {
  it('an emit on a port that never had a connection warns once per node:port, naming the near miss', () => {
    const { engine, seen } = wired();
    expect(engine.emit('a', 'output', out('output'))).toBe('unrouted');
    expect(engine.emit('a', 'output', out('output'))).toBe('unrouted'); // the same typo again: no second warning
    expect(seen).toEqual([
      {
        code: 'UNROUTED_EMIT',
        nodeId: 'a',
        port: 'output',
        nearMisses: ['a:out'],
        message: `emit on "a:output", a port no connection has ever left: the message goes nowhere, counted in the node's unrouted (did you mean "a:out"?)`,
      },
    ]);
    engine.node('a').output('outt').emit(out('outt')); // another port: its own warning
    expect(seen.map((w) => w.code === 'UNROUTED_EMIT' && w.port)).toEqual(['output', 'outt']);
    engine.dispose();
  });

  it('a port whose connections were all removed is unrouted without a warning (it is no typo)', async () => {
    const { engine, seen } = wired();
    engine.node('a'); // asked for by name: it stays once its connection is gone
    await engine.removeConnection('a:out');
    expect(engine.emit('a', 'out', out())).toBe('unrouted');
    expect(seen).toEqual([]);
    engine.dispose();
  });

  it("a message whose port is not the port it is emitted on is delivered, and warned about once per node:port", () => {
    const { engine, seen, got } = wired();
    const m1 = out('ouput');
    expect(engine.emit('a', 'out', m1)).toBe('accepted');
    expect(engine.emit('a', 'out', out('ouput'))).toBe('accepted');
    expect(got).toEqual([m1.data, seq]);
    expect(seen).toEqual([
      { code: 'PORT_MISMATCH', nodeId: 'a', port: 'out', messagePort: 'ouput', message: 'a message with port "ouput" was emitted on "a:out"; it is delivered on "out", the port it was emitted on' },
    ]);
    engine.dispose();
  });

  it('a repeated typo reaches the warnings once per port, not once per message (no key built per message)', () => {
    const { engine, seen } = wired();
    const mismatch = vi.spyOn(engine.warnings, 'mismatch');
    const unrouted = vi.spyOn(engine.warnings, 'unrouted');
    for (let i = 0; i < 100; i++) engine.emit('a', 'out', out('typo'));
    for (let i = 0; i < 100; i++) engine.emit('a', 'nowhere', out('nowhere'));
    expect([mismatch.mock.calls.length, unrouted.mock.calls.length, seen.length]).toEqual([1, 1, 2]);
    engine.dispose();
  });

  it('by default each goes to console.warn with the [nodeflow] prefix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const engine = new StreamEngine({}, { clock: new SimulatedClock() });
    engine.emit('a', 'out', out());
    engine.emit('a', 'out', out());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^\[nodeflow\] emit on "a:out"/);
    engine.dispose();
  });

  it('warnings: false silences them; so does NODE_ENV=production by default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const off = new StreamEngine({}, { clock: new SimulatedClock(), warnings: false });
    off.emit('a', 'x', out('y'));
    off.dispose();
    vi.stubEnv('NODE_ENV', 'production');
    const prod = new StreamEngine({}, { clock: new SimulatedClock() });
    prod.emit('a', 'x', out('y'));
    prod.dispose();
    expect(warn).not.toHaveBeenCalled();
  });

  it('a warnings callback that throws does not break delivery', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { engine, got } = wired({
      warnings: () => {
        throw new Error('boom');
      },
    });
    expect(engine.emit('a', 'out', out('typo'))).toBe('accepted');
    expect(engine.emit('a', 'nowhere', out('nowhere'))).toBe('unrouted');
    expect(got).toHaveLength(1);
    expect(console.error).toHaveBeenCalledTimes(2); // once per cause, each said once
    engine.dispose();
  });

  it('the option is checked: a boolean or a function, anything else a ConfigError', () => {
    for (const bad of [1, 'yes', null, {}, []]) {
      expect(() => new StreamEngine({}, { warnings: bad as never })).toThrow(expect.objectContaining({ name: 'ConfigError', field: 'warnings' }));
    }
    new StreamEngine({}, { warnings: true }).dispose();
  });

  it('workflow nodes emitting on a declared port with no edge do not warn (the type declares it)', async () => {
    const seen: NodeflowWarning[] = [];
    const clock = new SimulatedClock();
    const wf = new WorkflowEngine({ streamEngine: new StreamEngine({}, { clock, warnings: (w) => seen.push(w) }) });
    const run = await wf.executeWorkflow({ nodes: [{ id: 'lonely', type: 'source.sequential', config: { count: 100_000 } }], edges: [] });
    for (let t = 0; t < 20; t++) {
      clock.increment(1);
      await Promise.resolve();
    }
    // It did emit, into nowhere (positive control).
    expect((wf.getStreamEngine().findNode('lonely') as unknown as { unrouted: number }).unrouted).toBeGreaterThan(0);
    await run.stop();
    expect(seen).toEqual([]);
  });
});

describe('errors name their class and the near miss', () => {
  it('each error class has its own name', () => {
    expect(new NodeflowError('INVALID_ARGUMENT', 'x').name).toBe('NodeflowError');
    expect(new ConfigError('f', 'a', 1).name).toBe('ConfigError');
    expect(new WorkflowValidationError([]).name).toBe('WorkflowValidationError');
  });

  it("a workflow run's node lookups throw UNKNOWN_NODE naming the close ids, like the engine's", async () => {
    const { wf } = simWorkflow();
    const run = await wf.executeWorkflow({ nodes: [{ id: 'src', type: 'source.sequential', config: { count: 1 } }, { id: 'chart', type: 'sink.widget' }, { id: 'kept', type: 'sink.collector' }], edges: [{ source: 'src', sourcePort: 'out', target: 'chart', targetPort: 'in' }, { source: 'src', sourcePort: 'out', target: 'kept', targetPort: 'in' }] });
    expect(() => run.widget('chrt')).toThrow(expect.objectContaining({ name: 'NodeflowError', code: 'UNKNOWN_NODE', message: 'No node "chrt" (did you mean "chart"?)', details: { id: 'chrt', nearMisses: ['chart'] } }));
    expect(() => run.collected('kep')).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE', message: 'No node "kep" (did you mean "kept"?)' }));
    expect(() => run.widget('kept')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' })); // there, but no widget
    expect(() => run.widget(Symbol('x') as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE' })); // a hostile id is rendered safely
    await run.stop();
  });

  it('an unknown workflow node type names the close type, or lists the known ones', () => {
    const { wf } = simWorkflow();
    const [p] = wf.validate({ nodes: [{ id: 'x', type: 'sink.colector' }], edges: [] });
    expect(p).toMatchObject({ code: 'UNKNOWN_NODE_TYPE', message: `node x: unknown type 'sink.colector' (did you mean "sink.collector"?)` });
    const [q] = wf.validate({ nodes: [{ id: 'x', type: 'zzz' }], edges: [] });
    expect(q!.message).toMatch(/^node x: unknown type 'zzz' \(known: .*sink\.collector/);
  });
});
