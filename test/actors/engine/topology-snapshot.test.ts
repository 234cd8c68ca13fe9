import { describe, expect, it } from 'vitest';
import { TopologyStore, type ConnectionInfo, type EngineTopology } from '../../../src/actors/engine/topology-snapshot.js';
import { simEngine } from '../../support/helpers.js';

const sorted = (t: EngineTopology) => ({
  connections: [...t.connections()].map((c) => `${c.id}=${c.state}`).sort(),
  nodes: [...t.nodes()].map((n) => `${n.kind}:${n.id}<${[...n.inputs].sort().join(',')}`).sort(),
});

describe('engine.topology()', () => {
  it('an unchanged connection keeps its object across events; the changed one is a new object', () => {
    const { engine } = simEngine();
    const a = engine.createConnection('a', 'b', 'out', 'in');
    const c = engine.createConnection('c', 'd', 'out', 'in');
    const t1 = engine.topology();
    engine.getConnection(c).openCircuit(); // a state edge on c
    const t2 = engine.topology();
    expect(t2).not.toBe(t1);
    expect(t2.connection(a)).toBe(t1.connection(a));
    expect(t2.node('a')).toBe(t1.node('a'));
    expect(t2.connection(c)).not.toBe(t1.connection(c));
    expect([t1.connection(c)?.state, t2.connection(c)?.state]).toEqual(['flowing', 'circuitOpen']);
    // Only the group holding c was copied.
    const changed = t2.connectionGroups().filter((g, i) => g !== t1.connectionGroups()[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.has(c)).toBe(true);
    engine.createConnection('e', 'f', 'out', 'in');
    expect(engine.topology().connection(a)).toBe(t1.connection(a));
    engine.dispose();
  });

  it('version moves on every change, shape only when something comes or goes; a read without change returns the same snapshot', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const t1 = engine.topology();
    expect(engine.topology()).toBe(t1);
    engine.getConnection(id).openCircuit();
    const t2 = engine.topology();
    expect(t2.version).toBeGreaterThan(t1.version);
    expect(t2.shape).toBe(t1.shape);
    engine.createWidget('chart');
    expect(engine.topology().shape).toBeGreaterThan(t2.shape);
    engine.dispose();
  });

  it('follows nodes, widgets, auto nodes and each node\'s inputs; stop() empties it', async () => {
    const { engine } = simEngine();
    engine.createWidget('chart');
    engine.topology(); // followed from here on: changes are reconciled incrementally
    const a = engine.createConnection('s1', 'chart', 'out', 'in');
    engine.createConnection('s2', 'chart', 'out', 'in');
    expect(sorted(engine.topology())).toEqual({
      connections: [`${a}=flowing`, 's2:out->chart:in=flowing'],
      nodes: [`node:s1<`, 'node:s2<', `widget:chart<${a},s2:out->chart:in`],
    });
    await engine.removeConnection(a); // s1 existed only for it: it goes too
    expect(sorted(engine.topology())).toEqual({ connections: ['s2:out->chart:in=flowing'], nodes: ['node:s2<', 'widget:chart<s2:out->chart:in'] });
    expect(engine.topology().connectionCount).toBe(1);
    expect(engine.topology().nodeCount).toBe(2);
    await engine.stop();
    expect(sorted(engine.topology())).toEqual({ connections: [], nodes: [] });
    engine.dispose();
  });

  it('every snapshot topology$ emits is whole: each connection\'s ends are in it', async () => {
    const { engine } = simEngine();
    engine.createWidget('chart');
    const broken: string[] = [];
    const sub = engine.topology$.subscribe((t) => {
      for (const c of t.connections()) if (!t.node(c.sourceNodeId) || !t.node(c.targetNodeId)?.inputs.includes(c.id)) broken.push(`${t.version}:${c.id}`);
    });
    const a = engine.createConnection('s', 'chart', 'out', 'in');
    engine.createConnection('s', 't', 'out', 'in');
    await engine.removeConnection(a);
    await engine.stop();
    sub.unsubscribe();
    expect(broken).toEqual([]);
    engine.dispose();
  });

  it('topology$ gives the current snapshot, then one per change', () => {
    const { engine } = simEngine();
    const seen: number[] = [];
    const sub = engine.topology$.subscribe((t) => seen.push(t.connectionCount));
    const id = engine.createConnection('a', 'b', 'out', 'in');
    engine.getConnection(id).openCircuit();
    sub.unsubscribe();
    engine.createConnection('c', 'd', 'out', 'in');
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    let completed = 0;
    engine.topology$.subscribe({ complete: () => completed++ });
    engine.dispose();
    engine.topology$.subscribe({ next: () => completed--, complete: () => completed++ }); // after dispose: completes at once
    expect(completed).toBe(2);
  });
});

describe('TopologyStore', () => {
  // A registry stand-in: the store reads it as the truth when it reconciles.
  function fake() {
    const conns = new Map<string, ConnectionInfo>();
    const kinds = new Map<string, 'node' | 'widget'>();
    const store = new TopologyStore({ connectionInfo: (id) => conns.get(id), kindOf: (id) => kinds.get(id), connectionIds: () => conns.keys(), nodeIds: () => kinds.keys() });
    const connect = (s: string, t: string) => {
      const id = `${s}->${t}`;
      kinds.set(s, 'node');
      kinds.set(t, 'node');
      conns.set(id, { id, sourceNodeId: s, targetNodeId: t, outputPort: 'out', inputPort: 'in', state: 'flowing' });
      store.markNode(s);
      store.markNode(t);
      store.markConnection(id);
      return id;
    };
    return { conns, kinds, store, connect };
  }

  it('marks nothing before the first read, then reconciles only what was marked', () => {
    const { conns, store, connect } = fake();
    const a = connect('a', 'b');
    expect(store.read().connection(a)?.state).toBe('flowing');
    conns.set(a, { ...conns.get(a)!, state: 'backpressured' });
    expect(store.read().connection(a)?.state).toBe('flowing'); // not marked: not seen
    store.markConnection(a);
    expect(store.read().connection(a)?.state).toBe('backpressured');
  });

  it('a backlog larger than the topology falls back to one full reconcile, with the same result', () => {
    const { conns, kinds, store, connect } = fake();
    const keep = connect('k', 'sink');
    store.read();
    for (let i = 0; i < 3000; i++) {
      const id = connect(`n${i}`, 'sink');
      conns.delete(id);
      kinds.delete(`n${i}`);
      store.markNode(`n${i}`);
      store.markConnection(id);
    }
    const t = store.read();
    expect([...t.connections()].map((c) => c.id)).toEqual([keep]);
    expect(t.node('sink')?.inputs).toEqual([keep]);
    expect(t.nodeCount).toBe(2);
  });

  it('a reused id naming other endpoints is replaced, not patched', () => {
    const { conns, store, connect } = fake();
    const id = connect('a', 'b');
    store.read();
    conns.set(id, { ...conns.get(id)!, targetNodeId: 'c' });
    store.markConnection(id);
    const t = store.read();
    expect(t.connection(id)?.targetNodeId).toBe('c');
    expect(t.node('b')?.inputs).toEqual([]);
  });
});
