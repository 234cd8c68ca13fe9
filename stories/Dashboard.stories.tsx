import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import type { DataPattern, StreamEngine } from '../src/index.js';
import { ConnectionBadge, EventLog, FrameRateMeter, Gauge, Histogram, LineChart, MetricsPanel, Sparkline, ValueTile } from '../src/widgets/index.js';
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

function Dashboard(a: LiveArgs) {
  const w = { updateInterval: a.updateInterval, enableBackpressure: a.enableBackpressure };
  return (
    <div style={{ display: 'grid', gap: 6, font: '12px system-ui, sans-serif' }}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <strong>{(a.rate / 1e6).toFixed(2)}M msg/s</strong>
        <FrameRateMeter />
        <BenchProbe streamId="chart0" updateInterval={a.updateInterval} />
        {SOURCES.map((p, i) => (
          <ConnectionBadge key={p} connectionId={`src${i}:out->chart${i}:in`} label={p} />
        ))}
      </div>
      {SOURCES.map((p, i) => (
        <div key={p} style={{ display: 'flex', gap: 6, alignItems: 'stretch' }}>
          <LineChart streamId={`chart${i}`} title={`${p} chart`} width={380} height={110} bufferSize={a.bufferSize} {...w} />
          <Sparkline streamId={`spark${i}`} title={`${p} spark`} width={140} height={40} {...w} />
          <Gauge streamId={`gauge${i}`} title={`${p} gauge`} min={p === 'sequential' ? 0 : -100} max={p === 'sequential' ? 1e7 : 100} size={90} {...w} />
          <ValueTile streamId={`kpi${i}`} title={`${p} value`} digits={1} {...w} />
          {i === 1 && <Histogram streamId="hist" title="random histogram" width={180} height={70} {...w} />}
          {i === 2 && <EventLog streamId="log" title="step events" limit={5} height={75} {...w} />}
        </div>
      ))}
      <MetricsPanel intervalMs={500} connectionIds={SOURCES.map((_, i) => `src${i}:out->chart${i}:in`)} />
    </div>
  );
}

const meta: Meta<LiveArgs> = {
  title: 'Widgets/Dashboard',
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
    await expect(canvasElement.querySelectorAll('[role="figure"]').length).toBe(18);
  },
};
