import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';

// elkjs is CommonJS: Node hands back module.exports, TypeScript sees a namespace with `default`.
const ElkLayout = ((elkModule as unknown as { default?: unknown }).default ?? elkModule) as new () => ELK;
let elk: ELK | undefined;

/**
 * Runs ELK on the main thread (the bundled build: no worker file to serve), one shared
 * instance created on first use. Layouts are small (a machine, a topology), so a worker would
 * cost more than it saves. @internal
 *
 * @example
 * ```ts
 * const out = await runElk({ id: 'g', children: [{ id: 'a', width: 10, height: 10 }], edges: [] });
 * ```
 */
export function runElk(graph: ElkNode): Promise<ElkNode> {
  elk ??= new ElkLayout();
  return elk.layout(graph);
}
