import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor } from 'storybook/test';
import { EngineInspector } from '../../src/inspect/index.js';
import { FaultScenario } from './scenario.js';

// The running scenario, so a play function can compare the chart with the actor itself.
let current: FaultScenario | null = null;

// A toggle shows its state by its fill, so a viewer sees which fault is on.
const button = (on = false) => ({ font: '13px system-ui, sans-serif', padding: '6px 12px', borderRadius: 6, cursor: 'pointer', border: `1px solid ${on ? '#dc2626' : '#cbd5e1'}`, background: on ? '#fee2e2' : '#fff', color: '#0f172a' });

function Controls({ s }: { s: FaultScenario }) {
  const [, redraw] = useState(0);
  const toggle = (key: 'overload' | 'failing') => () => {
    s[key] = !s[key];
    redraw((n) => n + 1);
  };
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12 }}>
      <button type="button" aria-pressed={s.overload} onClick={toggle('overload')} style={button(s.overload)}>
        overload: slow consumer + fast producer
      </button>
      <button type="button" aria-pressed={s.failing} onClick={toggle('failing')} style={button(s.failing)}>
        fault: consumer throws
      </button>
      <button type="button" onClick={() => s.connection.openCircuit()} style={button()}>
        openCircuit()
      </button>
      <button type="button" onClick={() => s.connection.closeCircuit()} style={button()}>
        closeCircuit()
      </button>
    </div>
  );
}

function LiveEngine() {
  const [s, set] = useState<FaultScenario | null>(null);
  useEffect(() => {
    const scenario = new FaultScenario();
    current = scenario;
    set(scenario);
    return () => {
      scenario.dispose();
      if (current === scenario) current = null;
    };
  }, []);
  if (!s) return <p>starting…</p>;
  return (
    <div>
      <Controls s={s} />
      <EngineInspector engine={s.engine} selected={s.watched} />
    </div>
  );
}

const meta: Meta<typeof EngineInspector> = {
  title: 'Inspector/Engine inspector',
  component: EngineInspector,
  // The inspector needs a running engine, which is not an arg: the story builds its own.
  render: () => <LiveEngine />,
  parameters: {
    docs: {
      description: {
        component:
          '`<EngineInspector engine={engine} />` from `@nodeflow/runtime/inspect`: a running engine\'s nodes, widgets and connections, each connection colored by its machine state. Click a connection or a node to follow its state chart live; a connection also shows its recent state changes. In this story a producer feeds a consumer, a chart and a logger: inject overload (a slow consumer) or faults (a throwing consumer) with the buttons and watch the watched connection go `backpressured`, `retrying`, `circuitOpen`, `halfOpen` and back to `flowing`.',
      },
    },
  },
};
export default meta;

const highlighted = (root: HTMLElement) =>
  [...root.querySelectorAll('[data-machine="connection"] [data-active="true"]')].map((e) => e.getAttribute('data-state-id')).filter((id) => id !== 'connection');
const actorState = () => `connection.${String(current!.connection.actor.getSnapshot().value)}`;
const follows = async (root: HTMLElement, state: string, timeout = 6000) => {
  await waitFor(() => expect(highlighted(root)).toEqual([`connection.${state}`]), { timeout, interval: 20 });
  // The chart shows what the actor is in, not a stale copy.
  await waitFor(() => expect(highlighted(root)).toEqual([actorState()]), { timeout: 1000, interval: 10 });
};

export const Live: StoryObj<typeof EngineInspector> = {
  play: async ({ canvasElement, canvas }) => {
    await waitFor(() => expect(canvasElement.querySelector('[data-machine="connection"][data-layout="ready"]')).not.toBeNull(), { timeout: 10_000 });
    await follows(canvasElement, 'flowing');
    const button = (name: RegExp) => canvas.getByRole('button', { name });

    await userEvent.click(button(/overload/));
    await follows(canvasElement, 'backpressured');
    await waitFor(() => expect(canvasElement.querySelector(`svg[aria-label="engine topology"] [data-connection-id="${current!.watched}"]`)?.getAttribute('data-state')).toBe('backpressured'));
    await userEvent.click(button(/overload/));
    await follows(canvasElement, 'flowing');

    await userEvent.click(button(/consumer throws/));
    await follows(canvasElement, 'circuitOpen', 8000);
    const timeline = () => [...canvasElement.querySelectorAll('ol[aria-label="recent transitions"] li')].map((li) => li.getAttribute('data-to'));
    await waitFor(() => expect(timeline()).toContain('halfOpen'), { timeout: 4000 }); // a failed probe re-opens it
    await userEvent.click(button(/consumer throws/));
    await follows(canvasElement, 'flowing', 8000);
    expect(timeline()).toEqual(expect.arrayContaining(['retrying', 'circuitOpen', 'halfOpen', 'flowing']));
    // The last edge drawn as taken is the one that left halfOpen (then the transient settled one).
    expect(canvasElement.querySelector('[data-taken="true"]')).not.toBeNull();

    await userEvent.click(button(/openCircuit/));
    await follows(canvasElement, 'circuitOpen');
    expect(canvasElement.querySelector('[data-transition-id="connection|breaker.open|0"]')?.getAttribute('data-taken')).toBe('true');
    await userEvent.click(button(/closeCircuit/));
    await follows(canvasElement, 'flowing');
  },
};
