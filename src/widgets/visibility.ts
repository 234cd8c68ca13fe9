import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

function subscribeVisibility(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

/**
 * True while the page is visible (`document.visibilityState`); always true without a DOM.
 *
 * @example
 * ```tsx
 * const visible = useDocumentVisible(); // false in a background tab
 * ```
 */
export function useDocumentVisible(): boolean {
  return useSyncExternalStore(
    typeof document === 'undefined' ? () => () => {} : subscribeVisibility,
    () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
    () => true,
  );
}

/**
 * A ref callback and whether its element is on screen (IntersectionObserver) in a visible
 * page. Widgets pass `paused: !visible` to `useStreamData`, so an off-screen widget costs no
 * renders. Where IntersectionObserver is missing the element counts as visible.
 *
 * @example
 * ```tsx
 * const [ref, visible] = useVisible<HTMLDivElement>();
 * const { data } = useStreamData('chart', { paused: !visible });
 * return <div ref={ref}>{data.length}</div>;
 * ```
 */
export function useVisible<E extends Element>(): [(el: E | null) => void, boolean] {
  const page = useDocumentVisible();
  const [el, setEl] = useState<E | null>(null);
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setOnScreen(entries[entries.length - 1]!.isIntersecting));
    io.observe(el);
    return () => io.disconnect();
  }, [el]);
  const ref = useCallback((node: E | null) => setEl(node), []);
  return [ref, page && onScreen];
}
