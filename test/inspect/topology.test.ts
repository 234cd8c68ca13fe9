import { describe, expect, it } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { readTopology } from '../../src/inspect/index.js';

describe('readTopology', () => {
  it('lists every node and widget with its kind (a widget with no connection yet included) and every connection', () => {
    const engine = new StreamEngine();
    engine.createWidget('chart');
    engine.createWidget('idle');
    const id = engine.createConnection('sensor', 'chart', 'out', 'in');
    const t = readTopology(engine);
    expect([...t.nodes].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'chart', kind: 'widget' },
      { id: 'idle', kind: 'widget' },
      { id: 'sensor', kind: 'node' },
    ]);
    expect(t.connections.map((c) => c.id)).toEqual([id]);
    expect(engine.findWidget('idle')?.id).toBe('idle');
    expect(engine.findWidget('sensor')).toBeUndefined(); // a node, not a widget: no throw
    expect(engine.findNode('nope')).toBeUndefined();
    engine.dispose();
  });
});
