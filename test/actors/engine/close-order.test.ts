// The order of a graceful stop (docs/semantics.md, Time): an edge closes once every edge into
// its source node has closed; cycles close together once nothing else is closing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeSourceFirst, type Edge } from '../../../src/actors/engine/close-order.js';

interface E extends Edge {
  readonly id: string;
}
const edge = (s: string, t: string): E => ({ id: `${s}->${t}`, sourceNodeId: s, targetNodeId: t });

/** Closes each edge a macrotask later and records when each started and ended. */
async function order(edges: E[]) {
  const events: string[] = [];
  await closeSourceFirst(edges, async (e) => {
    events.push(`start ${e.id}`);
    await new Promise((r) => setTimeout(r, 1));
    events.push(`end ${e.id}`);
  });
  return events;
}

describe('closeSourceFirst', () => {
  it('a chain closes from its source, each edge after the one into its source ended', async () => {
    const events = await order([edge('b', 'c'), edge('c', 'd'), edge('a', 'b')]);
    expect(events).toEqual(['start a->b', 'end a->b', 'start b->c', 'end b->c', 'start c->d', 'end c->d']);
  });

  it('a fan-in node waits for all its inputs; independent branches close side by side', async () => {
    const events = await order([edge('a', 'm'), edge('b', 'm'), edge('m', 'z'), edge('x', 'y')]);
    expect(events.slice(0, 3).sort()).toEqual(['start a->m', 'start b->m', 'start x->y']);
    expect(events.indexOf('start m->z')).toBeGreaterThan(Math.max(events.indexOf('end a->m'), events.indexOf('end b->m')));
  });

  it('a cycle closes together once nothing else is closing, and what hangs off it too', async () => {
    const events = await order([edge('s', 'p'), edge('p', 'q'), edge('q', 'p'), edge('q', 'w')]);
    expect(events[0]).toBe('start s->p');
    expect(events[1]).toBe('end s->p');
    expect(events.slice(2, 5).sort()).toEqual(['start p->q', 'start q->p', 'start q->w']);
  });

  it('every edge of any graph is closed exactly once, and only after the edges into its source unless it is on or past a cycle', async () => {
    const node = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(node, node), { maxLength: 12, selector: ([s, t]) => `${s}${t}` }), async (pairs) => {
        const edges = pairs.map(([s, t]) => edge(s, t));
        const started: string[] = [];
        const ended = new Set<string>();
        const earlyStarts: string[] = [];
        await closeSourceFirst(edges, async (e) => {
          started.push(e.id);
          // Started before an edge into its source ended: allowed only for the cycle fallback,
          // which starts only when nothing is closing.
          if (edges.some((i) => i.targetNodeId === e.sourceNodeId && !ended.has(i.id))) earlyStarts.push(e.id);
          await Promise.resolve();
          ended.add(e.id);
        });
        expect(started.slice().sort()).toEqual(edges.map((e) => e.id).sort());
        expect(new Set(started).size).toBe(started.length);
        // An early start means some edge into its source was still open: a cycle must exist.
        const reachable = (from: string, to: string, seen = new Set<string>()): boolean => edges.some((e) => e.sourceNodeId === from && !seen.has(e.id) && (e.targetNodeId === to || reachable(e.targetNodeId, to, seen.add(e.id))));
        for (const id of earlyStarts) {
          const e = edges.find((x) => x.id === id)!;
          expect(edges.some((x) => reachable(x.sourceNodeId, x.sourceNodeId) && (x.sourceNodeId === e.sourceNodeId || reachable(x.sourceNodeId, e.sourceNodeId)))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a close that rejects rejects the whole; no edges resolves at once', async () => {
    await expect(closeSourceFirst([edge('a', 'b')], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(closeSourceFirst([], () => Promise.resolve())).resolves.toBeUndefined();
  });
});
