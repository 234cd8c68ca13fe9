import { describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { createActor } from 'xstate';
import { connectionMachine, type ConnectionPort } from '../../src/index.js';
import { machineToGraph, useChartTrace, type ActorLike, type ChartGraph } from '../../src/inspect/index.js';
import { fakeActor } from '../widgets/fake-engine.js';

function Trace(props: { actor: ActorLike; graph?: ChartGraph }) {
  const t = useChartTrace(props.actor, props.graph);
  return (
    <div>
      <span data-testid="value">{JSON.stringify(t.value)}</span>
      <span data-testid="taken">{t.taken.join(' ')}</span>
    </div>
  );
}

const graph = machineToGraph(connectionMachine);
const port: ConnectionPort = { isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 5000, probeTimedOut() {} };

describe('useChartTrace', () => {
  test('an actor without system.inspect: transitions inferred from the snapshot event', async () => {
    const a = fakeActor('halfOpen');
    const screen = await render(<Trace actor={a.actor} graph={graph} />);
    await expect.element(screen.getByTestId('value')).toHaveTextContent('"halfOpen"');
    a.set('flowing', 'breaker.probeSucceeded');
    await expect.element(screen.getByTestId('value')).toHaveTextContent('"flowing"');
    await expect.element(screen.getByTestId('taken')).toHaveTextContent('connection.halfOpen|breaker.probeSucceeded|0 connection.settled||1');
    a.set('flowing'); // no event: nothing to infer, the last step stays shown
    await expect.element(screen.getByTestId('taken')).toHaveTextContent('connection.halfOpen|breaker.probeSucceeded|0 connection.settled||1');
    await screen.unmount();
  });

  test('without a graph nothing is inferred; an XState actor still reports its microsteps', async () => {
    const a = fakeActor('halfOpen');
    const screen = await render(<Trace actor={a.actor} />);
    a.set('flowing', 'breaker.probeSucceeded');
    await expect.element(screen.getByTestId('value')).toHaveTextContent('"flowing"');
    await expect.element(screen.getByTestId('taken')).toHaveTextContent(/^$/);
    await screen.unmount();
    // The positive control: a real actor goes through system.inspect, even with a graph given.
    const actor = createActor(connectionMachine, { input: { connectionId: 'c', port } }).start();
    const real = await render(<Trace actor={actor} graph={graph} />);
    await expect.element(real.getByTestId('value')).toHaveTextContent('"flowing"');
    actor.send({ type: 'breaker.open', openFor: 10_000 });
    await expect.element(real.getByTestId('value')).toHaveTextContent('"circuitOpen"');
    await expect.element(real.getByTestId('taken')).toHaveTextContent(/^connection\|breaker\.open\|0$/);
    await real.unmount();
    actor.stop();
  });
});
