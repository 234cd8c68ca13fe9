import { describe, expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { EngineInspector } from '../../src/inspect/index.js';
import { CONNECTION_ID, fakeEngine } from '../widgets/fake-engine.js';

describe('EngineInspector over an EngineLike', () => {
  test('lists the connection in its state, follows state changes and shows the chart of a mirrored actor', async () => {
    const f = fakeEngine();
    const screen = await render(<EngineInspector engine={f.engine} />);
    const row = () => screen.container.querySelector(`button[data-connection-id="${CONNECTION_ID}"]`);
    await expect.poll(() => row()?.getAttribute('data-state')).toBe('flowing');
    f.setConnectionState('halfOpen', 'breaker.halfOpen');
    await expect.poll(() => row()?.getAttribute('data-state')).toBe('halfOpen');
    (row() as HTMLButtonElement).click();
    const chart = () => screen.container.querySelector('.nodeflow-state-chart');
    await expect.poll(() => chart()?.getAttribute('data-value')).toBe('"halfOpen"');
    f.setConnectionState('flowing', 'breaker.probeSucceeded');
    await expect.poll(() => chart()?.getAttribute('data-value')).toBe('"flowing"');
    const steps = [...screen.container.querySelectorAll('[aria-label="recent transitions"] li')].map((li) => `${li.getAttribute('data-from')}>${li.getAttribute('data-to')}`);
    expect(steps).toEqual(['flowing>halfOpen', 'halfOpen>flowing']);
    await screen.unmount();
  });
});
