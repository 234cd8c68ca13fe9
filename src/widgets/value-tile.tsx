import { numericValue, useWidgetStream, WidgetCard, type StreamWidgetProps } from './card.js';
import { formatNumber } from './format.js';

/**
 * Props of {@link ValueTile}.
 *
 * @example
 * ```ts
 * const props: ValueTileProps = { streamId: 'orders', title: 'Orders/s', unit: '/s', digits: 0 };
 * ```
 */
export interface ValueTileProps extends StreamWidgetProps {
  /** Text after the big number, e.g. `/s` or `ms`. */
  unit?: string;
  /** Decimals to show when the number fits the tile; large numbers drop them, then compact (`1.4M`). Default 2. */
  digits?: number;
}

const STAT = { color: '#57606a', fontSize: 11 } as const;

/**
 * A KPI tile: the latest value large, its change since the previous value, and the window's
 * min / mean / max. Numbers are fitted to the tile: `digits` decimals while they fit, then
 * fewer, then compact notation: with `digits={2}`, 181245.345 shows as `181,245.3` and
 * 2.5e10 as `25G`.
 *
 * @example
 * ```tsx
 * <ValueTile streamId="orders" title="Orders/s" unit="/s" digits={0} />
 * ```
 */
export function ValueTile(props: ValueTileProps) {
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
  const big = formatNumber(last, { maxChars: 9, digits, grouping: true });
  const small = (v: number) => formatNumber(v, { maxChars: 7, digits, grouping: true });
  const stats: [string, number][] = [
    ['min', min],
    ['mean', d.length ? sum / d.length : Number.NaN],
    ['max', max],
  ];
  return (
    <WidgetCard title={props.title ?? props.streamId} stream={stream} cardRef={ref} style={props.style}>
      <div data-testid="kpi-value" title={Number.isFinite(last) ? String(last) : undefined} style={{ fontSize: 28, fontWeight: 600, lineHeight: 1.15, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {big}
        <span style={{ fontSize: 14, fontWeight: 400, color: '#57606a' }}>{props.unit ?? ''}</span>
      </div>
      <div style={{ color: delta >= 0 ? '#1a7f37' : '#cf222e', minHeight: 16 }}>{Number.isFinite(delta) ? `${delta >= 0 ? '▲' : '▼'} ${small(Math.abs(delta))}` : ' '}</div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 4, marginTop: 4, fontVariantNumeric: 'tabular-nums' }}>
        {stats.map(([label, v]) => (
          <div key={label} style={{ minWidth: 0 }}>
            <div style={STAT}>{label}</div>
            <div style={{ whiteSpace: 'nowrap' }}>{small(v)}</div>
          </div>
        ))}
      </div>
    </WidgetCard>
  );
}
