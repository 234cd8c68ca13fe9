import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';
import { formatNumber } from './format.js';

/**
 * Props of {@link Gauge}.
 *
 * @example
 * ```ts
 * const props: GaugeProps = { streamId: 'temp', min: -20, max: 40, unit: '°C' };
 * ```
 */
export interface GaugeProps extends StreamWidgetProps {
  /** The value at the start of the arc. Default 0. */
  min?: number;
  /** The value at the end of the arc. Default 100. */
  max?: number;
  /** Text after the number, e.g. `°C` or `%`. */
  unit?: string;
  /** Width of the drawing in px (the card adds its padding). Default 120. */
  size?: number;
}

/**
 * A 270° SVG gauge of the latest value between `min` and `max`; no easing (a gauge that
 * animates shows a value that never existed). The arc stops at its ends, the number in the
 * middle is always the true value, compacted to fit inside the arc (`140k`, `1.4M`), and turns
 * red with a ▲ or ▼ when the value lies past `max` or `min`.
 *
 * @example
 * ```tsx
 * <Gauge streamId="temp" min={-1} max={1} unit="°C" />
 * ```
 */
export function Gauge(props: GaugeProps) {
  const [ref, stream] = useWidgetStream<HTMLDivElement>({ ...props, bufferSize: 1 });
  const min = props.min ?? 0;
  const max = props.max ?? 100;
  const size = props.size ?? 120;
  const latest = stream.latest;
  const v = latest ? (props.value ?? numericValue)(latest) : Number.NaN;
  const raw = (v - min) / (max - min || 1);
  const f = Number.isFinite(v) ? Math.min(1, Math.max(0, raw)) : 0;
  const past = !Number.isFinite(v) ? null : raw > 1 ? '▲' : raw < 0 ? '▼' : null;
  const r = size / 2 - 8;
  const c = size / 2;
  const arc = (t: number) => {
    const a = ((135 + 270 * t) * Math.PI) / 180;
    return `${(c + r * Math.cos(a)).toFixed(2)},${(c + r * Math.sin(a)).toFixed(2)}`;
  };
  const track = `M${arc(0)} A${r},${r} 0 1 1 ${arc(1)}`;
  const fill = f > 0 ? `M${arc(0)} A${r},${r} 0 ${f * 270 > 180 ? 1 : 0} 1 ${arc(f)}` : '';
  // The number sits inside the arc: its room is about the inner diameter, less the unit.
  const font = Math.max(12, Math.round(size / 6.5));
  const room = Math.max(4, Math.floor((2 * (r - 6)) / (font * 0.6)) - (props.unit?.length ?? 0));
  const text = formatNumber(v, { maxChars: Math.min(room, 5) });
  // The arc's ends sit at 135° and 45°, r·sin 45° below the centre; their labels go under them.
  const bottom = c + r * Math.SQRT1_2;
  const end = (t: number, value: number) => {
    const a = ((135 + 270 * t) * Math.PI) / 180;
    return (
      <text x={c + r * Math.cos(a)} y={bottom + 16} textAnchor="middle" fontSize={10} fill="#57606a">
        {formatNumber(value, { maxChars: 5 })}
      </text>
    );
  };
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <svg width={size} height={Math.ceil(bottom + 20)} role="meter" aria-valuemin={min} aria-valuemax={max} aria-valuenow={Number.isFinite(v) ? v : undefined} aria-valuetext={`${text}${props.unit ?? ''}`} style={{ display: 'block', margin: '0 auto', overflow: 'visible' }} fontFamily="system-ui, sans-serif">
        <title>{Number.isFinite(v) ? `${v}${props.unit ?? ''} (range ${min} to ${max})` : 'no data yet'}</title>
        <path d={track} fill="none" stroke="#d0d7de" strokeWidth={8} strokeLinecap="round" />
        {/* Always present (an empty d draws nothing): a gauge crossing its minimum every few
            frames changes attributes, never the element tree, so nothing observing the DOM's
            children (devtools, Storybook's highlighter) rescans the page per update. */}
        <path d={fill} fill="none" stroke={past || f > 0.85 ? '#cf222e' : '#1a7f37'} strokeWidth={8} strokeLinecap="round" />
        <text x={c} y={c + font / 3} textAnchor="middle" fontSize={font} fontWeight={600} fill={past ? '#cf222e' : '#1f2328'} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {text}
          <tspan fontSize={font * 0.6} fontWeight={400}>
            {props.unit ?? ''}
          </tspan>
        </text>
        <text x={c} y={c + font / 3 + 14} textAnchor="middle" fontSize={10} fill="#cf222e" visibility={past ? 'visible' : 'hidden'} aria-hidden={past ? undefined : true}>
          {past === '▼' ? '▼ below min' : '▲ above max'}
        </text>
        {end(0, min)}
        {end(1, max)}
      </svg>
    </WidgetCard>
  );
}
