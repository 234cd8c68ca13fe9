import { useLayoutEffect } from 'react';
import { useStreamData } from '../../src/widgets/index.js';

/** What `npm run bench:browser` reads from the page. */
export interface BenchProbe {
  /** Per render: the oldest message new in it (engine clock, epoch ms) and the commit time (epoch ms). */
  commits: { oldest: number; commit: number }[];
}

declare global {
  var __nodeflowBench: BenchProbe | undefined;
}

/**
 * A second subscriber to a dashboard widget with the same interval: it shows the render
 * governor's figures and records, for every render, when its oldest new message was stamped
 * and when the render committed. The bench turns that into message-to-pixel latency with the
 * frame that follows the commit.
 */
export function BenchProbe(props: { streamId: string; updateInterval: number }) {
  const { metrics } = useStreamData(props.streamId, { updateInterval: props.updateInterval });
  useLayoutEffect(() => {
    if (metrics.renderCount === 0) return;
    const probe = (globalThis.__nodeflowBench ??= { commits: [] });
    probe.commits.push({ oldest: metrics.renderedAt - metrics.renderLatency, commit: performance.timeOrigin + performance.now() });
    if (probe.commits.length > 20_000) probe.commits.splice(0, 10_000);
  }, [metrics.renderCount, metrics.renderedAt, metrics.renderLatency]);
  return (
    <span role="status" aria-label="governor" data-throttled={metrics.throttled} style={{ font: '12px ui-monospace, monospace' }}>
      {metrics.updateRate.toFixed(0)} renders/s · interval {metrics.updateInterval.toFixed(0)} ms{metrics.throttled ? ' (throttled: slow frames)' : ''} · {metrics.droppedFrames} frames missed
    </span>
  );
}
