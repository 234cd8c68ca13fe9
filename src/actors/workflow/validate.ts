import { validateStreamConfig, type StreamConfig } from '../../config.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { WorkflowDefinition, WorkflowProblem } from './definition.js';
import type { NodeTypeDefinition, NodeTypeRegistry } from './node-types.js';
import { describe, errorMessage } from '../../errors.js';
import { didYouMean } from '../../near-miss.js';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/**
 * A worker name is one NATS subject token (`nodeflow.worker.<name>.start`): non-empty, no
 * whitespace or control character, no `.` (the separator), `*` or `>` (the wildcards).
 *
 * @example
 * ```ts
 * isWorkerName('w1'); // true
 * isWorkerName('w.1'); // false
 * ```
 */
export const isWorkerName = (v: unknown): v is string => str(v) && v.length <= 128 && !/[\s\u0000-\u001f\u007f.*>]/.test(v);

/**
 * Every problem of a definition at once, each naming its node or edge: shape, duplicate ids,
 * unknown node types, edges to missing nodes or ports, port type mismatches, bad node or edge
 * config, duplicate edges, cycles, and ids already used in the engine. Empty: valid.
 *
 * @example
 * ```ts
 * const problems = workflowEngine.validate(def);
 * if (problems.length) console.table(problems);
 * ```
 */
export function validateWorkflow(def: WorkflowDefinition, registry: NodeTypeRegistry, engine?: StreamEngine): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const add = (p: WorkflowProblem) => problems.push(p);
  if (!isObj(def) || !Array.isArray(def.nodes) || !Array.isArray(def.edges)) {
    return [{ code: 'INVALID_DEFINITION', path: 'definition', message: 'a workflow is { nodes: [...], edges: [...], config? }' }];
  }
  if (def.id !== undefined && !str(def.id)) add({ code: 'INVALID_DEFINITION', path: 'id', message: 'the workflow id must be a non-empty string' });
  // Edges start from the engine's config, then the workflow's, then their own.
  let base = engine ? engine.config : validateStreamConfig({});
  if (def.config !== undefined) {
    try {
      if (!isObj(def.config)) throw new Error('must be an object of StreamConfig fields');
      base = validateStreamConfig(def.config as Partial<StreamConfig>, base);
    } catch (e) {
      add({ code: 'INVALID_DEFINITION', path: 'config', message: `workflow config: ${errorMessage(e)}` });
    }
  }
  const nodes = new Map<string, { type: string; index: number }>();
  def.nodes.forEach((n, i) => {
    const path = `nodes[${i}]`;
    if (!isObj(n) || !str(n.id) || !str(n.type)) return add({ code: 'INVALID_DEFINITION', path, message: `${path} must be { id: string, type: string, config? }` });
    if (nodes.has(n.id)) return add({ code: 'DUPLICATE_NODE_ID', path, nodeId: n.id, message: `node ${n.id}: id already used by nodes[${nodes.get(n.id)!.index}]` });
    nodes.set(n.id, { type: n.type, index: i });
    if (n.placement !== undefined && !isWorkerName(n.placement)) {
      add({ code: 'INVALID_PLACEMENT', path: `${path}.placement`, nodeId: n.id, message: `node ${n.id}: placement must be a worker name (a NATS subject token of at most 128 characters: no whitespace, '.', '*' or '>'), got ${describe(n.placement)}` });
    }
    if (engine && engine.hasNodeOrWidget(n.id)) add({ code: 'NODE_ID_IN_USE', path, nodeId: n.id, message: `node ${n.id}: the stream engine already has a node or widget with this id (a finished run keeps its widgets until run.release())` });
    const type = registry.get(n.type);
    if (!type) {
      // Node types are few: with none close, all of them.
      const known = registry.list().map((t) => t.type);
      const hint = didYouMean(n.type, known) ?? `known: ${known.join(', ')}`;
      return add({ code: 'UNKNOWN_NODE_TYPE', path, nodeId: n.id, message: `node ${n.id}: unknown type '${n.type}' (${hint})` });
    }
    if (n.config !== undefined && !isObj(n.config)) return add({ code: 'INVALID_NODE_CONFIG', path: `${path}.config`, nodeId: n.id, message: `node ${n.id}: config must be an object` });
    for (const message of nodeConfigProblems(type, n.config ?? {})) add({ code: 'INVALID_NODE_CONFIG', path: `${path}.config`, nodeId: n.id, message: `node ${n.id} (${n.type}): ${message}` });
  });
  const edgeIds = new Map<string, number>();
  // Every edge's id, explicit or default (source.port->target.port), must be unique.
  def.edges.forEach((e, i) => {
    // Only well-formed edges have a default id (the others are reported below); String() on a
    // user value such as a null-prototype object would throw here instead.
    if (!isObj(e) || e.id !== undefined || !str(e.source) || !str(e.sourcePort) || !str(e.target) || !str(e.targetPort)) return;
    edgeIds.set(`${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`, i);
  });
  const tuples = new Map<string, number>();
  const graph = new Map<string, string[]>();
  def.edges.forEach((e, i) => {
    const path = `edges[${i}]`;
    if (!isObj(e) || !str(e.source) || !str(e.sourcePort) || !str(e.target) || !str(e.targetPort)) {
      return add({ code: 'INVALID_DEFINITION', path, message: `${path} must be { id?, source, sourcePort, target, targetPort, config? } with non-empty strings` });
    }
    const edgeId: string = typeof e.id === 'string' ? e.id : `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
    const at = { path, edgeId };
    if (e.id !== undefined) {
      if (!str(e.id)) add({ code: 'INVALID_DEFINITION', ...at, message: `${path}: id must be a non-empty string` });
      else if (edgeIds.has(e.id)) add({ code: 'DUPLICATE_EDGE_ID', ...at, message: `edge ${e.id}: id already used by edges[${edgeIds.get(e.id)}]` });
      else edgeIds.set(e.id, i);
    }
    const key = JSON.stringify([e.source, e.sourcePort, e.target, e.targetPort]);
    if (tuples.has(key)) add({ code: 'DUPLICATE_EDGE', ...at, message: `edge ${edgeId}: the same ports are already connected by edges[${tuples.get(key)}]` });
    tuples.set(key, i);
    if (e.config !== undefined) {
      try {
        validateStreamConfig(e.config as Partial<StreamConfig>, base);
      } catch (err) {
        add({ code: 'INVALID_EDGE_CONFIG', path: `${path}.config`, edgeId, message: `edge ${edgeId}: ${errorMessage(err)}` });
      }
    }
    const src = nodes.get(e.source);
    const dst = nodes.get(e.target);
    if (!src) add({ code: 'MISSING_NODE', ...at, message: `edge ${edgeId}: source node ${e.source} does not exist` });
    if (!dst) add({ code: 'MISSING_NODE', ...at, message: `edge ${edgeId}: target node ${e.target} does not exist` });
    if (!src || !dst) return;
    const out = registry.get(src.type)?.outputs?.[e.sourcePort];
    const inp = registry.get(dst.type)?.inputs?.[e.targetPort];
    const srcType = registry.get(src.type);
    const dstType = registry.get(dst.type);
    if (srcType && !out) add({ code: 'UNKNOWN_PORT', ...at, message: `edge ${edgeId}: node ${e.source} (${src.type}) has no output port '${e.sourcePort}' (outputs: ${Object.keys(srcType.outputs ?? {}).join(', ') || 'none'})` });
    if (dstType && !inp) add({ code: 'UNKNOWN_PORT', ...at, message: `edge ${edgeId}: node ${e.target} (${dst.type}) has no input port '${e.targetPort}' (inputs: ${Object.keys(dstType.inputs ?? {}).join(', ') || 'none'})` });
    if (out && inp) {
      const a = out.type ?? 'any';
      const b = inp.type ?? 'any';
      if (a !== 'any' && b !== 'any' && a !== b) add({ code: 'PORT_TYPE_MISMATCH', ...at, message: `edge ${edgeId}: ${e.source}.${e.sourcePort} carries '${a}' but ${e.target}.${e.targetPort} takes '${b}'` });
    }
    if (e.source === e.target) add({ code: 'CYCLE', ...at, message: `edge ${edgeId}: node ${e.source} connects to itself` });
    else {
      const targets = graph.get(e.source);
      if (targets) targets.push(e.target); // a push, not a copy: a 10k fan-out stays linear
      else graph.set(e.source, [e.target]);
    }
  });
  const cycle = findCycle(graph);
  if (cycle) add({ code: 'CYCLE', path: 'edges', nodeId: cycle[0], message: `the edges form a cycle ${cycle.join(' → ')}: end-of-stream could never reach every node` });
  return problems;
}

/**
 * A cycle of `graph` as its node ids (first id repeated at the end), or null. Depth-first with an
 * explicit stack rather than recursion, so a chain of any length fits: O(nodes + edges).
 */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const DONE = -1;
  // For a node on the current path: its position in `path`; DONE once fully explored.
  const seen = new Map<string, number>();
  const path: string[] = [];
  const next: number[] = []; // per path entry: the index of its next target to explore
  for (const root of graph.keys()) {
    if (seen.has(root)) continue;
    seen.set(root, 0);
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const targets = graph.get(path[top]!) ?? [];
      if (next[top]! === targets.length) {
        seen.set(path.pop()!, DONE);
        next.pop();
        continue;
      }
      const m = targets[next[top]!++]!;
      const at = seen.get(m);
      if (at === undefined) {
        seen.set(m, path.length);
        path.push(m);
        next.push(0);
      } else if (at !== DONE) return [...path.slice(at), m];
    }
  }
  return null;
}

// A node type's validateConfig is the caller's code: a throw or a non-array answer is one
// problem of the node, not an exception out of validate().
function nodeConfigProblems(type: NodeTypeDefinition, config: Readonly<Record<string, unknown>>): string[] {
  try {
    const found = type.validateConfig?.(config) ?? [];
    return Array.isArray(found) ? found.map((m) => (typeof m === 'string' ? m : errorMessage(m))) : [`validateConfig returned ${errorMessage(found)}, not an array of messages`];
  } catch (error) {
    return [`validateConfig threw (${errorMessage(error)})`];
  }
}
