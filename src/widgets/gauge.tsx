import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';

/**
 * A 270° SVG gauge of the latest value between `min` and `max`; no easing (a gauge that
 * animates shows a value that never existed).
 *
 * @example
 * ```tsx
 * <Gauge streamId="temp" min={-1} max={1} unit="°C" />
 * ```
 */
export function Gauge(props: StreamWidgetProps & { min?: number; max?: number; unit?: string; size?: number }) {
  const [ref, stream] = useWidgetStream<HTMLDivElement>({ ...props, bufferSize: 1 });
  const min = props.min ?? 0;
  const max = props.max ?? 100;
  const size = props.size ?? 120;
  const latest = stream.latest;
  const v = latest ? (props.value ?? numericValue)(latest) : Number.NaN;
  const f = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - min) / (max - min || 1))) : 0;
  const r = size / 2 - 8;
  const c = size / 2;
  const arc = (t: number) => {
    const a = ((135 + 270 * t) * Math.PI) / 180;
    return `${(c + r * Math.cos(a)).toFixed(2)},${(c + r * Math.sin(a)).toFixed(2)}`;
  };
  const track = `M${arc(0)} A${r},${r} 0 1 1 ${arc(1)}`;
  const fill = f > 0 ? `M${arc(0)} A${r},${r} 0 ${f * 270 > 180 ? 1 : 0} 1 ${arc(f)}` : '';
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <svg width={size} height={size * 0.85} role="meter" aria-valuemin={min} aria-valuemax={max} aria-valuenow={Number.isFinite(v) ? v : undefined}>
        <path d={track} fill="none" stroke="#d0d7de" strokeWidth={8} strokeLinecap="round" />
        {fill && <path d={fill} fill="none" stroke={f > 0.85 ? '#cf222e' : '#1a7f37'} strokeWidth={8} strokeLinecap="round" />}
        <text x={c} y={c + 4} textAnchor="middle" fontSize={16} fontFamily="system-ui, sans-serif">
          {Number.isFinite(v) ? v.toFixed(2) : '–'}
          {props.unit ?? ''}
        </text>
      </svg>
    </WidgetCard>
  );
}
