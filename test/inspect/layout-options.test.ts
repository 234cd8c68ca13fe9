import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { CHART_FONT, layoutChart, renderStateChartSvg, type ChartLayout } from '../../src/inspect/index.js';
import { connectionMachine, engineMachine, nodeMachine, widgetMachine } from '../../src/index.js';

type P = { readonly x: number; readonly y: number };
// Proper crossings between segments of two different edges (shared end points do not count).
function crossings(layout: ChartLayout): number {
  const segs = layout.edges.flatMap((e, k) => e.points.slice(1).map((b, i) => ({ k, a: e.points[i]!, b })));
  const side = (p: P, q: P, r: P) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const s = segs[i]!;
      const t = segs[j]!;
      if (s.k === t.k) continue;
      const d1 = side(s.a, s.b, t.a) * side(s.a, s.b, t.b);
      const d2 = side(t.a, t.b, s.a) * side(t.a, t.b, s.b);
      if (d1 < 0 && d2 < 0) n++;
    }
  }
  return n;
}

const MACHINES: Record<string, AnyStateMachine> = { connection: connectionMachine, engine: engineMachine, node: nodeMachine, widget: widgetMachine };

describe('state chart layout options', () => {
  it('draws text at 11 px or more at the natural size', async () => {
    expect(CHART_FONT.size).toBeGreaterThanOrEqual(11);
    const svg = await renderStateChartSvg(connectionMachine);
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
  });

  it.each(Object.keys(MACHINES))('lays %s out top to bottom, narrow enough for a 1024 px page', async (name) => {
    const layout = await layoutChart(MACHINES[name]!);
    expect(layout.width).toBeLessThanOrEqual(1000);
    // Every initial arrow points down: the layered direction is DOWN.
    const initial = layout.edges.filter((e) => e.id.endsWith('#initial'));
    expect(initial.length).toBeGreaterThan(0);
    for (const e of initial) expect(e.points.at(-1)!.y).toBeGreaterThan(e.points[0]!.y);
  }, 30_000);

  it('routes every chart with no edge crossing another', async () => {
    // The counter itself: two edges forming an X cross once, two that only touch do not.
    const edge = (id: string, points: P[]) => ({ id, transitionId: id, points, label: null });
    const x = { edges: [edge('a', [{ x: 0, y: 0 }, { x: 10, y: 10 }]), edge('b', [{ x: 10, y: 0 }, { x: 0, y: 10 }]), edge('c', [{ x: 10, y: 10 }, { x: 20, y: 10 }])] } as unknown as ChartLayout;
    expect(crossings(x)).toBe(1);
    for (const machine of Object.values(MACHINES)) expect(crossings(await layoutChart(machine)), machine.id).toBe(0);
  }, 30_000);
});
