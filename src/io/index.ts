/**
 * `@nodeflow/runtime/io`: node types that connect a flow to the outside world (MQTT, NATS,
 * WebSocket, HTTP, files), and the pieces they share. Node-only (they open sockets and files).
 *
 * @example
 * ```ts
 * import { WorkflowEngine } from '@nodeflow/runtime';
 * import { registerIoNodeTypes } from '@nodeflow/runtime/io';
 * const wf = new WorkflowEngine();
 * registerIoNodeTypes(wf);
 * ```
 * @packageDocumentation
 */
export { Ingress, type IngressOptions, type IngressResult } from './ingress.js';
export { decodePayload, encodePayload, type Decoded, type PayloadFormat } from './payload.js';
export type { InvalidPayload, InvalidPolicy } from './faults.js';
export { ioNodeTypes, registerIoNodeTypes } from './registry.js';
export { natsInType, natsOutType, natsNodeTypes } from './nats/index.js';
export { mqttInType, mqttOutType, mqttNodeTypes } from './mqtt/index.js';
export { webNodeTypes, websocketInType, websocketOutType, httpInType, sseOutType } from './web/index.js';
export { fileNodeTypes, fileInType, fileOutType } from './file/index.js';
