import type { Meta, StoryObj } from '@storybook/react-vite';
import { DATA_PATTERNS } from '../src/index.js';
import { LineChart, Sparkline } from '../src/widgets/index.js';
import { defaultLiveArgs, fanOut, liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { expectLive } from './support/assert.js';

// Each data pattern of the engine drives its own chart and sparkline side by side.
const meta: Meta<LiveArgs> = {
  parameters: { docs: { description: { component: 'One line chart and one sparkline per data pattern of the built-in producer: sequential, random, sine-wave and step.' } } },
  title: 'Widgets/Patterns', args: { ...defaultLiveArgs, rate: 1000 }, argTypes: liveArgTypes };
export default meta;

export const AllPatterns: StoryObj<LiveArgs> = {
  render: (a) => (
    <LiveEngine
      deps={Object.values(a)}
      build={(engine) => DATA_PATTERNS.map((p, i) => fanOut(engine, `src-${p}`, [`chart-${p}`, `spark-${p}`], { ...a, pattern: p }, i + 1))}
      view={() => (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(2, max-content)', gap: 8 }}>
          {DATA_PATTERNS.map((p) => (
            <div key={p} style={{ display: 'flex', gap: 8 }}>
              <LineChart streamId={`chart-${p}`} title={p} width={300} height={140} updateInterval={a.updateInterval} enableBackpressure={a.enableBackpressure} />
              <Sparkline streamId={`spark-${p}`} title={`${p} (spark)`} updateInterval={a.updateInterval} />
            </div>
          ))}
        </div>
      )}
    />
  ),
  play: async ({ canvasElement }) => {
    for (const p of DATA_PATTERNS) await expectLive(canvasElement, p, (c) => c.querySelector('canvas')?.toDataURL() ?? '');
  },
};
