import { NodeflowError } from '../errors.js';
import type { NodeContext } from '../actors/workflow/node-types.js';
import type { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import type { WorkflowDefinition } from '../actors/workflow/definition.js';
import type { ConsumerCarrier, ProducerCarrier } from '../transport/carrier.js';
import { inletNodeType } from '../transport/inlet.js';
import { OutletReadouts, outletNodeType, type OutletReadout } from '../transport/outlet.js';
import { INLET_TYPE, OUTLET_TYPE } from './split.js';

/**
 * The carriers of one run's edges, by edge key: what a process binds before it builds its part.
 *
 * @example
 * ```ts
 * const carriers: RunCarriers = (key, maxFrames) => jetStreamCarriers({ connection, run, edge: key, maxFrames });
 * ```
 */
export type RunCarriers = (key: string, maxFrames: number) => { producer(): ProducerCarrier; consumer(): ConsumerCarrier };

// A stand-in's `edge` config once bound to a run: `<run>/<key>` (unique per engine, so two runs
// on one worker never share an outlet's readout).
const bound = (run: string, key: string) => `${run}/${key}`;

/**
 * The outlet and inlet node types of one WorkflowEngine, registered once, routing each stand-in
 * to the carriers of its run; and the inlets' contexts, so the end of a stream that crossed
 * (its outlet completed in another process) can end the inlet here.
 *
 * @example
 * ```ts
 * const s = standIns(wf);
 * const part = s.bind(run, carriers, maxFrames, definition);
 * ```
 * @internal
 */
export class StandIns {
  readonly readouts = new OutletReadouts();
  private readonly runs = new Map<string, { carriers: RunCarriers; maxFrames: Map<string, number> }>();
  private readonly inlets = new Map<string, NodeContext>();

  constructor(wf: WorkflowEngine) {
    wf.registerNodeType(outletNodeType((c) => this.carriers(c.edge).producer(), this.readouts));
    const inlet = inletNodeType((c) => this.carriers(c.edge).consumer());
    wf.registerNodeType({
      ...inlet,
      create: (ctx) => {
        this.inlets.set(ctx.config.edge as string, ctx);
        return inlet.create(ctx);
      },
    });
  }

  /** Routes run `run`'s stand-ins to `carriers`; returns the part with their configs bound. */
  bind(run: string, carriers: RunCarriers, definition: WorkflowDefinition): WorkflowDefinition {
    const maxFrames = new Map<string, number>();
    const nodes = definition.nodes.map((n) => {
      if (n.type !== OUTLET_TYPE && n.type !== INLET_TYPE) return n;
      const key = String(n.config?.edge);
      if (n.type === OUTLET_TYPE) maxFrames.set(key, Number(n.config?.maxFrames));
      return { ...n, config: { ...n.config, edge: bound(run, key) } };
    });
    // An inlet learns its bound from the edge's StreamConfig, as the outlet did.
    for (const e of definition.edges) {
      const inlet = nodes.find((n) => n.id === e.source && n.type === INLET_TYPE);
      if (inlet && e.config?.bufferSize !== undefined && e.config.maxBatchSize !== undefined) maxFrames.set(String(inlet.config?.edge).split('/')[1]!, Math.ceil(e.config.bufferSize / e.config.maxBatchSize));
    }
    this.runs.set(run, { carriers, maxFrames });
    return { ...definition, nodes };
  }

  /** Forgets run `run` (after its part has finished). */
  unbind(run: string): void {
    this.runs.delete(run);
    for (const edge of this.inlets.keys()) if (edge.startsWith(`${run}/`)) this.inlets.delete(edge);
  }

  /** The outlet readout of edge `key` of run `run` in this process. */
  readout(run: string, key: string): OutletReadout | undefined {
    return this.readouts.get(bound(run, key));
  }

  /** Ends the inlet of edge `key` (its stream ended at the far end). False if it is not here. */
  end(run: string, key: string): boolean {
    const ctx = this.inlets.get(bound(run, key));
    if (!ctx) return false;
    this.inlets.delete(bound(run, key));
    ctx.complete();
    return true;
  }

  private carriers(edge: unknown) {
    const [run, key] = String(edge).split('/') as [string, string];
    const r = this.runs.get(run);
    if (!r || key === undefined) throw new NodeflowError('INVALID_ARGUMENT', `no cluster run binds stand-in edge ${String(edge)}`, { edge });
    return r.carriers(key, r.maxFrames.get(key) ?? 1);
  }
}

const registered = new WeakMap<WorkflowEngine, StandIns>();

/**
 * The StandIns of `wf`, registering the two node types on first use.
 *
 * @example
 * ```ts
 * standIns(wf).end(run, 'e1');
 * ```
 * @internal
 */
export function standIns(wf: WorkflowEngine): StandIns {
  let s = registered.get(wf);
  if (!s) registered.set(wf, (s = new StandIns(wf)));
  return s;
}
