/**
 * Work per lifecycle event at 10k connections, for the two readers of the topology: the
 * inspector (what EngineInspector computes per event, React rendering left out) and a widget
 * hook (what useStreamData re-runs when the topology moves: resolveStream for its id).
 * Events: a connection's state edge (openCircuit/closeCircuit), a connection created, one removed.
 * The legacy readers are the code as it was before the snapshot, kept to compare under the
 * same load. Prints a table and one JSON line. `node scripts/run-ts.mjs bench/topology.ts [connections]`
 */
import { StreamEngine } from '../src/index.js';
import { readTopology } from '../src/inspect/topology.js';
import { resolveStream } from '../src/widgets/topology.js';
import { median } from './lib.js';

const N = Number(process.argv[2] ?? 10_000);
const WIDGETS = 100;
const engine = new StreamEngine({ bufferSize: 16 });
for (let w = 0; w < WIDGETS; w++) engine.createWidget(`w${w}`);
let t0 = performance.now();
for (let i = 0; i < N; i++) engine.createConnection(`s${i}`, `w${i % WIDGETS}`, 'out', 'in');
const buildMs = performance.now() - t0;
const probe = engine.getConnection(`s0:out->w0:in`);

// What the inspector recomputes per event before the snapshot: readTopology, the layout key, the state map.
function inspectorLegacy(): number {
  const nodes = engine.listNodes().map(({ id, kind }) => ({ id, kind }));
  const connections = engine.listConnections();
  const shape = JSON.stringify([nodes, connections.map((c) => c.id)]);
  const state = new Map(connections.map((c) => [c.id, c.state]));
  return shape.length + state.size;
}

// What EngineInspector computes per event now: read the snapshot (the engine reconciles what
// changed), re-sort for the layout only when the shape moved, compare each connection group
// with the last render's and redraw the rows of the groups that changed (React.memo per group).
let shape = -1;
let groups: readonly unknown[] = [];
function inspectorSnapshot(): number {
  const t = engine.topology();
  if (t.shape !== shape) (shape = t.shape), readTopology(t);
  let rows = 0;
  const now = t.connectionGroups();
  for (let i = 0; i < now.length; i++) if (now[i] !== groups[i]) for (const c of now[i]!.values()) rows += c.state.length > 0 ? 1 : 0;
  groups = now;
  return rows;
}

// The engine's side alone: reconciling the snapshot with what changed.
const snapshotRead = (): number => engine.topology().version;

// What one hook recomputed before the snapshot (resolveStream as it was: a scan of every connection).
const DEAD = new Set(['closing', 'closed', 'failed']);
function hookLegacy(): number {
  const widget = engine.findWidget('w7')!;
  const feeds = [];
  for (const info of engine.listConnections()) if (info.targetNodeId === widget.id && !DEAD.has(info.state)) feeds.push(engine.getConnection(info.id));
  return feeds.length;
}

// What one hook recomputes when the topology moves.
const hook = (): number => resolveStream(engine, 'w7').feeds.length;

type Reader = { name: string; run(): number };
const readers: Reader[] = [
  { name: 'inspector (legacy readTopology)', run: inspectorLegacy },
  { name: 'inspector (topology snapshot)', run: inspectorSnapshot },
  { name: 'engine.topology() alone', run: snapshotRead },
  { name: 'hook (legacy resolveStream)', run: hookLegacy },
  { name: 'hook (resolveStream)', run: hook },
];

let n = 0;
const extra: string[] = [];
const events: [string, () => void | Promise<void>][] = [
  ['connection.state', () => (n++ % 2 ? probe.closeCircuit() : probe.openCircuit())],
  ['connection.created', () => void extra.push(engine.createConnection(`x${n}`, `w${n++ % WIDGETS}`, 'out', 'in'))],
  ['connection.removed', () => engine.removeConnection(extra.pop()!)],
];

const results: Record<string, Record<string, number>> = {};
engine.topology(); // the first read builds the snapshot (once per engine)
let sink = 0;
for (const r of readers) {
  for (const [label, fire] of events) {
    // One sample per event, median over all: a GC pause (10k connections hold a lot of heap)
    // lands in a few samples instead of skewing a round's mean.
    const samples: number[] = [];
    for (let k = 0; k < 140; k++) {
      await fire();
      const t = performance.now();
      sink += r.run();
      samples.push((performance.now() - t) * 1000);
    }
    (results[r.name] ??= {})[label] = Math.round(median(samples) * 10) / 10;
  }
}
t0 = performance.now();
engine.dispose();
console.log(`connections: ${N}, widgets: ${WIDGETS}, build: ${buildMs.toFixed(0)} ms, dispose: ${(performance.now() - t0).toFixed(0)} ms`);
for (const [name, r] of Object.entries(results)) for (const [e, us] of Object.entries(r)) console.log(`${name.padEnd(36)} ${e.padEnd(28)} ${us.toFixed(1).padStart(10)} µs/event`);
console.log(JSON.stringify({ bench: 'topology', connections: N, buildMs: Math.round(buildMs), usPerEvent: results, sink: sink > 0 }));
