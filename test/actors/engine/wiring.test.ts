import { describe, expect, it } from 'vitest';
import { simEngine } from '../../support/helpers.js';

// Wiring: edges, link counts and the clean-up of nodes that exist only for their connections.
describe('wiring', () => {
  it('an auto node lives while any connection names it, and goes with the last one', async () => {
    const { engine } = simEngine();
    const a = engine.createConnection('hub', 'x', 'out', 'in');
    const b = engine.createConnection('hub', 'y', 'out', 'in');
    await engine.removeConnection(a);
    expect(engine.findNode('hub')).toBeDefined(); // b still uses it
    expect(engine.findNode('x')).toBeUndefined();
    await engine.removeConnection(b);
    expect(engine.findNode('hub')).toBeUndefined();
    engine.dispose();
  });

  it('a node asked for by name, or one somebody observes, outlives its connections', async () => {
    const { engine } = simEngine();
    const a = engine.createConnection('s', 'owned', 'out', 'in');
    engine.node('owned');
    const b = engine.createConnection('watched', 't', 'out', 'in');
    const sub = engine.findNode('watched')!.batches$.subscribe(() => {});
    await engine.removeConnection(a);
    await engine.removeConnection(b);
    expect(engine.findNode('owned')).toBeDefined();
    expect(engine.findNode('watched')).toBeDefined();
    sub.unsubscribe();
    engine.dispose();
  });

  it('a node in use cannot be removed (the count is named); a duplicate edge is refused by id', async () => {
    const { engine } = simEngine();
    engine.node('n');
    const id = engine.createConnection('s', 'n', 'out', 'in');
    expect(() => engine.removeNode('n')).toThrow(/n still has 1 connection/);
    expect(() => engine.createConnection('s', 'n', 'out', 'in')).toThrow(expect.objectContaining({ code: 'DUPLICATE_CONNECTION', details: { connectionId: id } }));
    await engine.removeConnection(id);
    engine.createConnection('s', 'n', 'out', 'in'); // the edge is free again
    engine.dispose();
  });

  it('a removed connection no longer receives what its source emits', async () => {
    const { engine } = simEngine();
    engine.node('s');
    const id = engine.createConnection('s', 't', 'out', 'in');
    await engine.removeConnection(id);
    expect(engine.emit('s', 'out', { id: 1, timestamp: 0, sourceNodeId: 's', port: 'out', data: 1 })).toBe('unrouted');
    engine.dispose();
  });
});
