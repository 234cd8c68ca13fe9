import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { runElk } from './elk.js';
import type { AnyStateMachine } from 'xstate';
import { machineToGraph, type ChartGraph, type ChartState } from './graph.js';
import { CHART_ROOT_OPTIONS, compoundOptions } from './layout-options.js';

/**
 * A laid-out box: a state, a compound state's initial dot, or its "any state" pseudo-node (the
 * start of transitions a compound state handles for all its children). Coordinates are
 * absolute, in SVG user units.
 *
 * @example
 * ```ts
 * const box: ChartBox = (await layoutChart(connectionMachine)).boxes[0];
 * ```
 */
export interface ChartBox {
  readonly id: string;
  readonly stateId: string;
  readonly kind: 'state' | 'initial' | 'any';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Text under the state name: entry/exit actions and targetless transitions. */
  readonly lines: readonly string[];
}

/**
 * A routed edge: one per transition target (an initial edge has no transition id).
 *
 * @example
 * ```ts
 * const d = edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
 * ```
 */
export interface ChartEdge {
  readonly id: string;
  readonly transitionId: string | null;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly label: { readonly text: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number } | null;
}

/**
 * Everything a renderer needs: the graph and where each part goes. Plain data, so it can be
 * computed once per machine and reused for every snapshot.
 *
 * @example
 * ```ts
 * const layout: ChartLayout = await layoutChart(connectionMachine);
 * ```
 */
export interface ChartLayout {
  readonly graph: ChartGraph;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly ChartBox[];
  readonly edges: readonly ChartEdge[];
}

/**
 * The chart font and the metrics the layout assumes for it. Text is sized by character count,
 * not measured, so Node (no DOM) and browsers compute the same layout; a monospace font makes
 * the estimate true.
 *
 * @example
 * ```ts
 * const width = 'circuitOpen'.length * CHART_FONT.charWidth;
 * ```
 */
export const CHART_FONT = { family: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', size: 12, charWidth: 7.5, lineHeight: 16 } as const;
const textWidth = (s: string) => s.length * CHART_FONT.charWidth;
const TITLE = 26;


/**
 * Lays a machine out with ELK's layered algorithm (top to bottom, hierarchy included, so edges
 * may cross compound borders). Deterministic: the same machine gives the same layout, which
 * is what lets a test notice a stale chart file.
 *
 * @example
 * ```ts
 * import { connectionMachine } from '@nodeflow/runtime';
 * import { layoutChart } from '@nodeflow/runtime/inspect';
 * const { width, height, boxes } = await layoutChart(connectionMachine);
 * ```
 */
export async function layoutChart(input: ChartGraph | AnyStateMachine): Promise<ChartLayout> {
  const graph = 'states' in input && Array.isArray(input.states) ? (input as ChartGraph) : machineToGraph(input as AnyStateMachine);
  const kids = (id: string) => graph.states.filter((s) => s.parent === id);
  const within = (id: string, anc: string): boolean => {
    for (let s: string | null | undefined = id; s; s = graph.states.find((x) => x.id === s)?.parent) if (s === anc) return true;
    return false;
  };
  const lines = new Map<string, string[]>();
  const edges: ElkExtendedEdge[] = [];
  const meta = new Map<string, string | null>();
  const needsAny = new Set<string>();
  for (const t of graph.transitions) {
    const inward = kids(t.source).length > 0 && t.targets.some((x) => within(x, t.source));
    if (inward) needsAny.add(t.source);
    if (t.targets.length === 0) (lines.get(t.source) ?? lines.set(t.source, []).get(t.source)!).push(`${t.label} (stays)`);
    t.targets.forEach((target, k) => {
      const id = `${t.id}#${k}`;
      meta.set(id, t.id);
      const labels = [{ text: t.label, width: textWidth(t.label) + 8, height: CHART_FONT.lineHeight + 2, layoutOptions: { 'elk.edgeLabels.inline': 'true' } }];
      edges.push({ id, sources: [inward ? `${t.source}#any` : t.source], targets: [target], labels });
    });
  }
  const toNode = (s: ChartState): ElkNode => {
    const text = [...s.entry.map((a) => `entry / ${a}`), ...s.exit.map((a) => `exit / ${a}`), ...(lines.get(s.id) ?? [])];
    lines.set(s.id, text);
    const children = kids(s.id);
    if (children.length === 0) {
      return { id: s.id, width: Math.max(90, ...[s.key, ...text].map(textWidth)) + 20, height: TITLE + text.length * CHART_FONT.lineHeight + 8 };
    }
    const inner: ElkNode[] = children.map(toNode);
    if (s.initial) {
      inner.unshift({ id: `${s.id}#initial`, width: 12, height: 12 });
      edges.push({ id: `${s.id}#initial`, sources: [`${s.id}#initial`], targets: [s.initial] });
      meta.set(`${s.id}#initial`, null);
    }
    if (needsAny.has(s.id) || text.length) inner.unshift({ id: `${s.id}#any`, width: Math.max(...[`any ${s.key} state`, ...text].map(textWidth)) + 20, height: TITLE + text.length * CHART_FONT.lineHeight + 4 });
    const top = TITLE + 8;
    return { id: s.id, children: inner, layoutOptions: compoundOptions(s.type === 'parallel' ? 'parallel' : 'compound', top) };
  };
  const root = graph.states.find((s) => s.parent === null)!;
  const out = await runElk({
    id: '#chart',
    layoutOptions: CHART_ROOT_OPTIONS,
    children: [toNode(root)],
    edges,
  });
  return collect(graph, out, lines, meta);
}

// ELK positions are relative to the parent (nodes) or to `edge.container` (edges, labels).
function collect(graph: ChartGraph, out: ElkNode, lines: Map<string, string[]>, meta: Map<string, string | null>): ChartLayout {
  const origin = new Map<string, { x: number; y: number }>([[out.id, { x: 0, y: 0 }]]);
  const boxes: ChartBox[] = [];
  const visit = (n: ElkNode, ox: number, oy: number) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    origin.set(n.id, { x, y });
    // Pseudo-nodes are `<state id>#initial` and `<state id>#any`; a state id may hold '#' itself.
    const m = /^(.*)#(initial|any)$/.exec(n.id);
    const stateId = m ? m[1]! : n.id;
    const kind = m ? (m[2] as 'initial' | 'any') : 'state';
    // A compound state's own lines are drawn in its "any" box.
    const text = kind === 'initial' || (kind === 'state' && n.children?.length) ? [] : (lines.get(stateId) ?? []);
    if (n !== out) boxes.push({ id: n.id, stateId, kind, x: r(x), y: r(y), width: r(n.width ?? 0), height: r(n.height ?? 0), lines: text });
    for (const c of n.children ?? []) visit(c, x, y);
  };
  visit(out, 0, 0);
  const edges: ChartEdge[] = (out.edges ?? []).map((e) => {
    const o = origin.get((e as { container?: string }).container ?? out.id) ?? { x: 0, y: 0 };
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: r(o.x + p.x), y: r(o.y + p.y) }));
    const l = e.labels?.[0];
    const label = l ? { text: l.text ?? '', x: r(o.x + (l.x ?? 0)), y: r(o.y + (l.y ?? 0)), width: l.width ?? 0, height: l.height ?? 0 } : null;
    return { id: e.id, transitionId: meta.get(e.id) ?? null, points, label };
  });
  return { graph, width: r(out.width ?? 0), height: r(out.height ?? 0), boxes, edges };
}

// One decimal is plenty for SVG and keeps generated files small and stable.
const r = (v: number) => Math.round(v * 10) / 10;
