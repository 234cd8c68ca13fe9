import type { CSSProperties } from 'react';
import type { EngineLike } from './engine-like.js';
import { useEngineMetrics } from './use-engine-metrics.js';
import { useVisible } from './visibility.js';
import { formatNumber } from './format.js';

// Rates and counts in a 7-character column (`50,582`, `1.2M`), latencies with 2 decimals.
const count = (v: number) => formatNumber(v, { maxChars: 7, digits: 0, grouping: true });
const ms = (v: number) => formatNumber(v, { maxChars: 7, digits: 2, grouping: true });
const cell: CSSProperties = { padding: '3px 8px', textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' };

/**
 * Props of {@link MetricsPanel}.
 *
 * @example
 * ```ts
 * const props: MetricsPanelProps = { intervalMs: 500, connectionIds: ['sensor:out->chart:in'] };
 * ```
 */
export interface MetricsPanelProps {
  /** Milliseconds between refreshes of `engine.getMetrics()`. Default 500. */
  intervalMs?: number;
  /** The connections to show, one row each. Default: every connection. */
  connectionIds?: readonly string[];
  /** The engine to read. Default: the one from `<StreamEngineProvider>`. */
  engine?: EngineLike;
  /** Extra styles for the table. */
  style?: CSSProperties;
}

/**
 * A table of live connection figures from `engine.getMetrics()`, refreshed every `intervalMs`
 * (default 500): msg/s in and out, latency p50/p95/p99, buffer utilization, drops and refusals,
 * and the machine state. `connectionIds` limits the rows (default: every connection).
 *
 * @example
 * ```tsx
 * <MetricsPanel intervalMs={500} connectionIds={['sensor:out->chart:in']} />
 * ```
 */
export function MetricsPanel(props: MetricsPanelProps) {
  // Off screen or in a hidden page it stops refreshing, as the data widgets do.
  const [ref, visible] = useVisible<HTMLTableElement>();
  const m = useEngineMetrics(props.intervalMs ?? 500, { engine: props.engine, paused: !visible });
  const ids = props.connectionIds ?? Object.keys(m.connections);
  return (
    <table ref={ref} aria-label="metrics" style={{ borderCollapse: 'collapse', font: '12px system-ui, sans-serif', color: '#1f2328', ...props.style }}>
      <thead>
        <tr style={{ borderBottom: '1px solid #d0d7de' }}>
          {['connection', 'state', 'in/s', 'out/s', 'p50 ms', 'p95 ms', 'p99 ms', 'buffer', 'dropped', 'refused'].map((h) => (
            <th key={h} style={{ ...cell, textAlign: h === 'connection' ? 'left' : 'right' }}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => {
          const c = m.connections[id];
          if (!c) return null;
          const util = c.bufferUtilization;
          return (
            <tr key={id} style={{ borderTop: '1px solid #eaeef2' }} data-connection={id} data-dropped={c.droppedTotal} data-out-per-sec={Math.round(c.metrics.outPerSec)}>
              <td style={{ ...cell, textAlign: 'left' }}>{id}</td>
              <td style={cell}>{c.state}</td>
              <td style={cell}>{count(c.metrics.inPerSec)}</td>
              <td style={cell}>{count(c.metrics.outPerSec)}</td>
              <td style={cell}>{ms(c.metrics.latency.p50)}</td>
              <td style={cell}>{ms(c.metrics.latency.p95)}</td>
              <td style={cell}>{ms(c.metrics.latency.p99)}</td>
              <td style={cell}>
                <span style={{ display: 'inline-block', width: 60, height: 8, background: '#eaeef2', verticalAlign: 'middle' }}>
                  <span style={{ display: 'block', width: `${Math.round(util * 100)}%`, height: 8, background: util > 0.8 ? '#cf222e' : '#0969da' }} />
                </span>{' '}
                {formatNumber(util * 100, { maxChars: 3, digits: 0 })}%
              </td>
              <td style={cell}>{count(c.droppedTotal)}</td>
              <td style={cell}>{count(c.refused)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
