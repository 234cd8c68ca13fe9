import { useEffect, useState, type DependencyList } from 'react';

/**
 * The result of an asynchronous layout (ELK runs async), recomputed when `deps` change; null
 * until the first one resolves. A result that arrives after the deps changed is dropped, so a
 * slow old layout never replaces a newer one.
 *
 * @example
 * ```tsx
 * const layout = useLayout(() => layoutChart(graph), [graph]);
 * ```
 */
export function useLayout<T>(compute: () => Promise<T>, deps: DependencyList): T | null {
  const [layout, setLayout] = useState<T | null>(null);
  useEffect(() => {
    let current = true;
    void compute().then((l) => current && setLayout(l));
    return () => {
      current = false;
    };
    // The caller names what the layout depends on, as with useMemo.
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return layout;
}
