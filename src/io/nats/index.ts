import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { natsInType } from './nats-in.js';
import { natsOutType } from './nats-out.js';

export { natsInType } from './nats-in.js';
export { natsOutType } from './nats-out.js';

/**
 * The NATS node types, `nats in` and `nats out` (core subjects and JetStream streams). nats.js
 * (`@nats-io/transport-node`, `@nats-io/jetstream`) loads when a node first connects.
 *
 * @example
 * ```ts
 * for (const t of natsNodeTypes) workflowEngine.registerNodeType(t);
 * ```
 */
export const natsNodeTypes: readonly NodeTypeDefinition[] = [natsInType, natsOutType];
