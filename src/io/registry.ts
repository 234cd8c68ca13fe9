import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import { natsNodeTypes } from './nats/index.js';
import { mqttNodeTypes } from './mqtt/index.js';
import { webNodeTypes } from './web/index.js';
import { fileNodeTypes } from './file/index.js';

/**
 * Every I/O node type of this entry, in palette order.
 *
 * @example
 * ```ts
 * for (const t of ioNodeTypes) console.log(t.type, t.description);
 * ```
 */
export const ioNodeTypes: readonly NodeTypeDefinition[] = [...mqttNodeTypes, ...natsNodeTypes, ...webNodeTypes, ...fileNodeTypes];

/**
 * Registers every I/O node type on a WorkflowEngine (or anything with `registerNodeType`).
 *
 * @example
 * ```ts
 * const wf = new WorkflowEngine();
 * registerIoNodeTypes(wf);
 * await wf.executeWorkflow({ nodes: [{ id: 'in', type: 'mqtt in', config: { url: 'mqtt://127.0.0.1:1883', topic: 'sensors/#' } }, ...], edges: [...] });
 * ```
 */
export function registerIoNodeTypes(target: { registerNodeType(def: NodeTypeDefinition): void }): void {
  for (const t of ioNodeTypes) target.registerNodeType(t);
}
