import { NodeflowError } from '../errors.js';
import type { LoadSpec } from './protocol.js';
import type { ThreadFn } from './worker-core.js';

/**
 * What a node on a worker thread runs there (functions cannot be cloned, so they cross by name
 * or by text):
 * - `module`: the export `export` of the module `module` (a `file:` URL, `import.meta.resolve`d
 *   specifier or package name the worker can import): works for any function, closures included;
 * - `function`: a self-contained function, sent as its source text and rebuilt on the worker
 *   with only globals in scope. A name it takes from its enclosing scope does not exist there:
 *   the batch fails with `THREAD_FUNCTION_NOT_PORTABLE` (retried, then dead-lettered). A bound
 *   or native function, a class or a method shorthand is refused at once with that code.
 *
 * @example
 * ```ts
 * const a: ThreadWork = { kind: 'module', module: new URL('./heavy.js', import.meta.url).href, export: 'heavy' };
 * const b: ThreadWork = { kind: 'function', fn: (values) => values.map((v) => (v as number) * 2) };
 * ```
 */
export type ThreadWork = { readonly kind: 'module'; readonly module: string | URL; readonly export: string } | { readonly kind: 'function'; readonly fn: ThreadFn };

/**
 * The load spec a worker gets for `work`; throws `THREAD_FUNCTION_NOT_PORTABLE` or
 * `INVALID_ARGUMENT` for work that cannot cross.
 *
 * @example
 * ```ts
 * loadSpec({ kind: 'function', fn: (v) => v }); // { kind: 'source', source: '(v) => v' }
 * ```
 * @internal
 */
export function loadSpec(work: ThreadWork): LoadSpec {
  const shapes = 'thread work must be { kind: "module", module, export } or { kind: "function", fn }';
  if (typeof work !== 'object' || work === null) throw new NodeflowError('INVALID_ARGUMENT', shapes, { field: 'work' });
  if (work.kind !== 'module' && work.kind !== 'function') throw new NodeflowError('INVALID_ARGUMENT', `${shapes}; got kind ${JSON.stringify((work as { kind?: unknown }).kind)}`, { field: 'work.kind' });
  // A misspelt key (modul, exprot, func) would otherwise be a confusing "needs ..." below, or ignored.
  const known = work.kind === 'module' ? ['kind', 'module', 'export'] : ['kind', 'fn'];
  const extra = Object.keys(work).filter((k) => !known.includes(k));
  if (extra.length > 0) throw new NodeflowError('INVALID_ARGUMENT', `thread work { kind: "${work.kind}" } takes ${known.join(', ')}; unknown: ${extra.join(', ')}`, { field: 'work', unknown: extra });
  if (work.kind === 'module') {
    const module = work.module instanceof URL ? work.module.href : work.module;
    if (typeof module !== 'string' || module.length === 0 || typeof work.export !== 'string') throw new NodeflowError('INVALID_ARGUMENT', 'thread work { kind: "module" } needs a module specifier and an export name', { field: 'work' });
    return { kind: 'module', module, export: work.export };
  }
  if (typeof work.fn !== 'function') throw new NodeflowError('INVALID_ARGUMENT', 'thread work { kind: "function" } needs fn', { field: 'work' });
  const source = Function.prototype.toString.call(work.fn);
  if (source.includes('[native code]')) throw notPortable('a bound or native function has no source to send to a worker; export it from a module instead');
  if (/^class\b/.test(source)) throw notPortable('a class cannot run as a thread function');
  try {
    // The same text the worker evaluates: a method shorthand (`run(v) { ... }`) is no expression.
    new Function(`"use strict"; return (${source});`);
  } catch {
    throw notPortable(`the function's source is not a standalone expression (a method shorthand?): ${source.slice(0, 60)}`);
  }
  return { kind: 'source', source };
}

/**
 * A failure of a function sent by its text that means it was not self-contained (a name from its
 * enclosing scope), as the typed error; any other error unchanged.
 *
 * @example
 * ```ts
 * portableError(spec, new ReferenceError('factor is not defined')).code; // 'THREAD_FUNCTION_NOT_PORTABLE' for a source function
 * ```
 * @internal
 */
export function portableError(spec: LoadSpec, error: Error): Error {
  if (spec.kind !== 'source' || error.name !== 'ReferenceError') return error;
  return notPortable(`the thread function uses a name that does not exist on the worker (${error.message}): it must be self-contained, or exported from a module`);
}

function notPortable(why: string): NodeflowError {
  return new NodeflowError('THREAD_FUNCTION_NOT_PORTABLE', why);
}
