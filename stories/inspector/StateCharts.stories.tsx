import type { Meta, StoryObj } from '@storybook/react-vite';
import { useActorRef } from '@xstate/react';
import { expect, userEvent, waitFor } from 'storybook/test';
import type { AnyStateMachine } from 'xstate';
import { machineToGraph, StateChart } from '../../src/inspect/index.js';
import { connectionMachine, engineMachine, nodeMachine, widgetMachine, type ConnectionEvent, type ConnectionPort } from '../../src/index.js';

const meta: Meta = {
  title: 'Inspector/State charts',
  component: StateChart,
  parameters: { docs: { description: { component: '`<StateChart machine={...} />` from `@nodeflow/runtime/inspect`: a machine laid out with ELK, top to bottom, active states in blue and the last transition taken in orange. One story per machine of the engine, and one live connection machine driven by buttons (its timers are real: `circuitOpen` moves to `halfOpen` by itself).' } } },
};
export default meta;
type Story = StoryObj;

const ready = (root: HTMLElement) => waitFor(() => expect(root.querySelector('[data-layout="ready"]')).not.toBeNull(), { timeout: 10_000 });

// Every state is drawn once and every transition target is an edge.
const drawsAll = (machine: AnyStateMachine): Story['play'] => async ({ canvasElement }) => {
  await ready(canvasElement);
  const g = machineToGraph(machine);
  const drawn = [...canvasElement.querySelectorAll('[data-state-id]')].map((e) => e.getAttribute('data-state-id'));
  expect(drawn.sort()).toEqual(g.states.map((s) => s.id).sort());
  expect(canvasElement.querySelectorAll('[data-transition-id]')).toHaveLength(g.transitions.reduce((n, t) => n + t.targets.length, 0));
};

// Machines are not JSON: they go through render, not args.
const chart = (machine: AnyStateMachine): Story => ({ render: () => <StateChart machine={machine} />, play: drawsAll(machine) });
export const Connection = chart(connectionMachine);
export const Node = chart(nodeMachine);
export const Widget = chart(widgetMachine);
export const Engine = chart(engineMachine);

const port: ConnectionPort = { isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 60_000, probeTimedOut() {} };
const EVENTS: ConnectionEvent[] = [
  { type: 'mailbox.pressure' },
  { type: 'mailbox.relief' },
  { type: 'delivery.retry', attempt: 1, delay: 60_000 },
  { type: 'delivery.recovered' },
  { type: 'breaker.open', openFor: 300 },
  { type: 'breaker.probeSucceeded' },
  { type: 'breaker.close' },
];

/** A bare connection machine (a stub runtime) driven by buttons: its timers are real. */
function LiveConnection() {
  const actor = useActorRef(connectionMachine, { input: { connectionId: 'demo', port } });
  return (
    <div>
      <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', marginBottom: 8 }}>
        {EVENTS.map((e) => (
          <button key={e.type} type="button" onClick={() => actor.send(e)}>
            {e.type}
          </button>
        ))}
      </div>
      <StateChart machine={connectionMachine} actor={actor} />
    </div>
  );
}

const active = (root: HTMLElement) => [...root.querySelectorAll('[data-active="true"]')].map((e) => e.getAttribute('data-state-id')).filter((id) => id !== 'connection');
const taken = (root: HTMLElement) => [...root.querySelectorAll('[data-taken="true"]')].map((e) => e.getAttribute('data-transition-id'));

export const LiveActor: Story = {
  render: () => <LiveConnection />,
  play: async ({ canvasElement, canvas }) => {
    await ready(canvasElement);
    expect(active(canvasElement)).toEqual(['connection.flowing']);
    await userEvent.click(canvas.getByRole('button', { name: 'mailbox.pressure' }));
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.backpressured']));
    expect(taken(canvasElement)).toEqual(['connection.flowing|mailbox.pressure|0']);
    await userEvent.click(canvas.getByRole('button', { name: 'breaker.open' }));
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.circuitOpen']));
    expect(taken(canvasElement)).toEqual(['connection|breaker.open|0']);
    // The after(resetTimeout) timer fires by itself: the chart follows without any click.
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.halfOpen']), { timeout: 3000 });
    expect(taken(canvasElement)).toEqual(['connection.circuitOpen|xstate.after.resetTimeout.connection.circuitOpen|0']);
    await userEvent.click(canvas.getByRole('button', { name: 'breaker.probeSucceeded' }));
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.flowing']));
    expect(taken(canvasElement).sort()).toEqual(['connection.halfOpen|breaker.probeSucceeded|0', 'connection.settled||1']);
  },
};
