import { errorMessage, NodeflowError } from './errors.js';

/**
 * Wraps the dynamic import of an optional peer dependency (elkjs, uPlot) so the entry that
 * uses it still imports without it: the module loads on the first call, once, and the promise
 * is shared. A failed load rejects with a `MISSING_DEPENDENCY` NodeflowError that names the
 * package to install; it is not cached, so a later call retries (say, after a hot reload).
 *
 * `load` must hold the literal `import('…')`: bundlers only see specifiers written out. @internal
 *
 * @example
 * ```ts
 * const loadElk = optionalPeer('elkjs', '@nodeflow/runtime/inspect', () => import('elkjs/lib/elk.bundled.js'));
 * const elk = await loadElk(); // rejects with code MISSING_DEPENDENCY if elkjs is not installed
 * ```
 */
export function optionalPeer<T>(name: string, entry: string, load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((cause: unknown) => {
      pending = undefined;
      throw new NodeflowError(
        'MISSING_DEPENDENCY',
        `${entry} needs ${name}, an optional peer dependency, and could not load it: run \`npm install ${name}\` (${errorMessage(cause)})`,
        { dependency: name, cause },
      );
    }));
}
