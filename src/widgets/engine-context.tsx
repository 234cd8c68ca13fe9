import { createContext, useContext, type ReactNode } from 'react';
import { NodeflowError } from '../errors.js';
import type { EngineLike } from './engine-like.js';

const EngineContext = createContext<EngineLike | null>(null);

/**
 * Makes an engine available to every widget hook below it: a `StreamEngine`, or any
 * {@link EngineLike} (such as a mirror of a remote engine). Hooks also take an explicit
 * `engine` option, which wins over the provider.
 *
 * @example
 * ```tsx
 * const engine = new StreamEngine();
 * root.render(<StreamEngineProvider engine={engine}><Dashboard /></StreamEngineProvider>);
 * ```
 */
export function StreamEngineProvider(props: { engine: EngineLike; children?: ReactNode }) {
  return <EngineContext.Provider value={props.engine}>{props.children}</EngineContext.Provider>;
}

/**
 * The engine to use: `explicit` if given, else the nearest provider's; throws a
 * `NodeflowError('INVALID_ARGUMENT')` when there is neither.
 *
 * @example
 * ```tsx
 * function Count() {
 *   const engine = useStreamEngine();
 *   return <span>{engine.getMetrics().totals.delivered}</span>;
 * }
 * ```
 */
export function useStreamEngine(explicit?: EngineLike): EngineLike {
  const fromContext = useContext(EngineContext);
  const engine = explicit ?? fromContext;
  if (!engine) {
    throw new NodeflowError('INVALID_ARGUMENT', 'No StreamEngine: wrap the tree in <StreamEngineProvider engine={...}> or pass { engine }');
  }
  return engine;
}
