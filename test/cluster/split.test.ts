// splitWorkflow as a property: whatever the graph and the placement, every node lands in exactly
// one part (where it was placed), and every edge appears exactly once: whole in one part, or as
// an outlet half and an inlet half with the same id and the same resolved StreamConfig.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLET_TYPE, OUTLET_TYPE, splitWorkflow } from '../../src/cluster/index.js';
import { WorkflowEngine, type WorkflowDefinition } from '../../src/index.js';

const NUM_RUNS = Number(process.env.NUMRUNS ?? 200);
const WORKERS = [undefined, 'w1', 'w2', 'w3'] as const;

// A DAG: edges only from a lower node index to a higher one; some with explicit ids and configs.
const definition = fc.integer({ min: 2, max: 12 }).chain((n) =>
  fc.record({
    placements: fc.array(fc.constantFrom(...WORKERS), { minLength: n, maxLength: n }),
    edges: fc.uniqueArray(
      // a < b by construction (a filter that can never pass would make fast-check spin).
      fc.tuple(fc.nat(n - 2), fc.nat(), fc.boolean(), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined })).map(([a, x, named, batch]) => [a, a + 1 + (x % (n - 1 - a)), named, batch] as const),
      { selector: ([a, b]) => `${a}-${b}`, maxLength: 30 },
    ),
  }).map(({ placements, edges }): WorkflowDefinition => ({
    nodes: placements.map((w, i) => ({ id: `n${i}`, type: 'transform.map', ...(w ? { placement: w } : {}) })),
    edges: edges.map(([a, b, named, batch]) => ({
      ...(named ? { id: `edge ${a}→${b}` } : {}),
      source: `n${a}`,
      sourcePort: 'out',
      target: `n${b}`,
      targetPort: 'in',
      ...(batch ? { config: { bufferSize: 64, maxBatchSize: batch } } : {}),
    })),
  })),
);

const edgeId = (e: WorkflowDefinition['edges'][number]) => e.id ?? `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;

describe('splitWorkflow', () => {
  it('keeps every node once, where it was placed, and every edge once: local, or as an outlet/inlet pair with its id', () => {
    fc.assert(
      fc.property(definition, (def) => {
        const { parts, cross } = splitWorkflow(def);
        expect(parts[0]!.worker).toBeUndefined();
        expect(new Set(parts.map((p) => p.worker)).size).toBe(parts.length);
        // Nodes: each original once, in the part of its placement, without the placement field.
        const real = parts.flatMap((p) => p.definition.nodes.filter((n) => n.type !== OUTLET_TYPE && n.type !== INLET_TYPE).map((n) => ({ n, worker: p.worker })));
        expect(real.map((r) => r.n.id).sort()).toEqual(def.nodes.map((n) => n.id).sort());
        for (const { n, worker } of real) {
          expect(worker).toBe(def.nodes.find((d) => d.id === n.id)!.placement);
          expect(n.placement).toBeUndefined();
        }
        // Every node id is unique across all parts (stand-ins included).
        const all = parts.flatMap((p) => p.definition.nodes.map((n) => n.id));
        expect(new Set(all).size).toBe(all.length);
        // Edges: an original edge is local exactly once, or split exactly once.
        const byId = new Map<string, { part: string | undefined; source: string; target: string; config: unknown }[]>();
        for (const p of parts) for (const e of p.definition.edges) (byId.get(edgeId(e)) ?? byId.set(edgeId(e), []).get(edgeId(e))!).push({ part: p.worker, source: e.source, target: e.target, config: e.config });
        expect([...byId.keys()].sort()).toEqual(def.edges.map(edgeId).sort());
        for (const e of def.edges) {
          const id = edgeId(e);
          const found = byId.get(id)!;
          const c = cross.filter((x) => x.id === id);
          const from = def.nodes.find((n) => n.id === e.source)!.placement;
          const to = def.nodes.find((n) => n.id === e.target)!.placement;
          if (from === to) {
            expect(found).toEqual([{ part: from, source: e.source, target: e.target, config: e.config }]);
            expect(c).toHaveLength(0);
            continue;
          }
          expect(c).toHaveLength(1);
          const x = c[0]!;
          expect(found).toHaveLength(2);
          expect(found).toContainEqual({ part: from, source: e.source, target: x.outlet, config: x.config });
          expect(found).toContainEqual({ part: to, source: x.inlet, target: e.target, config: x.config });
          expect(x.maxFrames).toBe(Math.ceil(x.config.bufferSize / x.config.maxBatchSize));
          expect(x.key).toMatch(/^e\d+$/);
          // The stand-ins carry the edge's key, and the outlet the server-side bound.
          const outlet = parts.find((p) => p.worker === from)!.definition.nodes.find((n) => n.id === x.outlet)!;
          const inlet = parts.find((p) => p.worker === to)!.definition.nodes.find((n) => n.id === x.inlet)!;
          expect(outlet).toEqual({ id: x.outlet, type: OUTLET_TYPE, config: { edge: x.key, maxFrames: x.maxFrames } });
          expect(inlet).toEqual({ id: x.inlet, type: INLET_TYPE, config: { edge: x.key } });
        }
        expect(new Set(cross.map((x) => x.key)).size).toBe(cross.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('lets options.placement override a node’s own placement, and a stand-in never takes a user node’s id', () => {
    const def: WorkflowDefinition = {
      nodes: [{ id: 'a', type: 'x', placement: 'w1' }, { id: 'b', type: 'x' }, { id: 'a.out->b.in⇥', type: 'x' }],
      edges: [{ source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' }],
    };
    expect(splitWorkflow(def, { placement: { a: 'w2' } }).parts.map((p) => p.worker)).toEqual([undefined, 'w2']);
    const { cross } = splitWorkflow(def);
    expect(cross[0]!.outlet).toBe('a.out->b.in⇥~');
  });

  it('is what validation accepts: a placement must be a NATS subject token', () => {
    const wf = new WorkflowEngine();
    const problems = (placement: unknown) => wf.validate({ nodes: [{ id: 'a', type: 'source.sequential', placement } as never], edges: [] });
    expect(problems('w-1_x')).toEqual([]);
    for (const bad of ['', 'w.1', 'w*', 'a>', 'has space', 'tab\t', 42, null]) {
      const p = problems(bad);
      expect(p, String(bad)).toHaveLength(1);
      expect(p[0]).toMatchObject({ code: 'INVALID_PLACEMENT', path: 'nodes[0].placement', nodeId: 'a' });
    }
  });
});
