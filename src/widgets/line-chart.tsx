import { useLayoutEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { optionalPeer } from '../optional-peer.js';
import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';

// uPlot is an optional peer: only LineChart draws with it, so it loads at the first mount and the
// widgets entry imports without it installed.
const loadUPlot = optionalPeer('uplot', '@nodeflow/runtime/widgets (LineChart)', async () => {
  const mod: unknown = await import('uplot');
  return ((mod as { default?: unknown }).default ?? mod) as typeof uPlot;
});

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

// Room for the widest y label (about 7 px a character at uPlot's 12 px font): a fixed width cut
// "201.5K" to "01.5K". uPlot calls this again until the width settles.
const yAxisSize = (_u: uPlot, values: string[] | null): number => Math.max(40, 18 + 7 * Math.max(0, ...(values ?? []).map((v) => String(v).length)));

/**
 * Props of {@link LineChart}: the common streaming-widget props plus its size and axes.
 *
 * @example
 * ```tsx
 * const props: LineChartProps = { streamId: 'chart', width: 480, height: 200, xAxis: 'time' };
 * ```
 */
export interface LineChartProps extends StreamWidgetProps {
  /** Canvas width in CSS pixels (default 480). */
  width?: number;
  /** Canvas height in CSS pixels (default 200). */
  height?: number;
  /** Line colour, any CSS colour (default `#0969da`). */
  color?: string;
  /** `'index'` (default): the last N messages evenly spaced; `'time'`: by message timestamp. */
  xAxis?: 'index' | 'time';
  /**
   * Line width in CSS pixels (default 1). A one-pixel line takes the canvas's fast hairline
   * path: a 1000-point line at width 1.5 costs about ten times more to rasterize in software
   * (measured in Chromium without a GPU: 2.1 against 0.2 ms a frame per chart).
   */
  lineWidth?: number;
}

/**
 * A streaming line chart (uPlot on a canvas) of the window's values, redrawn with `setData` at
 * most once per update interval, no animation. `xAxis` is `'index'` (default: the last N
 * messages, evenly spaced, which reads well at any rate even when a producer stamps a burst
 * with one time) or `'time'` (message timestamps). Library code imports no CSS: the few
 * positioning rules uPlot needs are set inline. Needs the optional peer `uplot`: without it the
 * chart throws a `MISSING_DEPENDENCY` NodeflowError to the nearest error boundary.
 *
 * @example
 * ```tsx
 * <LineChart streamId="chart" title="Sensor" width={480} height={200} bufferSize={1000} xAxis="time" />
 * ```
 */
export function LineChart(props: LineChartProps) {
  const [ref, stream] = useWidgetStream<HTMLDivElement>(props);
  const host = useRef<HTMLDivElement>(null);
  // State, not a ref: the plot arrives after the module loads, and its arrival must redraw.
  const [plot, setPlot] = useState<uPlot | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const width = props.width ?? 480;
  const height = props.height ?? 200;
  const color = props.color ?? '#0969da';
  const time = props.xAxis === 'time';
  const lineWidth = props.lineWidth ?? 1;

  useLayoutEffect(() => {
    const el = host.current!;
    let live = true;
    let u: uPlot | undefined;
    // One catch for a failed load and a failed construction: either reaches the error boundary.
    loadUPlot()
      .then((UPlot) => {
        if (!live) return;
        u = new UPlot(
          {
            width,
            height,
            legend: { show: false },
            cursor: { show: false },
            // The time axis is in seconds; the y scale follows the data.
            scales: { x: { time } },
            series: [{}, { stroke: color, width: lineWidth, points: { show: false } }],
            // Compact y labels (182K, not 182,000): a streaming axis must fit any magnitude.
            axes: [{ size: 30 }, { size: yAxisSize, values: (_u, splits) => splits.map((v) => compact.format(v)) }],
          },
          [[], []],
          el,
        );
        inlineStyles(el);
        setPlot(u);
      })
      .catch((error: unknown) => {
        if (live) setFailure(error);
      });
    return () => {
      live = false;
      u?.destroy();
      setPlot(null);
    };
  }, [width, height, color, time, lineWidth]);

  const value = props.value ?? numericValue;
  useLayoutEffect(() => {
    const u = plot;
    if (!u) return;
    const d = stream.data;
    const xs = new Float64Array(d.length);
    const ys = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      xs[i] = time ? d[i]!.timestamp / 1000 : i - d.length + 1;
      ys[i] = value(d[i]!);
    }
    u.setData([xs as unknown as number[], ys as unknown as number[]]);
  }, [plot, stream.data, value, time]);

  // Thrown during render so an error boundary sees it; a rejected promise alone would be lost.
  if (failure) throw failure;
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <div ref={host} data-points={stream.data.length} />
    </WidgetCard>
  );
}

// uPlot's stylesheet, reduced to what layout needs (the rest is legend and cursor styling).
function inlineStyles(root: HTMLElement): void {
  const wrap = root.querySelector<HTMLElement>('.u-wrap');
  if (wrap) wrap.style.position = 'relative';
  root.querySelectorAll<HTMLElement>('.u-over, .u-under').forEach((e) => (e.style.position = 'absolute'));
  root.querySelectorAll<HTMLElement>('.u-under').forEach((e) => (e.style.overflow = 'hidden'));
  root.querySelectorAll<HTMLElement>('canvas').forEach((c) => (c.style.display = 'block'));
}
