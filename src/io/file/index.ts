import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { fileInType } from './file-in.js';
import { fileOutType } from './file-out.js';

/**
 * The file node types: `file in` (read or tail NDJSON / CSV) and `file out` (append NDJSON,
 * rotate by size); see docs/io-files.md.
 *
 * @example
 * ```ts
 * for (const t of fileNodeTypes) wf.registerNodeType(t);
 * ```
 */
export const fileNodeTypes: readonly NodeTypeDefinition[] = [fileInType, fileOutType];

export { fileInType, fileOutType };
