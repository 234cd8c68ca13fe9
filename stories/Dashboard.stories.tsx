import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import type { DataPattern, StreamEngine } from '../src/index.js';
import { formatNumber } from '../src/widgets/index.js';
import { liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { startProducer } from './support/producer.js';
import { DashboardView } from './support/dashboard-view.js';
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
  return <DashboardView title={<strong style={{ fontSize: 14 }}>{formatNumber(a.rate, { maxChars: 5 })} msg/s</strong>} {...a} />;
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
