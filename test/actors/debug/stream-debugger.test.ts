import { describe, expect, it, vi } from 'vitest';
import { DEBUG_DATA_VERSION, NodeflowError, StreamDebugger, type DebugEvent } from '../../../src/index.js';
import { msg, pendingTimers, simEngine } from '../../support/helpers.js';

describe('StreamDebugger: recording and export', () => {
  it('records topology, XState transitions, retries, errors, dead letters and circuit changes', () => {
    const { clock, engine } = simEngine({ batchTimeout: 5, retryAttempts: 1, retryDelay: 10 });
    const dbg = new StreamDebugger(engine);
    const seen: DebugEvent[] = [];
    dbg.debug$.subscribe((e) => seen.push(e));
    dbg.startRecording();
    let fail = true;
    engine.node('b', { process: () => { if (fail) throw new Error('boom'); } });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    for (let t = 0; t < 160; t++) {
      engine.getConnection(id).offer(msg(clock, 'a', 'b'));
      clock.increment(25);
      if (t === 80) fail = false;
    }
    const types = new Set(seen.map((e) => e.type));
    for (const t of ['connection.created', 'state.transition', 'retry', 'error', 'dead.letter', 'circuit.change', 'batch.flushed'] as const) expect(types).toContain(t);
    const transitions = seen.filter((e) => e.type === 'state.transition').map((e) => (e.data as { to: string }).to);
    expect(transitions).toContain('circuitOpen');
    expect(transitions).toContain('halfOpen');
    expect(transitions.at(-1)).toBe('flowing');
    const circuit = seen.flatMap((e) => (e.type === 'circuit.change' ? [e.data.to] : []));
    expect(circuit[0]).toBe('open');
    expect(circuit.at(-1)).toBe('closed');
    // seq counts every event; the history holds them all here (bound not reached).
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(dbg.getHistory()).toEqual(seen);
    dbg.dispose();
    engine.dispose();
  });

  it('node transitions come from the engine\'s node.state events (pause/resume), and stop when recording stops', () => {
    const { engine } = simEngine();
    const dbg = new StreamDebugger(engine);
    const node = engine.node('n');
    dbg.startRecording();
    node.pause();
    node.resume();
    const moves = dbg.getHistory().flatMap((e) => (e.type === 'state.transition' ? [`${e.data.actor}:${e.data.from}->${e.data.to}`] : []));
    expect(moves).toEqual(['node:running->paused', 'node:paused->running']);
    dbg.stopRecording();
    node.pause();
    expect(dbg.getHistory()).toHaveLength(2);
    expect(dbg.recording).toBe(false);
    dbg.dispose();
    engine.dispose();
  });

  it('drops are sampled per tick and per reason, not one event per message', () => {
    const { clock, engine } = simEngine({ bufferSize: 100, batchTimeout: 5, overflowStrategy: 'dropHead' });
    engine.node('b', { process: () => new Promise(() => {}) }); // a consumer that never finishes
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const dbg = new StreamDebugger(engine, { sampleIntervalMs: 100 });
    dbg.startRecording();
    for (let i = 0; i < 10_000; i++) engine.getConnection(id).offer(msg(clock, 'a', 'b'));
    clock.increment(100);
    clock.increment(100);
    const drops = dbg.getHistory().filter((e) => e.type === 'drop');
    expect(drops.length).toBeLessThanOrEqual(2);
    const counted = drops.reduce((n, e) => n + (e.data as { count: number }).count, 0);
    expect(counted).toBe(engine.getConnection(id).stats().droppedTotal);
    expect(counted).toBeGreaterThan(9000);
    dbg.dispose();
    engine.dispose();
  });

  it('bounded history under a flood: keeps the newest historySize events and counts the rest', () => {
    const { clock, engine } = simEngine({ batchTimeout: 1 });
    const dbg = new StreamDebugger(engine, { historySize: 50 });
    dbg.startRecording();
    const node = engine.node('n');
    for (let i = 0; i < 5000; i++) (i % 2 ? node.resume() : node.pause());
    expect(dbg.getHistory()).toHaveLength(50);
    expect(dbg.discarded).toBe(5000 - 50);
    const h = dbg.getHistory();
    expect(h[0]!.seq).toBe(4951);
    expect(h.at(-1)!.seq).toBe(5000);
    const data = dbg.exportDebugData();
    expect(data.history).toMatchObject({ discarded: 4950, totalEvents: 5000, capacity: 50 });
    clock.increment(1000);
    dbg.dispose();
    engine.dispose();
  });

  it('export → JSON → import round trip; wrong format or version is refused', () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    engine.createWidget('w');
    const id = engine.createConnection('s', 'w', 'out', 'in');
    const dbg = new StreamDebugger(engine);
    dbg.startRecording();
    for (let i = 0; i < 100; i++) engine.getConnection(id).offer(msg(clock, 's', 'w'));
    clock.increment(600);
    const data = dbg.exportDebugData();
    expect(data.format).toBe('nodeflow-debug');
    expect(data.version).toBe(DEBUG_DATA_VERSION);
    expect(data.topology.connections.map((c) => c.id)).toEqual([id]);
    expect(data.topology.nodes.map((n) => `${n.kind}:${n.id}`).sort()).toEqual(['node:s', 'widget:w']);
    expect(data.metrics.connections[id]!.delivered).toBe(100);
    expect(data.history.events.some((e) => e.type === 'batch.flushed')).toBe(true);
    const back = StreamDebugger.importDebugData(JSON.stringify(data));
    expect(back).toEqual(data);
    expect(StreamDebugger.importDebugData(data)).toEqual(data);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof NodeflowError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => StreamDebugger.importDebugData('{'))).toBe('INVALID_DEBUG_DATA');
    expect(code(() => StreamDebugger.importDebugData({ ...data, version: 2 }))).toBe('INVALID_DEBUG_DATA');
    expect(code(() => StreamDebugger.importDebugData({ ...data, format: 'other' }))).toBe('INVALID_DEBUG_DATA');
    // Values that JSON.stringify or String() cannot render still give the library's error.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const version of [10n, cyclic, Object.create(null), Symbol('v')]) {
      expect(code(() => StreamDebugger.importDebugData({ ...data, version } as never))).toBe('INVALID_DEBUG_DATA');
    }
    expect(code(() => StreamDebugger.importDebugData({ ...data, history: { events: [{}] } }))).toBe('INVALID_DEBUG_DATA');
    dbg.dispose();
    engine.dispose();
  });

  it("widget transitions: sampled by default, exact through XState inspection with inspection: 'all'", () => {
    for (const inspection of ['edges', 'all'] as const) {
      const { clock, engine } = simEngine({ batchTimeout: 5 });
      engine.createWidget('w');
      const id = engine.createConnection('s', 'w', 'out', 'in');
      const dbg = new StreamDebugger(engine, { inspection, sampleIntervalMs: 100 });
      dbg.startRecording();
      engine.getConnection(id).offer(msg(clock, 's', 'w'));
      clock.increment(200);
      const moves = dbg.getHistory().flatMap((e) => (e.type === 'state.transition' && e.data.actor === 'widget' ? [`${e.data.from}->${e.data.to}:${e.data.event}`] : []));
      expect(moves).toEqual([inspection === 'all' ? 'waiting->live:batch.ready' : 'waiting->live:(sampled)']);
      dbg.dispose();
      engine.dispose();
    }
  });

  it('a recording debugger leaves no timer behind once the engine stops, even without dispose()', async () => {
    const { clock, engine } = simEngine();
    const dbg = new StreamDebugger(engine);
    dbg.startRecording();
    engine.createConnection('a', 'b', 'out', 'in');
    clock.increment(300);
    const stopped = engine.stop();
    clock.increment(10);
    await stopped;
    expect(pendingTimers(clock)).toBe(0); // at once, not at the next tick
    expect(dbg.getHistory().some((e) => e.type === 'connection.removed')).toBe(true);
  });

  it('keeps sampling after the engine stops and starts again', async () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    const dbg = new StreamDebugger(engine, { sampleIntervalMs: 100 });
    dbg.startRecording();
    const stopped = engine.stop();
    clock.increment(10);
    await stopped;
    engine.start();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    for (let i = 0; i < 10; i++) engine.getConnection(id).offer(msg(clock, 'a', 'b'));
    clock.increment(300);
    const flushed = dbg.getHistory().filter((e) => e.type === 'batch.flushed' && e.connectionId === id);
    expect(flushed.reduce((n, e) => n + (e.data as { messages: number }).messages, 0)).toBe(10);
    dbg.dispose();
    engine.dispose();
  });

  it('a connection created and removed between two ticks still reports its drops and batches', async () => {
    const { clock, engine } = simEngine({ bufferSize: 10, batchTimeout: 5 });
    const dbg = new StreamDebugger(engine, { sampleIntervalMs: 1000 });
    dbg.startRecording();
    clock.increment(1000); // one tick: the baseline
    engine.node('b', { process: () => new Promise(() => {}) }); // never finishes
    const id = engine.createConnection('a', 'b', 'out', 'in');
    for (let i = 0; i < 50; i++) engine.getConnection(id).offer(msg(clock, 'a', 'b'));
    const removed = engine.removeConnection(id);
    clock.increment(10);
    engine.getConnection(id).dispose();
    await removed;
    const drops = dbg.getHistory().filter((e) => e.type === 'drop' && e.connectionId === id);
    const s = engine.getMetrics().retired;
    const refused = drops.find((e) => (e.data as { reason: string }).reason === 'refused');
    expect((refused?.data as { count: number }).count).toBe(40);
    expect(drops.filter((e) => (e.data as { reason: string }).reason !== 'refused').reduce((n, e) => n + (e.data as { count: number }).count, 0)).toBe(s.dropped);
    dbg.dispose();
    engine.dispose();
  });

  it('records handler adjustments; stopRecording detaches the XState inspection too', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const dbg = new StreamDebugger(engine);
    dbg.startRecording();
    engine.setBackpressureHandler({
      dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100,
      bind: (ctx) => {
        ctx.emit({ type: 'handler.adjusted', connectionId: id, knob: 'maxBatchSize', from: 50, to: 25, reason: 'test', at: 0 });
        return () => {};
      },
    });
    expect(dbg.getHistory().filter((e) => e.type === 'handler.adjusted').map((e) => e.data)).toEqual([{ knob: 'maxBatchSize', from: 50, to: 25, reason: 'test' }]);
    dbg.stopRecording();
    const before = dbg.getHistory().length;
    engine.getConnection(id).openCircuit(); // a connection transition: seen only through inspection
    engine.getConnection(id).closeCircuit();
    expect(dbg.getHistory()).toHaveLength(before);
    dbg.dispose();
    engine.dispose();
  });

  it('a throwing inspection observer is detached and reported; delivery goes on', () => {
    const { clock, engine } = simEngine({ bufferSize: 10, batchTimeout: 5 });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
    let calls = 0;
    engine.inspect(() => {
      calls++;
      if (calls > 2) throw new Error('bad observer');
    }, { kinds: ['connection'] });
    const c = engine.getConnection(id);
    for (let i = 0; i < 10; i++) expect(c.offer(msg(clock, 'a', 'b'))).not.toBe('full');
    clock.increment(20);
    spy.mockRestore();
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as unknown[])[0])).toContain('inspection observer threw');
    expect(c.stats().delivered).toBe(10);
    expect(c.currentState).toBe('flowing');
    engine.dispose();
  });
});
