import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { StreamEngine } from '../../src/index.js';
import { Gauge, StreamEngineProvider } from '../../src/widgets/index.js';
import { message } from './support.js';

// One widget fed one value through a real connection.
function feed(value: number) {
  const engine = new StreamEngine({ batchTimeout: 1 });
  engine.createWidget('g', { bufferSize: 10 });
  engine.getConnection(engine.createConnection('s', 'g', 'out', 'in')).offer(message(engine, value));
  return engine;
}

const paths = (root: Element) => [...root.querySelectorAll('svg[role="meter"] path')].map((p) => p.getAttribute('d') ?? '');
const arcEnd = (d: string) => d.split(' ').at(-1);

test('a value past max fills the whole arc, shows compacted in the middle and says so', async () => {
  const engine = feed(140287.004);
  const screen = await render(
    <StreamEngineProvider engine={engine}>
      <Gauge streamId="g" title="big" min={0} max={100_000} size={110} />
    </StreamEngineProvider>,
  );
  const meter = screen.getByRole('meter');
  await expect.element(meter).toHaveAttribute('aria-valuenow', '140287.004');
  await expect.element(meter).toHaveAttribute('aria-valuetext', '140k');
  const root = screen.container;
  const [track, fill] = paths(root);
  // Clamped: the fill stops where the track stops, not past it.
  expect(arcEnd(fill!)).toBe(arcEnd(track!));
  const texts = [...root.querySelectorAll('svg[role="meter"] text')].map((t) => t.textContent);
  // The middle shows the compact value (the exact one is in the tooltip), then the warning, then the ends.
  expect(texts).toEqual(['140k', '▲ above max', '0', '100k']);
  expect(root.querySelectorAll('svg[role="meter"] text')[1]!.getAttribute('visibility')).toBe('visible');
  await screen.unmount();
  engine.dispose();
});

test('a value inside the range fills part of the arc, with no range warning', async () => {
  const engine = feed(-77.564);
  const screen = await render(
    <StreamEngineProvider engine={engine}>
      <Gauge streamId="g" title="small" min={-100} max={100} size={110} />
    </StreamEngineProvider>,
  );
  await expect.element(screen.getByRole('meter')).toHaveAttribute('aria-valuetext', '-77.6');
  const [track, fill] = paths(screen.container);
  expect(arcEnd(fill!)).not.toBe(arcEnd(track!));
  // The warning's element stays (so the tree does not change as values cross a bound), hidden.
  const shown = [...screen.container.querySelectorAll('svg[role="meter"] text')].filter((t) => t.getAttribute('visibility') !== 'hidden').map((t) => t.textContent);
  expect(shown.join(' ')).not.toMatch(/above max|below min/);
  await screen.unmount();
  engine.dispose();
});
