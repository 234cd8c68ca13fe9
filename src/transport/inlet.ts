import { ConfigError } from '../errors.js';
import { checkConfig, text } from '../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import type { ConsumerCarrier } from './carrier.js';
import { InletEnd } from './inlet-end.js';

/**
 * Config of a `transport.inlet` node: the edge it receives.
 *
 * @example
 * ```ts
 * const config: InletConfig = { edge: 'e1' };
 * ```
 */
export interface InletConfig {
  readonly edge: string;
}

/**
 * The `transport.inlet` node type: the consumer end of a workflow edge whose source runs in
 * another process. It asks the carrier `carriers(config)` makes for frames only while its one
 * output connection has room for them whole (an open circuit stops the asking), delivers them in
 * `seq` order without duplicates, and settles each frame once its messages are delivered or
 * dead-lettered there (retries, breaker and dead letters are that connection's own) and, in a
 * relay, once the connections downstream of it in this process settled what they had accepted by
 * then (the relay barrier). A new producer incarnation's first frame opens a gap it moves past
 * once the carrier holds nothing older; frames stalled past a missing one move past it once the
 * carrier's producer end says it is settled (elsewhere). Counters (`framesReceived`, `framesSettled`,
 * `duplicates`, `redelivered`, `deadLettered`, `gapsSkipped`, `settledElsewhere`, `unsettledAtStop`) show in the
 * node's `io.counters`. See docs/semantics.md, "Connections
 * across processes".
 *
 * @example
 * ```ts
 * wf.registerNodeType(inletNodeType(() => carrier.consumer()));
 * await wf.executeWorkflow({
 *   nodes: [{ id: 'i', type: 'transport.inlet', config: { edge: 'e1' } }, { id: 'sink', type: 'sink.collector' }],
 *   edges: [{ source: 'i', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
 * });
 * ```
 */
export function inletNodeType(carriers: (config: Readonly<Record<string, unknown>>) => ConsumerCarrier): NodeTypeDefinition {
  return {
    type: 'transport.inlet',
    description: 'The consumer end of an edge whose source runs in another process: frames in order, once, settled when delivered.',
    kind: 'source',
    outputs: { out: { type: 'any' } },
    validateConfig: (c) => checkConfig(c, { edge: text }).concat(c.edge === undefined ? ['edge is required'] : []),
    create(ctx) {
      const edge = ctx.config.edge;
      if (typeof edge !== 'string' || edge.length === 0) throw new ConfigError('edge', 'a non-empty string', edge);
      return new InletEnd(ctx, edge, carriers(ctx.config));
    },
  };
}
