import type { CSSProperties } from 'react';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { useEngineMetrics } from './use-engine-metrics.js';
import { useVisible } from './visibility.js';

const fmt = (v: number, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const cell: CSSProperties = { padding: '2px 6px', textAlign: 'right', fontVariantNumeric: 'tabular-nums' };

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
export function MetricsPanel(props: { intervalMs?: number; connectionIds?: readonly string[]; engine?: StreamEngine; style?: CSSProperties }) {
  // Off screen or in a hidden page it stops refreshing, as the data widgets do.
  const [ref, visible] = useVisible<HTMLTableElement>();
  const m = useEngineMetrics(props.intervalMs ?? 500, { engine: props.engine, paused: !visible });
  const ids = props.connectionIds ?? Object.keys(m.connections);
  return (
    <table ref={ref} aria-label="metrics" style={{ borderCollapse: 'collapse', font: '12px system-ui, sans-serif', ...props.style }}>
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
            <tr key={id} data-connection={id} data-dropped={c.droppedTotal} data-out-per-sec={Math.round(c.metrics.outPerSec)}>
              <td style={{ ...cell, textAlign: 'left' }}>{id}</td>
              <td style={cell}>{c.state}</td>
              <td style={cell}>{fmt(c.metrics.inPerSec)}</td>
              <td style={cell}>{fmt(c.metrics.outPerSec)}</td>
              <td style={cell}>{fmt(c.metrics.latency.p50, 2)}</td>
              <td style={cell}>{fmt(c.metrics.latency.p95, 2)}</td>
              <td style={cell}>{fmt(c.metrics.latency.p99, 2)}</td>
              <td style={cell}>
                <span style={{ display: 'inline-block', width: 60, height: 8, background: '#eaeef2', verticalAlign: 'middle' }}>
                  <span style={{ display: 'block', width: `${Math.round(util * 100)}%`, height: 8, background: util > 0.8 ? '#cf222e' : '#0969da' }} />
                </span>{' '}
                {fmt(util * 100)}%
              </td>
              <td style={cell}>{fmt(c.droppedTotal)}</td>
              <td style={cell}>{fmt(c.refused)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
