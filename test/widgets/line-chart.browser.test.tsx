import { StrictMode } from 'react';
import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { StreamEngine } from '../../src/index.js';
import { LineChart, StreamEngineProvider } from '../../src/widgets/index.js';

// uPlot is an optional peer loaded at mount: the plot arrives after the first render, so these
// pin that it still draws what came before, stays one plot under StrictMode's double mount, and
// is rebuilt (not stacked) when its size changes.
function view(engine: StreamEngine, width: number) {
  return (
    <StrictMode>
      <StreamEngineProvider engine={engine}>
        <LineChart streamId="w" title="chart" width={width} height={120} updateInterval={16} />
        <LineChart streamId="e" title="empty" width={width} height={120} updateInterval={16} />
      </StreamEngineProvider>
    </StrictMode>
  );
}

test('LineChart (StrictMode) loads uPlot at mount, keeps one plot, draws what arrived before it loaded, and rebuilds on resize', async () => {
  const engine = new StreamEngine({ batchTimeout: 1 });
  engine.createWidget('w');
  engine.createWidget('e');
  const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
  for (let i = 0; i < 20; i++) c.offer({ id: i, timestamp: engine.clock.now(), sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i });
  const screen = await render(view(engine, 300));
  const chart = () => screen.getByRole('figure', { name: 'chart' }).element();
  const image = (name: string) => screen.getByRole('figure', { name }).element().querySelector('canvas')?.toDataURL();
  await expect.poll(() => chart().querySelectorAll('.uplot canvas').length).toBe(1);
  await expect.poll(() => chart().querySelector('[data-points]')!.getAttribute('data-points')).toBe('20');
  expect(chart().querySelectorAll('.uplot')).toHaveLength(1);
  // No message comes after mount, so only the plot's arrival can have drawn the line.
  await expect.poll(() => image('chart') !== image('empty')).toBe(true);
  await screen.rerender(view(engine, 400));
  await expect.poll(() => chart().querySelector<HTMLElement>('.u-wrap')?.style.width).toBe('400px');
  expect(chart().querySelectorAll('.uplot')).toHaveLength(1);
  await screen.unmount();
  engine.dispose();
});
