import { describe, expect, it } from 'vitest';
import { layoutChart, machineToGraph, renderStateChartSvg } from '../../src/inspect/index.js';
import { connectionMachine } from '../../src/index.js';
import { kitchenSink } from './support.js';

const attrs = (svg: string, name: string) => [...svg.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

describe('ELK layout and SVG in Node', () => {
  it('lays every state inside its parent and routes every transition target', async () => {
    for (const machine of [connectionMachine, kitchenSink]) {
      const layout = await layoutChart(machine);
      const g = machineToGraph(machine);
      const box = new Map(layout.boxes.filter((b) => b.kind === 'state').map((b) => [b.stateId, b]));
      expect([...box.keys()].sort()).toEqual(g.states.map((s) => s.id).sort());
      for (const s of g.states) {
        const b = box.get(s.id)!;
        expect(b.width * b.height, s.id).toBeGreaterThan(0);
        const p = s.parent ? box.get(s.parent)! : { x: 0, y: 0, width: layout.width, height: layout.height };
        expect(b.x >= p.x && b.y >= p.y && b.x + b.width <= p.x + p.width && b.y + b.height <= p.y + p.height, `${s.id} inside ${s.parent}`).toBe(true);
      }
      const routed = layout.edges.filter((e) => e.transitionId !== null);
      expect(routed).toHaveLength(g.transitions.reduce((n, t) => n + t.targets.length, 0));
      for (const e of layout.edges) expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
    }
  }, 30_000);

  it('renders a standalone SVG document highlighting the given state and transitions', async () => {
    const svg = await renderStateChartSvg(connectionMachine, { value: 'circuitOpen', taken: ['connection|breaker.open|0'] });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const g = machineToGraph(connectionMachine);
    expect(attrs(svg, 'data-state-id').sort()).toEqual(g.states.map((s) => s.id).sort());
    const active = [...svg.matchAll(/data-state-id="([^"]*)" data-active="true"/g)].map((m) => m[1]);
    expect(active.sort()).toEqual(['connection', 'connection.circuitOpen']);
    expect([...svg.matchAll(/data-transition-id="([^"]*)" data-taken="true"/g)].map((m) => m[1])).toEqual(['connection|breaker.open|0']);
    expect(svg).toContain('>after resetTimeout</text>');
    // Well-formed enough for a file: one root element, every tag closed.
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  }, 30_000);
});
