import { ConfigError } from '../errors.js';
import { atLeastOne, checkConfig, text } from '../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { StreamConfig } from '../config.js';
import type { ProducerCarrier } from './carrier.js';
import { OutletEnd, type OutletReadout } from './outlet-end.js';

export type { OutletReadout } from './outlet-end.js';

/**
 * Config of a `transport.outlet` node: the edge it carries (`edge`, unique per run) and, when
 * the default does not suit the carrier, the most frames outstanding at once.
 *
 * @example
 * ```ts
 * const config: OutletConfig = { edge: 'e1' };
 * ```
 */
export interface OutletConfig {
  readonly edge: string;
  /** Default: `framesFor(config)` of the connection into the outlet. */
  readonly maxFrames?: number;
}

const rules = { edge: text, maxFrames: atLeastOne };

/**
 * The most frames outstanding on an edge with this StreamConfig: `ceil(bufferSize /
 * maxBatchSize)`, what the carrier's server must be able to hold (JetStream's
 * `max_msgs_per_subject`).
 *
 * @example
 * ```ts
 * framesFor({ bufferSize: 1000, maxBatchSize: 50 }); // 20
 * ```
 */
export function framesFor(config: Pick<StreamConfig, 'bufferSize' | 'maxBatchSize'>): number {
  return Math.ceil(config.bufferSize / config.maxBatchSize);
}

/**
 * The readouts of the outlets an engine runs, by edge: exact at the moment they are read, and
 * kept after the run ends (with what was abandoned at a stop).
 *
 * @example
 * ```ts
 * const outlets = new OutletReadouts();
 * wf.registerNodeType(outletNodeType((c) => carrierFor(c), outlets));
 * outlets.get('e1')?.outstandingFrames;
 * ```
 */
export class OutletReadouts {
  private readonly ends = new Map<string, OutletEnd>();

  /** The producer end of `edge` as it stands now, or undefined if no outlet carries it here. */
  get(edge: string): OutletReadout | undefined {
    return this.ends.get(edge)?.readout();
  }

  /** Every edge's readout. */
  all(): OutletReadout[] {
    return [...this.ends.values()].map((e) => e.readout());
  }

  /** @internal */
  add(edge: string, end: OutletEnd): void {
    this.ends.set(edge, end);
  }
}

/**
 * The `transport.outlet` node type: the producer end of a workflow edge whose target runs in
 * another process. Each batch its input connection delivers becomes one frame on the carrier
 * `carriers(config)` makes (seqs from this incarnation's base, past any predecessor's; the first
 * frame flagged `first`); a frame stays outstanding, and its messages in that connection's
 * occupancy (watermarks, `writer.ready`, full), until the far end settles it; at `maxFrames`
 * outstanding the delivery waits, so the producer's mailbox fills and its overflow strategy
 * applies. Counters (`framesSent`, `framesSettled`, `settledMessages`, `deadLettered`,
 * `abandoned`) show in the node's `io.counters`. See docs/semantics.md, "Connections across
 * processes".
 *
 * @example
 * ```ts
 * const carrier = memoryCarrier();
 * wf.registerNodeType(outletNodeType(() => carrier.producer()));
 * await wf.executeWorkflow({
 *   nodes: [{ id: 'src', type: 'source.sequential', config: { count: 100 } }, { id: 'o', type: 'transport.outlet', config: { edge: 'e1' } }],
 *   edges: [{ source: 'src', sourcePort: 'out', target: 'o', targetPort: 'in' }],
 * });
 * ```
 */
export function outletNodeType(carriers: (config: Readonly<Record<string, unknown>>) => ProducerCarrier, readouts?: OutletReadouts): NodeTypeDefinition {
  return {
    type: 'transport.outlet',
    description: 'The producer end of an edge whose target runs in another process: one frame per batch, outstanding until the far end settles it.',
    kind: 'sink',
    inputs: { in: { type: 'any' } },
    validateConfig: (c) => checkConfig(c, rules).concat(c.edge === undefined ? ['edge is required'] : []),
    create(ctx) {
      const c = ctx.config;
      if (typeof c.edge !== 'string' || c.edge.length === 0) throw new ConfigError('edge', 'a non-empty string', c.edge);
      const end = new OutletEnd(ctx, c.edge, c.maxFrames as number | undefined, carriers(c));
      readouts?.add(c.edge, end);
      return end;
    },
  };
}
