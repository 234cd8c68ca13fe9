import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useRef, useState } from 'react';
import { useArgs } from 'storybook/preview-api';
import { expect, waitFor } from 'storybook/test';
import type { StreamEngine } from '../src/index.js';
import { FrameRateMeter, LineChart, formatNumber } from '../src/widgets/index.js';
import { LiveEngine } from './support/live-engine.js';
import { heavyPipeline, OUT, type HeavyPipeline, type Placement } from './support/heavy-node.js';
import { expectLive, num } from './support/assert.js';

// A node costing `cost` µs per message (50 by default: a batch of 500 is 25 ms of work), fed `rate`
// msg/s, run on a Web Worker or inline on the page's main thread: the same function, the same
// connections. On the worker the dashboard keeps its frame rate; inline, the node's batches take
// the main thread from the renderer.
// `npm run bench:threads-browser` drives both and measures fps and throughput.
interface ThreadsArgs {
  placement: Placement;
  rate: number;
  batch: number;
  cost: number;
}

/** The heavy node's output rate (what reached the chart's connection), its producer's refusals, its pool. */
function Throughput(props: { engine: StreamEngine; pipeline: HeavyPipeline }) {
  const [fig, setFig] = useState({ rate: 0, refused: 0, workers: 0 });
  useEffect(() => {
    let last = { at: performance.now(), accepted: props.engine.getConnection(OUT).stats().accepted };
    const timer = setInterval(() => {
      const now = { at: performance.now(), accepted: props.engine.getConnection(OUT).stats().accepted };
      setFig({ rate: ((now.accepted - last.accepted) * 1000) / (now.at - last.at), refused: props.pipeline.producer.refused, workers: props.pipeline.pool?.stats().workers ?? 0 });
      last = now;
    }, 500);
    return () => clearInterval(timer);
  }, [props.engine, props.pipeline]);
  return (
    <span role="status" aria-label="throughput" data-rate={fig.rate.toFixed(0)} data-workers={fig.workers} style={{ font: '12px ui-monospace, monospace' }}>
      {formatNumber(fig.rate, { maxChars: 5 })} msg/s through the node · {fig.workers} worker{fig.workers === 1 ? '' : 's'} · producer held back {formatNumber(fig.refused, { maxChars: 6 })}
    </span>
  );
}

function Demo(a: ThreadsArgs & { choose: (p: Placement) => void }) {
  const pipeline = useRef<HeavyPipeline | null>(null);
  const choice = (p: Placement, label: string) => (
    <label style={{ marginRight: 12 }}>
      <input type="radio" name="placement" checked={a.placement === p} onChange={() => a.choose(p)} /> {label}
    </label>
  );
  return (
    <div style={{ display: 'grid', gap: 8, maxWidth: 640 }}>
      <div role="radiogroup" aria-label="where the heavy node runs">
        {choice('worker', 'in a Web Worker')}
        {choice('inline', 'inline (main thread)')}
      </div>
      <LiveEngine
        deps={[a.placement, a.rate, a.batch, a.cost]}
        build={(engine) => {
          pipeline.current = heavyPipeline(engine, a.placement, a.rate, a.batch, a.cost);
          return [pipeline.current.producer];
        }}
        view={({ engine }) => (
          <section aria-label={`heavy node ${a.placement}`} style={{ display: 'grid', gap: 6 }}>
            <strong style={{ fontSize: 14 }}>
              {a.cost} µs/msg node {a.placement === 'worker' ? 'in a Web Worker' : 'inline'}, {formatNumber(a.rate, { maxChars: 5 })} msg/s offered
            </strong>
            <FrameRateMeter />
            <Throughput engine={engine} pipeline={pipeline.current!} />
            <LineChart streamId="chart" title="heavy node output" bufferSize={2000} updateInterval={16} width={600} height={200} />
          </section>
        )}
      />
    </div>
  );
}

const meta: Meta<ThreadsArgs> = {
  title: 'Widgets/Threads',
  parameters: {
    docs: {
      description: {
        component:
          'A node costing 50 µs per message (the `cost` control), on a Web Worker (`threadNode` from `@nodeflow/runtime/threads/web`) or inline, fed the same load into the same connections. On the worker the frame-rate meter stays near 60 fps; inline, the node takes the main thread and the chart stutters. Switch with the radio buttons (or the `placement` control). `npm run bench:threads-browser` measures both.',
      },
    },
  },
  args: { placement: 'worker', rate: 30_000, batch: 500, cost: 50 },
  argTypes: {
    placement: { control: 'inline-radio', options: ['worker', 'inline'], description: 'Where the heavy node runs: on a Web Worker, or inline on the main thread.' },
    batch: { control: { type: 'number', min: 1, max: 10_000 }, description: 'Messages per batch into the heavy node (the maxBatchSize of its input): one batch is one task of batch × cost on the thread that runs it.' },
    cost: { control: { type: 'number', min: 0, max: 10_000 }, description: 'Busy CPU per message in the heavy node, in µs.' },
    rate: { control: { type: 'range', min: 1000, max: 200_000, step: 1000 }, description: 'Messages per second offered to the heavy node (the producer is held back when its input is full): the default is above the 20k msg/s a 50 µs node can do on one thread.' },
  },
  // Storybook's useArgs belongs in the render function itself, not in a component under it.
  render: function Render(a) {
    const [, updateArgs] = useArgs<ThreadsArgs>();
    return <Demo {...a} choose={(placement) => updateArgs({ placement })} />;
  },
};
export default meta;

export const InAWebWorker: StoryObj<ThreadsArgs> = {
  play: async ({ canvasElement }) => {
    // The chart keeps rendering while the node runs on its worker, and the meter runs.
    await expectLive(canvasElement, 'heavy node output', (c) => c.querySelector('canvas')?.toDataURL() ?? '');
    const status = () => canvasElement.querySelector('[aria-label="throughput"]')!;
    await waitFor(() => expect(num(status(), 'data-workers')).toBe(1), { timeout: 5000 });
    await waitFor(() => expect(num(status(), 'data-rate')).toBeGreaterThan(0), { timeout: 5000 });
    const meter = canvasElement.querySelector('[aria-label="frame rate"]')!;
    await waitFor(() => expect(num(meter, 'data-fps')).toBeGreaterThan(5), { timeout: 5000 });
  },
};

export const Inline: StoryObj<ThreadsArgs> = {
  args: { placement: 'inline' },
  // Not on the Docs page: there both stories run at once, and this one's load on the main thread
  // would take the frames of the worker one too (the radio buttons switch the first one instead).
  tags: ['!autodocs'],
  play: async ({ canvasElement }) => {
    // Inline the chart still moves (slowly), and no worker is started.
    await expectLive(canvasElement, 'heavy node output');
    await expect(num(canvasElement.querySelector('[aria-label="throughput"]')!, 'data-workers')).toBe(0);
  },
};
