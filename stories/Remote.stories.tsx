import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { RemoteDashboard, type RemoteArgs } from './support/remote-dashboard.js';

// The Dashboard's 18 widgets, read over WebSocket from an engine in another process. Start one
// with `npm run bench:remote` (it serves the dashboard's topology at 1M msg/s and drives this
// page) or with your own `serveEngine` using the same ids, and set `url` to its endpoint. Under
// the test runner nothing serves the default url: the play function checks the page without one.
const meta: Meta<RemoteArgs> = {
  title: 'Widgets/Remote',
  parameters: {
    docs: {
      description: {
        component:
          'The dashboard\'s eighteen widgets fed by `connectEngine(url)` instead of a local engine: the engine runs in a Node process behind `serveEngine`, and the page only receives what it can draw (each widget\'s window, once per frame). The header shows the link status, the frame-rate meter and one badge per source connection. `npm run bench:remote` serves the dashboard topology at 1M msg/s and measures this page.',
      },
    },
  },
  args: { url: 'ws://127.0.0.1:8080/nodeflow', bufferSize: 1000, updateInterval: 16, enableBackpressure: false },
  argTypes: {
    url: { control: 'text', description: 'The serveEngine endpoint (ws:// or wss://); the server must admit this page\'s origin.' },
    bufferSize: { control: { type: 'number', min: 1, max: 100_000 }, description: 'How many messages each chart keeps in its window.' },
    updateInterval: { control: { type: 'number', min: 0, max: 1000 }, description: 'Least milliseconds between two renders of a component (16 is one frame at 60 Hz).' },
    enableBackpressure: { control: 'boolean', description: 'Grant the server credit only after a widget rendered, instead of once per frame.' },
  },
};
export default meta;

export const Remote: StoryObj<RemoteArgs> = {
  render: (a) => <RemoteDashboard {...a} />,
  // With no server the 18 cards still render, say they are not connected, and the header says
  // the link is trying again; the bench checks the live page.
  play: async ({ canvasElement }) => {
    const link = await waitFor(() => {
      const el = canvasElement.querySelector('[aria-label="link"]');
      expect(el).not.toBeNull();
      return el!;
    });
    await waitFor(() => expect(link.getAttribute('data-status')).toBe('reconnecting'), { timeout: 5000 });
    const cards = [...canvasElement.querySelectorAll('[role="figure"]')];
    await expect(cards.length).toBe(18);
    for (const card of cards) expect(card.getAttribute('data-connected'), card.getAttribute('aria-label') ?? '').toBe('false');
  },
};
