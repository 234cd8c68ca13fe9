// A real Chromium page reading an engine that runs in Node (test/remote/remote-server.setup.ts):
// connectEngine with the browser's own WebSocket, the widgets' provider and hooks on top.
import { useEffect, useState } from 'react';
import { expect, inject, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { connectEngine, type RemoteEngine, type RemoteStatus } from '../../src/remote/index.js';
import { StreamEngineProvider, useConnectionState, useStreamData, ValueTile } from '../../src/widgets/index.js';

const remote = inject('remote');

function Dashboard(props: { engine: RemoteEngine }) {
  const s = useStreamData<number>(remote.widget, { bufferSize: 20 });
  const state = useConnectionState(remote.connection);
  const missing = useConnectionState('nowhere:out->nothing:in');
  const [status, setStatus] = useState<RemoteStatus>('connecting');
  useEffect(() => {
    const sub = props.engine.status$.subscribe(setStatus);
    return () => sub.unsubscribe();
  }, [props.engine]);
  return (
    <div>
      <span data-testid="status">{status}</span>
      <span data-testid="linked">{s.isConnected ? 'Connected' : 'Disconnected'}</span>
      <span data-testid="latest">{String(s.latest?.data ?? '')}</span>
      <span data-testid="count">{s.data.length}</span>
      <span data-testid="state">{state}</span>
      <span data-testid="missing">{missing}</span>
    </div>
  );
}

test('values from the Node engine reach the DOM, with the link status and a server connection state', async () => {
  const engine = connectEngine(remote.url);
  const screen = await render(<StreamEngineProvider engine={engine}><Dashboard engine={engine} /><ValueTile streamId={remote.widget} title="remote" /></StreamEngineProvider>);
  await expect.element(screen.getByTestId('status')).toHaveTextContent('open');
  await expect.element(screen.getByTestId('linked')).toHaveTextContent('Connected');
  // The server feeds 7,000,000 + n: a value in that range can only have come over the wire.
  await expect.element(screen.getByTestId('latest')).toHaveTextContent(/^7\d{6}$/);
  const first = Number(screen.getByTestId('latest').element().textContent);
  await expect.poll(() => Number(screen.getByTestId('latest').element().textContent)).toBeGreaterThan(first); // it keeps coming
  // A product widget on the same remote engine: the tile's exact value (its title) is a server value.
  await expect.poll(() => screen.getByTestId('kpi-value').element().getAttribute('title')).toMatch(/^7\d{6}$/);
  await expect.element(screen.getByTestId('state')).toHaveTextContent('flowing');
  await expect.element(screen.getByTestId('missing')).toHaveTextContent('unknown');
  await screen.unmount();
  engine.close();
  expect(engine.lastClose).toBeUndefined(); // closed by us, not by the server
});

// A browser sees a refused upgrade (HTTP 403 or 401) only as a failed socket, close code 1006:
// the client cannot tell it from a network cut, so it keeps retrying with backoff. It must never
// open, must report the close, and ends `closed` when the page gives up.
for (const [what, key] of [['an origin the server does not allow', 'refusedOriginUrl'], ['an authorize that refuses', 'refusedAuthUrl']] as const) {
  test(`${what}: the client never opens and reports the close`, async () => {
    const engine = connectEngine(remote[key], { reconnect: { minDelay: 50, maxDelay: 200 } });
    const seen: RemoteStatus[] = [];
    const sub = engine.status$.subscribe((s) => seen.push(s));
    const screen = await render(<StreamEngineProvider engine={engine}><Dashboard engine={engine} /></StreamEngineProvider>);
    await expect.element(screen.getByTestId('status')).toHaveTextContent('reconnecting');
    await expect.poll(() => seen.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(2); // it retried, and was refused again
    expect(engine.lastClose?.code).toBe(1006);
    await expect.element(screen.getByTestId('linked')).toHaveTextContent('Disconnected');
    await expect.element(screen.getByTestId('latest')).toHaveTextContent('');
    await expect.element(screen.getByTestId('state')).toHaveTextContent('unknown'); // no topology ever came
    expect(seen).not.toContain('open');
    engine.close();
    await expect(engine.ready).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(seen.at(-1)).toBe('closed');
    sub.unsubscribe();
    await screen.unmount();
  });
}
