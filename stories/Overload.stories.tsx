import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { ConnectionBadge, LineChart, MetricsPanel, useStreamData } from '../src/widgets/index.js';
import { fanOut, liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { num } from './support/assert.js';

// A producer far faster than a deliberately slow UI (4 renders a second). With pacing on, the
// widget holds back what the UI has not drawn, the connection into it fills and turns
// backpressured, and its overflow strategy sheds: drops and a full buffer show in the panel.
const ID = 'burst:out->slow:in';

function Pacing(props: { updateInterval: number }) {
  const { metrics } = useStreamData('slow', { updateInterval: props.updateInterval, bufferSize: 1 });
  return (
    <p data-testid="pacing" data-pushbacks={metrics.pushbacks}>
      widget held back {metrics.pushbacks.toLocaleString('en-US')} batches for the UI · {metrics.backpressured ? 'holding now' : 'taking'}
    </p>
  );
}

const meta: Meta<LiveArgs> = {
  title: 'Widgets/Overload',
  parameters: { docs: { description: { component: '200k msg/s into a UI that renders four times a second. With `enableBackpressure` the widget holds its next batch until the view has drawn the last one (its card dot turns amber), the connection sheds by its overflow strategy, and the chart keeps moving.' } } },
  args: { rate: 200_000, pattern: 'sine-wave', bufferSize: 1000, updateInterval: 250, overflowStrategy: 'dropHead', enableBackpressure: true },
  argTypes: liveArgTypes,
};
export default meta;

export const BackpressureAndDrops: StoryObj<LiveArgs> = {
  render: (a) => (
    <LiveEngine
      deps={Object.values(a)}
      build={(engine) => [fanOut(engine, 'burst', ['slow'], a)]}
      view={() => (
        <div style={{ display: 'grid', gap: 8 }}>
          <ConnectionBadge connectionId={ID} label="burst → slow widget" trail={4} />
          <LineChart streamId="slow" title="Slow UI" bufferSize={a.bufferSize} updateInterval={a.updateInterval} enableBackpressure={a.enableBackpressure} width={520} height={180} />
          <Pacing updateInterval={a.updateInterval} />
          <MetricsPanel intervalMs={250} />
        </div>
      )}
    />
  ),
  play: async ({ canvasElement, args }) => {
    const badge = () => canvasElement.querySelector('[role="status"]')!;
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('backpressured'), { timeout: 5000 });
    const row = () => canvasElement.querySelector(`tr[data-connection="${ID}"]`);
    await waitFor(() => expect(row()).not.toBeNull(), { timeout: 5000 });
    // dropHead/dropTail/... shed (dropped); 'backpressure' refuses the producer instead.
    if (args.overflowStrategy !== 'backpressure') await waitFor(() => expect(num(row()!, 'data-dropped')).toBeGreaterThan(0), { timeout: 5000 });
    await waitFor(() => expect(num(canvasElement.querySelector('[data-testid="pacing"]')!, 'data-pushbacks')).toBeGreaterThan(0), { timeout: 5000 });
    const chart = canvasElement.querySelector('[role="figure"]')!;
    // The paced chart's card shows that its widget holds batches back for it.
    if (args.enableBackpressure) await waitFor(() => expect(chart.getAttribute('data-status')).toBe('backpressured'), { timeout: 5000, interval: 10 });
    const seen = num(chart, 'data-message-count');
    await waitFor(() => expect(num(chart, 'data-message-count')).toBeGreaterThan(seen), { timeout: 5000 });
  },
};
