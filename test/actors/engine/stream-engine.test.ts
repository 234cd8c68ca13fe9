import { describe, expect, it } from 'vitest';
import { DefaultBackpressureHandler, GracefulErrorRecovery } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';


describe('bounded bookkeeping', () => {
  it('nodes that exist only for a connection go with it; removeNode refuses a node in use', async () => {
    const { engine } = simEngine();
    for (let i = 0; i < 50; i++) {
      const id = engine.createConnection(`a${i}`, `b${i}`, 'out', 'in');
      await engine.removeConnection(id);
    }
    expect(engine.listNodes()).toEqual([]);
    engine.node('kept', { process: () => {} });
    const id = engine.createConnection('src', 'kept', 'out', 'in');
    expect(() => engine.removeNode('kept')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' })); // exists, but in use
    await engine.removeConnection(id);
    expect(() => engine.node('kept')).not.toThrow(); // user-owned nodes stay
    engine.removeNode('kept');
    engine.dispose();
  });

  it('final counters stay readable after stop() as retired totals', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 5; i++) c.offer(msg(clock));
    await engine.stop();
    expect(engine.getMetrics().retired).toMatchObject({ connections: 1, accepted: 5, delivered: 5, inFlight: 0 });
  });
});


describe('API edges', () => {
  it('ids cannot collide when names contain separators', () => {
    const { engine } = simEngine();
    const a = engine.createConnection('a:b', 'd', 'c', 'e');
    const b = engine.createConnection('a', 'd', 'b:c', 'e');
    expect(a).not.toBe(b);
    expect(engine.getConnection(b).outputPort).toBe('b:c');
    engine.dispose();
  });

  it('refuses empty port names, nodes on a stopped engine, unknown option keys', async () => {
    const { engine } = simEngine();
    expect(() => engine.node('n').output('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new GracefulErrorRecovery({ retries: 5 } as never)).toThrow(expect.objectContaining({ field: 'retries' }));
    expect(() => new GracefulErrorRecovery({ circuitBreaker: { threshold: 1 } } as never)).toThrow(expect.objectContaining({ field: 'circuitBreaker.threshold' }));
    expect(() => new DefaultBackpressureHandler({ dropAt: 1 } as never)).toThrow(expect.objectContaining({ field: 'dropAt' }));
    expect(() => engine.createWidget('w', { size: 3 } as never)).toThrow(expect.objectContaining({ field: 'size' }));
    expect(() => engine.node('m', { proc: () => {} } as never)).toThrow(expect.objectContaining({ field: 'proc' }));
    const first = engine.stop();
    expect(engine.stop()).toBe(first); // a second stop() waits for the same drain
    await first;
    expect(() => engine.node('late')).toThrow(expect.objectContaining({ code: 'ENGINE_STOPPED' }));
  });
});


describe('errors that say what happened', () => {
  it('unknown widgets and nodes have their own codes, like unknown connections', () => {
    const { engine } = simEngine();
    engine.createWidget('chart');
    engine.node('transform');
    expect(() => engine.widget('chrat')).toThrow(expect.objectContaining({ code: 'UNKNOWN_WIDGET', details: { id: 'chrat', nearMisses: ['chart'] } }));
    expect(() => engine.widget('chrat')).toThrow('No widget "chrat" (did you mean "chart"?)');
    expect(() => engine.removeWidget('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_WIDGET' }));
    expect(() => engine.removeNode('transfrom')).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE', message: 'No node "transfrom" (did you mean "transform"?)' }));
    engine.dispose();
  });

  it('an unknown connection names the closest known ids and ports, not a count', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    engine.createConnection('sensor', 'chart', 'readings', 'in');
    expect(() => engine.getConnection('a:output')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONNECTION' }));
    expect(() => engine.getConnection('a:output')).toThrow('No connection "a:output" (did you mean "a:out"?)');
    expect(() => engine.removeConnection('sensor:reading')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONNECTION', message: 'No connection "sensor:reading" (did you mean "sensor:readings"?)' }));
    // Nothing close: a few known ids instead of a far-fetched guess.
    expect(() => engine.getConnection('zzz')).toThrow('No connection "zzz" (none is close; known: "a:out->b:in", "a:out", "sensor:readings->chart:in", ...)');
    expect(() => engine.getConnection('a:out->b:inn')).toThrow(new RegExp(`did you mean "${id.replace(/[>-]/g, '\\$&')}"`));
    engine.dispose();
    const { engine: empty } = simEngine();
    expect(() => empty.getConnection('x')).toThrow('No connection "x" (there are no connections)');
    empty.dispose();
  });

  it('findConnection is the lookup that never throws: by id, by a port with one connection, undefined otherwise', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    expect(engine.findConnection(id)?.id).toBe(id);
    expect(engine.findConnection('a:out')?.id).toBe(id);
    engine.createConnection('a', 'c', 'out', 'in');
    expect(engine.findConnection('a:out')).toBeUndefined(); // two connections leave a.out
    expect(() => engine.getConnection('a:out')).toThrow(/has 2 connections/);
    expect(engine.findConnection('nope')).toBeUndefined();
    engine.dispose();
  });
});

it('engine.emit uses an existing node as it is: a node made only for a connection still goes with it', async () => {
  const { clock, engine } = simEngine();
  engine.node('t', { process: () => undefined });
  const id = engine.createConnection('s', 't', 'out', 'in');
  expect(engine.emit('s', 'out', { id: 1, timestamp: clock.now(), sourceNodeId: 's', port: 'out', data: 1 })).toBe('accepted');
  await engine.removeConnection(id);
  expect(engine.findNode('s')).toBeUndefined(); // emit did not take ownership of it
  expect(engine.findNode('t')).toBeDefined(); // asked for by name: kept
  engine.dispose();
});
