import type { LayoutOptions } from 'elkjs/lib/elk-api.js';

/**
 * ELK options for a state chart's root: layered, top to bottom. A chart read downwards stays
 * narrow enough to show at its natural size (a left-to-right one of ten states was over 2000
 * units wide and got scaled to unreadable text). Crossings are cut by a layer sweep with a
 * two-sided greedy switch afterwards; network-simplex placement straightens long edges;
 * depth-first cycle breaking puts the states reached first from the top higher, so a
 * machine's main path reads downwards and only the ways back point up. Edge labels are laid inline (set per label in layout.ts), on their edge. @internal
 *
 * @example
 * ```ts
 * await runElk({ id: 'chart', layoutOptions: CHART_ROOT_OPTIONS, children, edges });
 * ```
 */
export const CHART_ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.layered.crossingMinimization.greedySwitch.type': 'TWO_SIDED',
  'elk.layered.crossingMinimization.greedySwitchHierarchical.type': 'TWO_SIDED',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.nodeNode': '32',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=8,left=8,bottom=8,right=8]',
};

const ROOT_ONLY = new Set(['elk.algorithm', 'elk.direction', 'elk.hierarchyHandling', 'elk.padding', 'elk.layered.considerModelOrder.strategy']);
const INHERITED: LayoutOptions = Object.fromEntries(Object.entries(CHART_ROOT_OPTIONS).filter(([k]) => !ROOT_ONLY.has(k)));

/**
 * ELK options for a compound state (one with children): the title band on top as padding,
 * children top to bottom, except a parallel state's regions, which sit side by side as they
 * run side by side. It repeats the root's layered options because in a hierarchical layout
 * ELK reads them from the compound node that holds the states, not from the root; model order
 * is left out (ELK throws on it there). @internal
 *
 * @example
 * ```ts
 * const node = { id: s.id, children, layoutOptions: compoundOptions('parallel', 34) };
 * ```
 */
export function compoundOptions(type: 'compound' | 'parallel', top: number): LayoutOptions {
  return { ...INHERITED, 'elk.padding': `[top=${top},left=16,bottom=16,right=16]`, 'elk.direction': type === 'parallel' ? 'RIGHT' : 'DOWN' };
}
