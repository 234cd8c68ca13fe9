import { describe, expect, it } from 'vitest';
import { StreamDebugger, StreamEngine, type Alert } from '../../../src/index.js';
import { msg, pendingTimers, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';

describe('StreamDebugger: alerts, options and lifecycle', () => {
  it('alerts$ works without recording, fires once per episode and resolves; leaves no timer behind', async () => {
    const { clock, engine } = simEngine({ batchTimeout: 5, bufferSize: 1000 });
    let slow = true;
    engine.node('b', { process: () => (slow ? new Promise<void>((r) => clock.setTimeout(r, 400)) : undefined) });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const dbg = new StreamDebugger(engine, { alerts: { latencyP95Ms: 200 }, sampleIntervalMs: 100 });
    const alerts: Alert[] = [];
    const sub = dbg.alerts$.subscribe((a) => alerts.push(a));
    for (let t = 0; t < 600; t++) {
      engine.getConnection(id).offer(msg(clock, 'a', 'b'));
      clock.increment(10);
      await flushMicrotasks();
      if (t === 300) slow = false;
    }
    const p95 = alerts.filter((a) => a.ruleId === 'latency-p95');
    expect(p95.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(p95[0]!.severity).toBe('warning');
    expect(p95[0]!.message).toContain('p95 latency');
    expect(dbg.activeAlerts().filter((a) => a.ruleId === 'latency-p95')).toEqual([]);
    expect(dbg.getHistory()).toEqual([]); // not recording: alerts only
    sub.unsubscribe();
    dbg.dispose();
    engine.dispose();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('user rules: validated, and they fire', () => {
    const { clock, engine } = simEngine({ bufferSize: 10, batchTimeout: 1000, batching: 'fixed' });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const dbg = new StreamDebugger(engine, { defaultRules: false });
    expect(() => dbg.addRule({ id: 'x', severity: 'loud' as never, description: 'x', threshold: 1, measure: () => 0 })).toThrow(/severity/);
    expect(() => dbg.addRule({ id: 'x', severity: 'info', description: 'x', threshold: 1, clearBelow: 2, measure: () => 0 })).toThrow(/clearBelow/);
    dbg.addRule({ id: 'deep', severity: 'info', description: 'buffer', threshold: 0.5, measure: (s) => s.now.bufferUtilization });
    expect(() => dbg.addRule({ id: 'deep', severity: 'info', description: 'x', threshold: 1, measure: () => 0 })).toThrow(/already/);
    const alerts: Alert[] = [];
    dbg.alerts$.subscribe((a) => alerts.push(a));
    for (let i = 0; i < 8; i++) engine.getConnection(id).offer(msg(clock, 'a', 'b'));
    clock.increment(300);
    expect(alerts.map((a) => `${a.ruleId}:${a.status}:${a.severity}`)).toEqual(['deep:firing:info']);
    dbg.dispose();
    engine.dispose();
  });

  it('rejects bad options', () => {
    const { engine } = simEngine();
    expect(() => new StreamDebugger(engine, { historySize: -1 })).toThrow(/historySize/);
    expect(() => new StreamDebugger(engine, { sampleIntervalMs: 0 })).toThrow(/sampleIntervalMs/);
    // Past what an array can hold or a timer can wait: refused up front, never a RangeError later.
    expect(() => new StreamDebugger(engine, { historySize: 2 ** 32 })).toThrow(/historySize/);
    expect(() => new StreamDebugger(engine, { sampleIntervalMs: 2 ** 31 })).toThrow(/sampleIntervalMs/);
    expect(() => new StreamDebugger(engine, { alerts: { latencyP99: 5 } as never })).toThrow(/latencyP99/);
    expect(() => new StreamDebugger(engine, { histroySize: 5 } as never)).toThrow(/histroySize/);
    expect(() => new StreamDebugger(engine, { defaultRules: 'no' } as never)).toThrow(/defaultRules/);
    expect(() => new StreamDebugger(engine, { rules: {} } as never)).toThrow(/rules/);
    expect(() => new StreamDebugger(undefined as never)).toThrow(/engine/);
    const dbg = new StreamDebugger(engine);
    const rule = { id: 'r', severity: 'info' as const, description: 'r', threshold: 1, measure: () => 0 };
    expect(() => dbg.addRule({ ...rule, forMS: 5 } as never)).toThrow(/forMS/);
    expect(() => dbg.addRule({ ...rule, forMs: -1 })).toThrow(/forMs/);
    expect(() => dbg.addRule({ ...rule, forMs: 2 ** 31 })).toThrow(/forMs/);
    expect(() => dbg.addRule({ ...rule, cooldownMs: 'x' as never })).toThrow(/cooldownMs/);
    expect(() => dbg.addRule({ ...rule, description: undefined as never })).toThrow(/description/);
    expect(() => new StreamEngine({}, { metric: true } as never)).toThrow(/metric/);
    expect(() => new StreamEngine({}, { metrics: 'yes' } as never)).toThrow(/metrics/);
    engine.dispose();
  });

  it('alerts resolve when traffic stops; a removed connection resolves its alerts; a throwing rule is removed, not fatal', async () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    engine.node('b', { process: () => new Promise<void>((r) => clock.setTimeout(r, 300)) });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const id2 = engine.createConnection('a', 'c', 'out2', 'in');
    const dbg = new StreamDebugger(engine, { sampleIntervalMs: 100, alerts: { latencyP95Ms: 100 } });
    dbg.addRule({ id: 'broken', severity: 'info', description: 'x', threshold: 1, measure: () => { throw new Error('oops'); } });
    dbg.addRule({ id: 'always', severity: 'info', description: 'always', threshold: 0.5, measure: () => 1 });
    const alerts: Alert[] = [];
    dbg.alerts$.subscribe((a) => alerts.push(a));
    for (let t = 0; t < 100; t++) {
      engine.getConnection(id).offer(msg(clock, 'a', 'b'));
      clock.increment(10);
      await flushMicrotasks();
    }
    expect(alerts.filter((a) => a.ruleId === 'broken').map((a) => a.status)).toEqual(['error']); // once, then removed
    expect(alerts.some((a) => a.ruleId === 'latency-p95' && a.status === 'firing')).toBe(true);
    for (let t = 0; t < 400; t++) {
      clock.increment(10); // quiet: nothing offered any more
      await flushMicrotasks();
    }
    expect(alerts.filter((a) => a.ruleId === 'latency-p95').map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(dbg.activeAlerts().map((a) => a.id).sort()).toEqual([`always@${id}`, `always@${id2}`]);
    await engine.removeConnection(id2);
    clock.increment(100);
    expect(alerts.at(-1)).toMatchObject({ id: `always@${id2}`, status: 'resolved', message: `${id2}: connection removed` });
    dbg.dispose();
    engine.dispose();
  });

  it('firing alerts resolve when the engine stops', async () => {
    const { clock, engine } = simEngine();
    engine.createConnection('a', 'b', 'out', 'in');
    const dbg = new StreamDebugger(engine, { defaultRules: false, sampleIntervalMs: 100 });
    dbg.addRule({ id: 'always', severity: 'warning', description: 'always', threshold: 0.5, measure: () => 1 });
    const alerts: Alert[] = [];
    dbg.alerts$.subscribe((a) => alerts.push(a));
    clock.increment(200);
    expect(dbg.activeAlerts()).toHaveLength(1);
    const stopped = engine.stop();
    clock.increment(10);
    await stopped;
    expect(dbg.activeAlerts()).toEqual([]);
    expect(alerts.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(alerts[1]!.message).toContain('engine stopped');
    engine.dispose();
  });

  // Issue 12 item 4: dispose() ends what the debugger owns; before, startRecording() or an
  // alerts$ subscription after it started the metrics$ sampling again, with nothing to end it.
  it('a disposed debugger starts nothing again: startRecording() and alerts$ arm no timer', () => {
    const { clock, engine } = simEngine();
    const dbg = new StreamDebugger(engine, { sampleIntervalMs: 100 });
    dbg.startRecording();
    expect(pendingTimers(clock)).toBe(1); // its sampling
    dbg.dispose();
    expect(pendingTimers(clock)).toBe(0);
    dbg.startRecording();
    let completed = false;
    dbg.alerts$.subscribe({ complete: () => (completed = true) });
    expect(dbg.recording).toBe(false);
    expect(completed).toBe(true);
    expect(pendingTimers(clock)).toBe(0);
    engine.dispose();
  });
});
