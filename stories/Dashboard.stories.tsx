import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import type { DataPattern, StreamEngine } from '../src/index.js';
import { ConnectionBadge, EventLog, FrameRateMeter, formatNumber, Gauge, Histogram, LineChart, MetricsPanel, Sparkline, ValueTile } from '../src/widgets/index.js';
import { liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { startProducer } from './support/producer.js';
import { BenchProbe } from './support/bench-probe.js';
import { expectLive, num } from './support/assert.js';

// Many widgets on four sources (one per data pattern) sharing `rate`. This is the page
// `npm run bench:browser` drives at 1M msg/s and `npm run screenshot` captures.
const SOURCES: readonly DataPattern[] = ['sine-wave', 'random', 'step', 'sequential'];
const KINDS = ['chart', 'spark', 'gauge', 'kpi'] as const;

function build(engine: StreamEngine, a: LiveArgs) {
  return SOURCES.map((pattern, i) => {
    const src = `src${i}`;
    const ids = [...KINDS.map((k) => `${k}${i}`), ...(i === 1 ? ['hist'] : []), ...(i === 2 ? ['log'] : [])];
    for (const id of ids) {
      engine.createWidget(id, { bufferSize: id.startsWith('chart') || id === 'hist' ? a.bufferSize : 120 });
      // Large batches: one actor event per 500 messages keeps the engine's share of a frame small.
      engine.createConnection(src, id, 'out', 'in', { bufferSize: Math.max(4 * a.bufferSize, 2000), maxBatchSize: 500, overflowStrategy: a.overflowStrategy });
    }
    return startProducer(engine, src, { rate: a.rate / SOURCES.length, pattern, seed: i + 1, amplitude: pattern === 'sequential' ? 1 : 100 });
  });
}

// Equal columns that wrap with the viewport (no horizontal cut-off at 1024, 1440 or 1920 px):
// a chart spans two, every other card one. One grid per source, all as wide as the page, so the
// columns line up from source to source and a source's cards stay together.
const GRID = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))', gap: 10, alignItems: 'stretch' } as const;
const WIDE = { gridColumn: 'span 2' } as const;
const SOURCE_LABEL = { margin: '0 0 4px', fontSize: 11, fontWeight: 600, letterSpacing: 0.6, textTransform: 'uppercase', color: '#57606a' } as const;

function Dashboard(a: LiveArgs) {
  const w = { updateInterval: a.updateInterval, enableBackpressure: a.enableBackpressure };
  return (
    <div style={{ display: 'grid', gap: 10, font: '12px system-ui, sans-serif', color: '#1f2328', maxWidth: '100%' }}>
      <header style={{ display: 'flex', gap: 14, alignItems: 'center', flexWrap: 'wrap', padding: '6px 10px', background: '#f6f8fa', border: '1px solid #d0d7de', borderRadius: 6 }}>
        <strong style={{ fontSize: 14 }}>{formatNumber(a.rate, { maxChars: 5 })} msg/s</strong>
        <FrameRateMeter />
        <BenchProbe streamId="chart0" updateInterval={a.updateInterval} />
        {SOURCES.map((p, i) => (
          <ConnectionBadge key={p} connectionId={`src${i}:out->chart${i}:in`} label={p} />
        ))}
      </header>
      {SOURCES.map((p, i) => (
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
        <MetricsPanel intervalMs={500} connectionIds={SOURCES.map((_, i) => `src${i}:out->chart${i}:in`)} style={{ width: '100%' }} />
      </div>
    </div>
  );
}

const meta: Meta<LiveArgs> = {
  title: 'Widgets/Dashboard',
  parameters: {
    docs: {
      description: {
        component:
          'Eighteen widgets on four live sources sharing one rate, in a grid that wraps with the window. The header shows the frame-rate meter and one badge per source connection; the table at the bottom shows each connection\'s rates, latency, buffer use and drops. `npm run bench:browser` drives this page at 1M msg/s and `npm run screenshot` captures it.',
      },
    },
  },
  args: { rate: 100_000, pattern: 'sine-wave', bufferSize: 1000, updateInterval: 16, overflowStrategy: 'dropHead', enableBackpressure: false },
  argTypes: liveArgTypes,
};
export default meta;

export const ManyWidgets: StoryObj<LiveArgs> = {
  render: (a) => <LiveEngine deps={Object.values(a)} build={(e) => build(e, a)} view={() => <Dashboard {...a} />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'sine-wave chart', (c) => c.querySelector('canvas')?.toDataURL() ?? '');
    await expectLive(canvasElement, 'random histogram');
    const meter = canvasElement.querySelector('[aria-label="frame rate"]')!;
    await waitFor(() => expect(num(meter, 'data-fps')).toBeGreaterThan(5), { timeout: 5000 });
    const cards = [...canvasElement.querySelectorAll('[role="figure"]')];
    await expect(cards.length).toBe(18);
    // The grid wraps instead of cutting cards off at the right edge.
    const right = canvasElement.getBoundingClientRect().right;
    for (const card of cards) expect(card.getBoundingClientRect().right, card.getAttribute('aria-label') ?? '').toBeLessThanOrEqual(right + 0.5);
  },
};
