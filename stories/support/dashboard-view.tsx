import type { ReactNode } from 'react';
import { ConnectionBadge, EventLog, FrameRateMeter, Gauge, Histogram, LineChart, MetricsPanel, Sparkline, ValueTile } from '../../src/widgets/index.js';
import { BenchProbe } from './bench-probe.js';

/** The four sources of the dashboard, one per data pattern, `src0`..`src3`. */
export const DASHBOARD_SOURCES = ['sine-wave', 'random', 'step', 'sequential'] as const;

// Equal columns that wrap with the viewport (no horizontal cut-off at 1024, 1440 or 1920 px):
// a chart spans two, every other card one. One grid per source, all as wide as the page, so the
// columns line up from source to source and a source's cards stay together.
const GRID = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))', gap: 10, alignItems: 'stretch' } as const;
const WIDE = { gridColumn: 'span 2' } as const;
const SOURCE_LABEL = { margin: '0 0 4px', fontSize: 11, fontWeight: 600, letterSpacing: 0.6, textTransform: 'uppercase', color: '#57606a' } as const;

/**
 * The 18-widget dashboard (a chart, sparkline, gauge and value per source, a histogram and an
 * event log) over whatever engine the provider above it gives: the local Dashboard story and the
 * Remote story render this same view, so `bench:browser` and `bench:remote` measure one page.
 *
 * @example
 * ```tsx
 * <DashboardView title={<strong>1M msg/s</strong>} bufferSize={1000} updateInterval={16} enableBackpressure={false} />
 * ```
 */
export function DashboardView(a: { title: ReactNode; bufferSize: number; updateInterval: number; enableBackpressure: boolean }) {
  const w = { updateInterval: a.updateInterval, enableBackpressure: a.enableBackpressure };
  return (
    <div style={{ display: 'grid', gap: 10, font: '12px system-ui, sans-serif', color: '#1f2328', maxWidth: '100%' }}>
      <header style={{ display: 'flex', gap: 14, alignItems: 'center', flexWrap: 'wrap', padding: '6px 10px', background: '#f6f8fa', border: '1px solid #d0d7de', borderRadius: 6 }}>
        {a.title}
        <FrameRateMeter />
        <BenchProbe streamId="chart0" updateInterval={a.updateInterval} />
        {DASHBOARD_SOURCES.map((p, i) => (
          <ConnectionBadge key={p} connectionId={`src${i}:out->chart${i}:in`} label={p} />
        ))}
      </header>
      {DASHBOARD_SOURCES.map((p, i) => (
        <section key={p} aria-label={`${p} source`}>
          <h3 style={SOURCE_LABEL}>{`src${i} · ${p}`}</h3>
          <div style={GRID}>
            <LineChart streamId={`chart${i}`} title={`${p} chart`} width={400} height={120} bufferSize={a.bufferSize} style={WIDE} {...w} />
            <Sparkline streamId={`spark${i}`} title={`${p} spark`} width={180} height={48} {...w} />
            <Gauge streamId={`gauge${i}`} title={`${p} gauge`} min={p === 'sequential' ? 0 : -100} max={p === 'sequential' ? 1e5 : 100} size={110} {...w} />
            <ValueTile streamId={`kpi${i}`} title={`${p} value`} digits={1} {...w} />
            {i === 1 && <Histogram streamId="hist" title="random histogram" width={180} height={70} {...w} />}
            {i === 2 && <EventLog streamId="log" title="step events" limit={5} height={75} {...w} />}
          </div>
        </section>
      ))}
      <div style={{ overflowX: 'auto', border: '1px solid #d0d7de', borderRadius: 6, background: '#fff' }}>
        <MetricsPanel intervalMs={500} connectionIds={DASHBOARD_SOURCES.map((_, i) => `src${i}:out->chart${i}:in`)} style={{ width: '100%' }} />
      </div>
    </div>
  );
}
