import { StrictMode } from 'react';
import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { SimulatedClock } from 'xstate';
import { StreamEngine } from '../../src/index.js';
import { ConnectionBadge, StreamEngineProvider, useEngineMetrics } from '../../src/widgets/index.js';
import { flood } from './support.js';

test('useConnectionState (badge, StrictMode) follows the machine: circuitOpen by hand, flowing after close; unknown ids wait', async () => {
  const engine = new StreamEngine();
  const screen = await render(
    <StrictMode>
      <StreamEngineProvider engine={engine}>
        <ConnectionBadge connectionId="s:out" label="link" trail={3} />
      </StreamEngineProvider>
    </StrictMode>,
  );
  const badge = screen.getByRole('status');
  await expect.element(badge).toHaveAttribute('data-state', 'unknown');
  const id = engine.createConnection('s', 't', 'out', 'in'); // appears: the hook re-resolves
  await expect.element(badge).toHaveAttribute('data-state', 'flowing');
  engine.getConnection(id).openCircuit();
  await expect.element(badge).toHaveAttribute('data-state', 'circuitOpen');
  engine.getConnection(id).closeCircuit();
  await expect.element(badge).toHaveAttribute('data-state', 'flowing');
  await expect.element(badge).toHaveAttribute('data-trail', 'unknown flowing circuitOpen');
  await screen.unmount();
  engine.dispose();
});

test('useEngineMetrics renders once per interval under a flood, not per message', async () => {
  const engine = new StreamEngine({ maxBatchSize: 10, batchTimeout: 1, overflowStrategy: 'dropHead' });
  engine.createWidget('w');
  const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
  let renders = 0;
  function Delivered() {
    renders++;
    const m = useEngineMetrics(200, { engine });
    return <span data-testid="delivered">{m.totals.delivered}</span>;
  }
  const screen = await render(<Delivered />);
  const before = renders;
  const sent = await flood(engine, c, 1000, 100);
  expect(sent).toBeGreaterThan(5000);
  expect(renders - before).toBeLessThanOrEqual(7);
  await expect.poll(() => Number(screen.getByTestId('delivered').element().textContent), { timeout: 3000 }).toBeGreaterThan(0);
  await screen.unmount();
  engine.dispose();
});

test('useEngineMetrics paused: no refresh, no metrics$ subscription; it resumes when unpaused', async () => {
  // Simulated time: the metering interval elapses when the test says so, not after a sleep.
  const clock = new SimulatedClock();
  const engine = new StreamEngine({ batchTimeout: 1 }, { clock });
  engine.createWidget('w');
  engine.createConnection('s', 'w', 'out', 'in');
  function Delivered({ paused, id }: { paused: boolean; id: string }) {
    const m = useEngineMetrics(50, { engine, paused });
    return <span data-testid={id}>{m.totals.delivered}</span>;
  }
  // A live twin on the same engine is the positive control: the same simulated time refreshes it.
  const ui = (paused: boolean) => (
    <>
      <Delivered paused={paused} id="delivered" />
      <Delivered paused={false} id="control" />
    </>
  );
  const screen = await render(ui(true));
  for (let i = 0; i < 20; i++) engine.emit('s', 'out', { id: i, timestamp: clock.now(), sourceNodeId: 's', port: 'out', data: i });
  clock.increment(1); // the batch goes out
  clock.increment(300); // six metering intervals
  await expect.element(screen.getByTestId('control')).toHaveTextContent(/^20$/);
  await expect.element(screen.getByTestId('delivered')).toHaveTextContent(/^0$/); // paused: still the first snapshot
  await screen.rerender(ui(false));
  await expect.element(screen.getByTestId('delivered')).toHaveTextContent(/^20$/);
  await screen.unmount();
  engine.dispose();
});
