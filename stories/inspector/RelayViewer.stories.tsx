import { createInspector, createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useMemo, useState } from 'react';
import { expect, userEvent, waitFor } from 'storybook/test';
import { connectionMachine, nodeMachine, StreamEngine, widgetMachine, engineMachine } from '../../src/index.js';
import { RemoteInspectorView, type InspectionSource } from './RemoteInspectorView.js';

const machines = { connection: connectionMachine, node: nodeMachine, widget: widgetMachine, engine: engineMachine };

// What the WebSocket adapter does to an event: JSON on the wire (functions and cycles dropped).
function wire(e: StatelyInspectionEvent): StatelyInspectionEvent {
  const seen = new WeakSet<object>();
  return JSON.parse(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'function' ? undefined : typeof v === 'object' && v !== null ? (seen.has(v) ? undefined : (seen.add(v), v)) : v)));
}

/** An engine inspected through @statelyai/inspect with an in-memory adapter instead of a socket. */
function InMemoryRelay() {
  const [listeners] = useState(() => new Set<(e: StatelyInspectionEvent) => void>());
  const source = useMemo<InspectionSource>(() => ({ subscribe: (f) => (listeners.add(f), { unsubscribe: () => void listeners.delete(f) }) }), [listeners]);
  const [engine, setEngine] = useState<StreamEngine | null>(null);
  useEffect(() => {
    const inspector = createInspector({ send: (e) => listeners.forEach((f) => f(wire(e))) });
    const e = new StreamEngine({}, { inspect: inspector.inspect });
    e.createConnection('sensor', 'sink', 'out', 'in');
    setEngine(e);
    return () => e.dispose();
  }, [listeners]);
  const c = engine && engine.getConnection('sensor:out->sink:in');
  return (
    <div>
      <button type="button" onClick={() => c?.openCircuit()}>openCircuit()</button> <button type="button" onClick={() => c?.closeCircuit()}>closeCircuit()</button>
      <RemoteInspectorView source={source} machines={machines} />
    </div>
  );
}

const meta: Meta = {
  title: 'Inspector/Relay viewer',
  parameters: { docs: { description: { component: "An engine inspected from the outside: its actors' inspection events go through `@statelyai/inspect` as JSON (here an in-memory adapter instead of a WebSocket), and `trackRemoteActors` rebuilds each actor's state for the charts." } } },
};
export default meta;

const active = (root: HTMLElement) => [...root.querySelectorAll('[data-active="true"]')].map((e) => e.getAttribute('data-state-id')).filter((id) => id !== 'connection');

export const InMemory: StoryObj = {
  render: () => <InMemoryRelay />,
  play: async ({ canvasElement, canvas }) => {
    await waitFor(() => expect(canvasElement.querySelector('[data-machine="connection"][data-layout="ready"]')).not.toBeNull(), { timeout: 10_000 });
    expect(active(canvasElement)).toEqual(['connection.flowing']);
    await userEvent.click(canvas.getByRole('button', { name: 'openCircuit()' }));
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.circuitOpen']));
    expect(canvasElement.querySelector('[data-taken="true"]')?.getAttribute('data-transition-id')).toBe('connection|breaker.open|0');
    await userEvent.click(canvas.getByRole('button', { name: 'closeCircuit()' }));
    await waitFor(() => expect(active(canvasElement)).toEqual(['connection.flowing']));
    const steps = [...canvasElement.querySelectorAll('ol[aria-label="recent transitions"] li')].map((li) => li.textContent);
    expect(steps).toEqual(['breaker.open: "flowing" → "circuitOpen"', 'breaker.close: "circuitOpen" → "flowing"']);
    expect(canvas.getAllByRole('button', { name: /^(engine|node|connection):/ }).length).toBeGreaterThanOrEqual(4);
  },
};

/**
 * The offline path for real: run `node scripts/inspector-relay.mjs` (a local
 * createInspectorServer), point your app's createWebSocketInspector at it, and open this story.
 * Not run as a test: it needs the relay.
 */
export const LocalRelay: StoryObj<{ url: string }> = {
  tags: ['!test'],
  args: { url: 'ws://127.0.0.1:8080' },
  render: ({ url }) => <LocalRelayView url={url} />,
};

function LocalRelayView({ url }: { url: string }) {
  const source = useMemo<InspectionSource>(() => createWebSocketReceiver({ server: url }) as unknown as InspectionSource, [url]);
  return <RemoteInspectorView source={source} machines={machines} />;
}
