import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import { optionalPeer } from '../optional-peer.js';

// elkjs is an optional peer (7.9 MB): it loads at the first layout, so importing this entry, or
// using only its SVG, Mermaid and remote helpers, works without it installed.
const loadElk = optionalPeer('elkjs', '@nodeflow/runtime/inspect', async () => {
  const mod: unknown = await import('elkjs/lib/elk.bundled.js');
  // elkjs is CommonJS: Node and Vite put module.exports (the class) on `default`; a bundler
  // that unwraps it hands back the class itself.
  const ElkLayout = ((mod as { default?: unknown }).default ?? mod) as new () => ELK;
  return new ElkLayout();
});

/**
 * Runs ELK on the main thread (the bundled build: no worker file to serve), one shared
 * instance created on first use. Layouts are small (a machine, a topology), so a worker would
 * cost more than it saves. Rejects with a `MISSING_DEPENDENCY` NodeflowError when elkjs is not
 * installed. @internal
 *
 * @example
 * ```ts
 * const out = await runElk({ id: 'g', children: [{ id: 'a', width: 10, height: 10 }], edges: [] });
 * ```
 */
export async function runElk(graph: ElkNode): Promise<ElkNode> {
  const elk = await loadElk();
  return elk.layout(graph);
}
