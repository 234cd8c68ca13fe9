import type { ConnectionStats } from '../actors/types.js';
import type { WorkflowDefinition } from '../actors/workflow/definition.js';
import type { WorkflowRun } from '../actors/workflow/run.js';
import type { EdgeEnd, Sample } from './protocol.js';
import { INLET_TYPE, OUTLET_TYPE } from './split.js';
import type { StandIns } from './stand-ins.js';

/**
 * One end of an edge that crosses, as a part holds it: the edge's id, its key, which side, and
 * the stand-in node.
 *
 * @example
 * ```ts
 * const ends = partEnds(part.definition); // [{ edgeId: 'src.out->work.in', key: 'e0', side: 'producer', nodeId: 'src.out->work.in⇥' }]
 * ```
 * @internal
 */
export interface PartEnd {
  readonly edgeId: string;
  readonly key: string;
  readonly side: 'producer' | 'consumer';
  readonly nodeId: string;
}

/**
 * The ends of edges that cross in a part (read from its stand-in nodes, before binding).
 *
 * @example
 * ```ts
 * partEnds(def).filter((e) => e.side === 'consumer');
 * ```
 * @internal
 */
export function partEnds(def: WorkflowDefinition): PartEnd[] {
  const out: PartEnd[] = [];
  for (const n of def.nodes) {
    if (n.type !== OUTLET_TYPE && n.type !== INLET_TYPE) continue;
    const side = n.type === OUTLET_TYPE ? 'producer' : 'consumer';
    const e = def.edges.find((x) => (side === 'producer' ? x.target : x.source) === n.id);
    if (e) out.push({ edgeId: e.id ?? '', key: String(n.config?.edge), side, nodeId: n.id });
  }
  return out;
}

/**
 * A sample of one process's part: status, every edge's stats, and its ends of edges that cross
 * (the outlet's readout, or the inlet's counters), all read in one synchronous step so the
 * producer side's counters obey the conservation identity together.
 *
 * @example
 * ```ts
 * const s = takeSample(run, { run: 'r', worker: 'w1', seq: 3, incarnation }, ends, standIns(wf));
 * ```
 * @internal
 */
export function takeSample(run: WorkflowRun, meta: Pick<Sample, 'run' | 'worker' | 'seq' | 'incarnation'>, ends: readonly PartEnd[], stand: StandIns): Sample {
  const status = run.status();
  const metrics = run.metrics();
  const edges: Record<string, ConnectionStats> = {};
  for (const [id, s] of Object.entries(metrics.edges)) {
    const { connectionId: _c, ...stats } = s;
    edges[id] = stats;
  }
  const out: Record<string, EdgeEnd> = {};
  for (const e of ends) {
    if (e.side === 'producer') {
      const r = stand.readout(meta.run, e.key);
      const counters: Record<string, number> = {};
      if (r) for (const [k, v] of Object.entries(r)) if (typeof v === 'number') counters[k] = v;
      out[e.edgeId] = { side: 'producer', counters };
    } else out[e.edgeId] = { side: 'consumer', counters: { ...status.nodes[e.nodeId]?.io?.counters } };
  }
  return { ...meta, at: Date.now(), state: status.state, nodes: status.nodes, edges, ends: out };
}
