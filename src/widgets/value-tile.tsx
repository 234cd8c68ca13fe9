import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';

/**
 * A KPI tile: the latest value large, its change since the previous render's value, and the
 * window's min / mean / max.
 *
 * @example
 * ```tsx
 * <ValueTile streamId="orders" title="Orders/s" unit="/s" digits={0} />
 * ```
 */
export function ValueTile(props: StreamWidgetProps & { unit?: string; digits?: number }) {
  const [ref, stream] = useWidgetStream<HTMLDivElement>(props);
  const value = props.value ?? numericValue;
  const digits = props.digits ?? 2;
  const d = stream.data;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const v = value(d[i]!);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const last = d.length > 0 ? value(d[d.length - 1]!) : Number.NaN;
  const prev = d.length > 1 ? value(d[d.length - 2]!) : Number.NaN;
  const delta = last - prev;
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <div data-testid="kpi-value" style={{ fontSize: 28, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>
        {fmt(last)}
        <span style={{ fontSize: 14, fontWeight: 400 }}>{props.unit ?? ''}</span>
      </div>
      <div style={{ color: delta >= 0 ? '#1a7f37' : '#cf222e' }}>{Number.isFinite(delta) ? `${delta >= 0 ? '▲' : '▼'} ${fmt(Math.abs(delta))}` : ' '}</div>
      <div style={{ color: '#57606a' }}>
        min {fmt(min)} · mean {fmt(d.length ? sum / d.length : Number.NaN)} · max {fmt(max)}
      </div>
    </WidgetCard>
  );
}
