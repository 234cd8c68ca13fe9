import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';

/**
 * Props of {@link Sparkline}.
 *
 * @example
 * ```ts
 * const props: SparklineProps = { streamId: 'cpu', points: 60, width: 160, height: 32 };
 * ```
 */
export interface SparklineProps extends StreamWidgetProps {
  /** How many recent values the line shows (also its window size). Default 120. */
  points?: number;
  /** Drawing width in px. Default 160. */
  width?: number;
  /** Drawing height in px. Default 32. */
  height?: number;
  /** Line colour. Default purple. */
  color?: string;
}

/**
 * A small SVG trend line of the last `points` values (default 120), scaled to its own range.
 *
 * @example
 * ```tsx
 * <Sparkline streamId="cpu" points={60} width={160} height={32} />
 * ```
 */
export function Sparkline(props: SparklineProps) {
  const points = props.points ?? 120;
  const [ref, stream] = useWidgetStream<HTMLDivElement>({ ...props, bufferSize: Math.min(points, props.bufferSize ?? points) });
  const w = props.width ?? 160;
  const h = props.height ?? 32;
  const value = props.value ?? numericValue;
  const d = stream.data;
  let min = Infinity;
  let max = -Infinity;
  const vs = new Array<number>(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = value(d[i]!);
    vs[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const step = d.length > 1 ? w / (points - 1) : 0;
  const x0 = w - step * (d.length - 1);
  let path = '';
  for (let i = 0; i < vs.length; i++) path += `${i === 0 ? 'M' : 'L'}${(x0 + i * step).toFixed(1)},${(h - 1 - ((vs[i]! - min) / span) * (h - 2)).toFixed(1)}`;
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <svg width={w} height={h} role="img" aria-label="sparkline" style={{ display: 'block' }}>
        <path d={path} fill="none" stroke={props.color ?? '#8250df'} strokeWidth={1.5} />
      </svg>
    </WidgetCard>
  );
}
