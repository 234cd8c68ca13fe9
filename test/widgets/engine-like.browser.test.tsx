import { StrictMode } from 'react';
import { describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { FrameLoop, StreamEngineProvider, useConnectionState, useEngineMetrics, useStreamData, type StreamDataOptions } from '../../src/widgets/index.js';
import { CONNECTION_ID, fakeEngine } from './fake-engine.js';

// The hooks over a hand-written EngineLike (no StreamEngine behind it), as a remote engine
// would be passed to StreamEngineProvider.

function Probe(props: { options: StreamDataOptions }) {
  const s = useStreamData('chart', props.options);
  const state = useConnectionState('s:out');
  const m = useEngineMetrics(20);
  return (
    <div>
      <span data-testid="count">{s.metrics.messageCount}</span>
      <span data-testid="dropped">{s.metrics.dropped}</span>
      <span data-testid="connected">{s.isConnected ? 'Connected' : 'Disconnected'}</span>
      <span data-testid="last">{String(s.latest?.data ?? '')}</span>
      <span data-testid="state">{state}</span>
      <span data-testid="delivered">{m.totals.delivered}</span>
    </div>
  );
}

describe.each([
  ['plain', false],
  ['StrictMode', true],
] as const)('widget hooks over an EngineLike (%s)', (_mode, strict) => {
  test('useStreamData asks the widget for its bufferSize and interval, re-asks on pause, shows dropped, follows linked and releases on unmount', async () => {
    const f = fakeEngine();
    const loop = new FrameLoop();
    const ui = (paused: boolean) => {
      const tree = (
        <StreamEngineProvider engine={f.engine}>
          <Probe options={{ bufferSize: 20, updateInterval: 32, paused, frameLoop: loop }} />
        </StreamEngineProvider>
      );
      return strict ? <StrictMode>{tree}</StrictMode> : tree;
    };
    const screen = await render(ui(false));
    await expect.element(screen.getByTestId('connected')).toHaveTextContent('Connected'); // a live feed, no data yet
    expect(f.observed.at(-1)).toEqual({ bufferSize: 20, updateInterval: 32, paused: false });
    expect(f.held.size).toBe(1); // StrictMode's extra subscribe/unsubscribe left nothing held
    f.setDropped(5);
    f.push(1, 2, 3);
    await expect.element(screen.getByTestId('count')).toHaveTextContent('3');
    await expect.element(screen.getByTestId('last')).toHaveTextContent('3');
    await expect.element(screen.getByTestId('dropped')).toHaveTextContent('5');
    await expect.element(screen.getByTestId('connected')).toHaveTextContent('Connected');
    f.setLinked(false);
    await expect.element(screen.getByTestId('connected')).toHaveTextContent('Disconnected');
    f.setLinked(true);
    await expect.element(screen.getByTestId('connected')).toHaveTextContent('Connected');
    await screen.rerender(ui(true));
    expect(f.observed.at(-1)).toEqual({ bufferSize: 20, updateInterval: 32, paused: true });
    expect(f.held.size).toBe(1);
    await screen.unmount();
    expect(f.held.size).toBe(0);
  });

  test('useConnectionState follows the connection actor; useEngineMetrics follows metrics$', async () => {
    const f = fakeEngine();
    const tree = (
      <StreamEngineProvider engine={f.engine}>
        <Probe options={{ frameLoop: new FrameLoop() }} />
      </StreamEngineProvider>
    );
    const screen = await render(strict ? <StrictMode>{tree}</StrictMode> : tree);
    await expect.element(screen.getByTestId('state')).toHaveTextContent('flowing');
    f.setConnectionState('backpressured', 'buffer.full');
    await expect.element(screen.getByTestId('state')).toHaveTextContent('backpressured');
    expect(f.engine.findConnection(CONNECTION_ID)?.currentState).toBe('backpressured');
    f.push(7, 8);
    await expect.element(screen.getByTestId('delivered')).toHaveTextContent('2');
    await screen.unmount();
  });
});
