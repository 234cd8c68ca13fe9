import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { httpInType } from './http-in.js';
import { sseOutType } from './sse-out.js';
import { websocketInType } from './websocket-in.js';
import { websocketOutType } from './websocket-out.js';

/**
 * The web node types: `websocket in`, `websocket out`, `http in`, `sse out` (see docs/io-web.md).
 *
 * @example
 * ```ts
 * for (const t of webNodeTypes) wf.registerNodeType(t);
 * ```
 */
export const webNodeTypes: readonly NodeTypeDefinition[] = [websocketInType, websocketOutType, httpInType, sseOutType];

export { httpInType, sseOutType, websocketInType, websocketOutType };
