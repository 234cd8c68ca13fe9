import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { mqttInType } from './mqtt-in.js';
import { mqttOutType } from './mqtt-out.js';

/**
 * The MQTT node types, `mqtt in` and `mqtt out` (they load the `mqtt` package on first start).
 *
 * @example
 * ```ts
 * for (const t of mqttNodeTypes) workflowEngine.registerNodeType(t);
 * ```
 */
export const mqttNodeTypes: readonly NodeTypeDefinition[] = [mqttInType, mqttOutType];
export { mqttInType, mqttOutType };
