import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';
import { formatNumber, spanDigits } from './format.js';

/**
 * Props of {@link Histogram}.
 *
 * @example
 * ```ts
 * const props: HistogramProps = { streamId: 'latency', bins: 30, width: 240, height: 100 };
 * ```
 */
export interface HistogramProps extends StreamWidgetProps {
  /** Number of equal-width bins over the window's range. Default 20. */
  bins?: number;
  /** Drawing width in px. Default 240. */
  width?: number;
  /** Drawing height in px. Default 100. */
  height?: number;
  /** Bar colour. Default amber. */
  color?: string;
}

/**
 * A histogram of the window's values in `bins` equal bins (default 20) over the window's own
 * range, as SVG bars, with the range's ends and middle under them in short form (`-99.9`,
 * `0`, `1.4M`) so the axis never outgrows the bars.
 *
 * @example
 * ```tsx
 * <Histogram streamId="latency" bins={30} width={240} height={100} />
 * ```
 */
export function Histogram(props: HistogramProps) {
  const [ref, stream] = useWidgetStream<HTMLDivElement>(props);
  const bins = props.bins ?? 20;
  const w = props.width ?? 240;
  const h = props.height ?? 100;
  const value = props.value ?? numericValue;
  const d = stream.data;
  const vs = new Float64Array(d.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = (vs[i] = value(d[i]!));
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  const span = max - min || 1;
  for (let i = 0; i < vs.length; i++) {
    if (Number.isFinite(vs[i]!)) counts[Math.min(bins - 1, Math.floor(((vs[i]! - min) / span) * bins))]!++;
  }
  const top = Math.max(1, ...counts);
  const bw = w / bins;
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <svg width={w} height={h} role="img" aria-label="histogram" style={{ display: 'block' }}>
        {counts.map((c, i) => (
          <rect key={i} x={i * bw + 0.5} y={h - (c / top) * h} width={Math.max(0, bw - 1)} height={(c / top) * h} fill={props.color ?? '#bf8700'} data-count={c} />
        ))}
      </svg>
      <div style={{ display: 'flex', justifyContent: 'space-between', width: w, marginTop: 2, borderTop: '1px solid #d0d7de', paddingTop: 2, color: '#57606a', fontSize: 11, fontVariantNumeric: 'tabular-nums' }}>
        {[min, (min + max) / 2, max].map((v, i) => (
          <span key={i}>{formatNumber(v, { maxChars: 6, digits: spanDigits(max - min) })}</span>
        ))}
      </div>
    </WidgetCard>
  );
}
