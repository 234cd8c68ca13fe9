import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { GracefulErrorRecovery, type StreamEngine } from '../src/index.js';
import { ConnectionBadge, EventLog, LineChart, MetricsPanel } from '../src/widgets/index.js';
import { startProducer } from './support/producer.js';
import { LiveEngine } from './support/live-engine.js';

// A consumer that throws on demand. Short retry and breaker timings so the whole cycle runs in
// about a second: flowing → retrying → circuitOpen ⇄ halfOpen → (recover) → flowing. The chart
// on the same source keeps flowing: a failing consumer costs its own connection only.
const FLAKY = 'sensor:out->flaky:in';
let failing = false;

function build(engine: StreamEngine) {
  failing = false;
  engine.setErrorRecovery(
    new GracefulErrorRecovery({ retryAttempts: 1, retryDelay: 40, jitter: 0, circuitBreaker: { consecutiveFailures: 3, resetTimeout: 250, maxResetTimeout: 500, halfOpenTimeout: 1000 } }),
  );
  engine.node('flaky', {
    process: () => {
      if (failing) throw new Error('injected fault');
    },
  });
  engine.createWidget('chart', { bufferSize: 400 });
  engine.createWidget('log', { bufferSize: 20 });
  engine.createConnection('sensor', 'flaky', 'out', 'in', { bufferSize: 200, maxBatchSize: 20, overflowStrategy: 'dropHead' });
  engine.createConnection('sensor', 'chart', 'out', 'in', { overflowStrategy: 'dropHead' });
  engine.createConnection('sensor', 'log', 'out', 'in', { overflowStrategy: 'dropHead' });
  return [startProducer(engine, 'sensor', { rate: 400, pattern: 'sine-wave' })];
}

const meta: Meta = {
  title: 'Widgets/Faults',
  parameters: { docs: { description: { component: 'A consumer that throws on demand, with short retry and circuit-breaker timings so every state shows within seconds: `retrying` after a failed delivery, `circuitOpen` after consecutive failures, `halfOpen` probes, and `flowing` again once the consumer recovers. A manual open and close go through the same states.' } } },
};
export default meta;

export const RetryCircuitRecovery: StoryObj = {
  render: () => (
    <LiveEngine
      deps={[]}
      build={build}
      view={({ engine }) => (
        <div style={{ display: 'grid', gap: 8 }}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <button onClick={() => (failing = true)}>Inject faults</button>
            <button onClick={() => (failing = false)}>Recover</button>
            <button onClick={() => engine.getConnection(FLAKY).openCircuit()}>Open circuit</button>
          </div>
          <ConnectionBadge connectionId={FLAKY} label="sensor → flaky consumer" trail={6} />
          <ConnectionBadge connectionId="sensor:out->chart:in" label="sensor → chart" />
          <LineChart streamId="chart" title="Chart (same source)" width={480} height={160} />
          <EventLog streamId="log" title="Latest messages" limit={6} height={90} />
          <MetricsPanel intervalMs={250} />
        </div>
      )}
    />
  ),
  play: async ({ canvas, canvasElement, userEvent }) => {
    const badge = () => canvasElement.querySelector(`[role="status"][aria-label="sensor → flaky consumer"]`)!;
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('flowing'), { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: 'Inject faults' }));
    await waitFor(() => expect(badge().getAttribute('data-trail')).toContain('retrying'), { timeout: 5000 });
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('circuitOpen'), { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: 'Recover' }));
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('flowing'), { timeout: 5000 });
    // A manual open also recovers by itself once the consumer is healthy (halfOpen probe).
    await userEvent.click(canvas.getByRole('button', { name: 'Open circuit' }));
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('circuitOpen'), { timeout: 2000 });
    await waitFor(() => expect(badge().getAttribute('data-state')).toBe('flowing'), { timeout: 5000 });
    await expect(canvasElement.querySelector('[aria-label="sensor → chart"]')!.getAttribute('data-state')).toBe('flowing');
  },
};
