import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import type { ReactNode } from 'react';
import { ConnectionBadge, EventLog, Gauge, Histogram, LineChart, MetricsPanel, Sparkline, ValueTile } from '../src/widgets/index.js';
import { defaultLiveArgs, fanOut, liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { expectLive } from './support/assert.js';

// Every component on one live source: the controls change rate, pattern, buffer size, update
// interval, overflow strategy and pacing; each change rebuilds the engine.
function Live(props: LiveArgs & { render: (a: LiveArgs) => ReactNode }) {
  const { render, ...a } = props;
  return <LiveEngine deps={Object.values(a)} build={(engine) => [fanOut(engine, 'sensor', ['w'], a)]} view={() => render(a)} />;
}

const meta: Meta<LiveArgs> = {
  title: 'Widgets/Components',
  parameters: { docs: { description: { component: 'Each component of `@nodeflow/runtime/widgets` on one live source. The controls rebuild the engine: try a higher `rate`, a longer `updateInterval` or another `overflowStrategy`. Every prop of every component is listed on the *Widget reference* page.' } } },
  args: defaultLiveArgs,
  argTypes: liveArgTypes,
};
export default meta;
type Story = StoryObj<LiveArgs>;

const widget = (a: LiveArgs) => ({ streamId: 'w', bufferSize: a.bufferSize, updateInterval: a.updateInterval, enableBackpressure: a.enableBackpressure });
const canvasImage = (card: Element) => card.querySelector('canvas')?.toDataURL() ?? '';

export const LineChartStory: Story = {
  name: 'Line chart (uPlot)',
  render: (a) => <Live {...a} render={(x) => <LineChart {...widget(x)} title="Line chart" width={520} height={220} />} />,
  play: async ({ canvasElement }) => {
    const card = await expectLive(canvasElement, 'Line chart', canvasImage);
    await expect(Number(card.querySelector('[data-points]')!.getAttribute('data-points'))).toBeGreaterThan(1);
  },
};

export const SparklineStory: Story = {
  name: 'Sparkline',
  render: (a) => <Live {...a} render={(x) => <Sparkline {...widget(x)} title="Sparkline" />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'Sparkline', (c) => c.querySelector('path')?.getAttribute('d') ?? '');
  },
};

export const GaugeStory: Story = {
  name: 'Gauge',
  args: { pattern: 'random' },
  render: (a) => <Live {...a} render={(x) => <Gauge {...widget(x)} title="Gauge" min={-1} max={1} />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'Gauge', (c) => c.querySelector('[role="meter"]')?.getAttribute('aria-valuenow') ?? '');
  },
};

export const ValueTileStory: Story = {
  name: 'Value / KPI tile',
  args: { pattern: 'sequential', rate: 500 },
  render: (a) => <Live {...a} render={(x) => <ValueTile {...widget(x)} title="KPI" digits={0} />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'KPI', (c) => c.querySelector('[data-testid="kpi-value"]')?.textContent ?? '');
  },
};

export const EventLogStory: Story = {
  name: 'Event log (bounded)',
  args: { rate: 200, pattern: 'step' },
  render: (a) => <Live {...a} render={(x) => <EventLog {...widget(x)} title="Event log" limit={12} />} />,
  play: async ({ canvasElement }) => {
    const card = await expectLive(canvasElement, 'Event log', (c) => c.querySelector('li')?.textContent ?? '');
    await waitFor(() => expect(card.querySelectorAll('li').length).toBe(12), { timeout: 5000 });
  },
};

export const HistogramStory: Story = {
  name: 'Histogram',
  args: { pattern: 'random' },
  render: (a) => <Live {...a} render={(x) => <Histogram {...widget(x)} title="Histogram" bins={24} />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'Histogram', (c) => [...c.querySelectorAll('rect')].map((r) => r.getAttribute('data-count')).join(','));
  },
};

export const MetricsPanelStory: Story = {
  name: 'Metrics panel',
  args: { rate: 20_000 },
  render: (a) => <Live {...a} render={() => <MetricsPanel intervalMs={250} />} />,
  play: async ({ canvasElement }) => {
    const row = await waitFor(() => {
      const r = canvasElement.querySelector('tr[data-connection]');
      expect(r).not.toBeNull();
      return r!;
    });
    await waitFor(() => expect(Number(row.getAttribute('data-out-per-sec'))).toBeGreaterThan(1000), { timeout: 5000 });
    const text = row.textContent;
    await waitFor(() => expect(row.textContent).not.toBe(text), { timeout: 5000 });
  },
};

export const ConnectionBadgeStory: Story = {
  name: 'Connection status badge',
  render: (a) => <Live {...a} render={() => <ConnectionBadge connectionId="sensor:out" label="sensor → w" />} />,
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(canvasElement.querySelector('[role="status"]')?.getAttribute('data-state')).toBe('flowing'), { timeout: 5000 });
  },
};
