import type { AnyStateMachine } from 'xstate';
import { machineToGraph, type ChartGraph, type ChartState, type ChartTransition } from './graph.js';

// Mermaid state ids are plain words; XState ids have dots.
const mid = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
// A colon or newline in a label would end it early.
const text = (s: string) => s.replace(/[:\n]/g, ' ');

/**
 * A Mermaid `stateDiagram-v2` for a machine (or a graph from {@link machineToGraph}), for docs
 * that code hosts render. Compound states nest, parallel regions are split by `--`, `[*]`
 * marks initial and final states. Transitions that a compound state handles for any of its
 * children start at a pseudo-state "any <state>" inside it, because Mermaid cannot draw an edge
 * from a composite to its own child. Targetless transitions and entry/exit actions are listed
 * in the state's description.
 *
 * @example
 * ```ts
 * import { connectionMachine } from '@nodeflow/runtime';
 * import { toMermaid } from '@nodeflow/runtime/inspect';
 * console.log('```mermaid\n' + toMermaid(connectionMachine) + '\n```');
 * ```
 */
export function toMermaid(input: ChartGraph | AnyStateMachine): string {
  const graph = 'states' in input && Array.isArray(input.states) ? (input as ChartGraph) : machineToGraph(input as AnyStateMachine);
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const kids = (id: string) => graph.states.filter((s) => s.parent === id);
  const within = (id: string, ancestor: string): boolean => id === ancestor || (byId.get(id)?.parent != null && within(byId.get(id)!.parent!, ancestor));
  const anyNode = (s: ChartState) => `${mid(s.id)}__any`;
  // Where an edge starts: a compound source reaching inside itself starts at its "any" node.
  const from = (t: ChartTransition) => (kids(t.source).length > 0 && t.targets.some((x) => within(x, t.source)) ? anyNode(byId.get(t.source)!) : mid(t.source));
  const lines = ['stateDiagram-v2', '  direction TB'];

  const body = (s: ChartState, pad: string) => {
    const children = kids(s.id);
    const own = graph.transitions.filter((t) => t.source === s.id);
    if (s.parent !== null) lines.push(`${pad}state "${text(s.key)}" as ${mid(s.id)}${children.length ? ' {' : ''}`);
    const inner = s.parent === null || children.length === 0 ? pad : `${pad}  `;
    // A composite's own notes go on its "any" node: Mermaid shows no description on composites.
    const note = children.length ? anyNode(s) : mid(s.id);
    const notes = [
      ...s.entry.map((a) => `entry / ${text(a)}`),
      ...s.exit.map((a) => `exit / ${text(a)}`),
      ...own.filter((t) => t.targets.length === 0).map((t) => `${text(t.label)} (stays)`),
    ];
    if (children.length && (notes.length || own.some((t) => from(t) === note))) lines.push(`${inner}state "${text(s.key)} (any state)" as ${note}`);
    children.forEach((c, i) => {
      if (s.type === 'parallel' && i > 0) lines.push(`${inner}--`);
      body(c, inner);
    });
    if (s.initial) lines.push(`${inner}[*] --> ${mid(s.initial)}`);
    for (const n of notes) lines.push(`${inner}${note} : ${n}`);
    if (s.type === 'final') lines.push(`${inner}${mid(s.id)} --> [*]`);
    if (s.parent !== null && children.length) lines.push(`${pad}}`);
  };
  const root = graph.states.find((s) => s.parent === null)!;
  body(root, '  ');
  for (const t of graph.transitions) {
    for (const target of t.targets) lines.push(`  ${from(t)} --> ${mid(target)} : ${text(t.label)}`);
  }
  return lines.join('\n') + '\n';
}
