import { useEffect, useState } from 'react';

/**
 * Frames per second and the p95 frame time over the last second, from its own
 * `requestAnimationFrame` loop; it renders twice a second. For dashboards that should prove
 * they stay smooth.
 *
 * @example
 * ```tsx
 * <FrameRateMeter />
 * ```
 */
export function FrameRateMeter() {
  const [fig, setFig] = useState({ fps: 0, p95: 0 });
  useEffect(() => {
    if (typeof requestAnimationFrame !== 'function') return;
    const deltas: number[] = [];
    let last = -1;
    let shown = performance.now();
    let handle = requestAnimationFrame(function tick(now) {
      if (last >= 0) deltas.push(now - last);
      if (deltas.length > 60) deltas.shift(); // about the last second
      last = now;
      if (now - shown >= 500 && deltas.length > 0) {
        const sorted = [...deltas].sort((a, b) => a - b);
        const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
        setFig({ fps: 1000 / mean, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0 });
        shown = now;
      }
      handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
  }, []);
  return (
    <span role="status" aria-label="frame rate" data-fps={fig.fps.toFixed(1)} style={{ font: '12px ui-monospace, monospace' }}>
      {fig.fps.toFixed(0)} fps · p95 frame {fig.p95.toFixed(1)} ms
    </span>
  );
}
