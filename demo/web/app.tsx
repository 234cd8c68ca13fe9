// The demo's browser dashboard: the same engine as the terminal one, read over the remote
// protocol. It lists what the topology holds rather than naming widgets, so it follows the
// demo as connections come and go (phase 2 and 3 add theirs after the workflow starts).
import { useEffect, useState, type CSSProperties } from 'react';
import type { EngineTopology } from '../../src/index.js';
import type { RemoteEngine, RemoteStatus } from '../../src/remote/index.js';
import { ConnectionBadge, LineChart, MetricsPanel, StreamEngineProvider, ValueTile } from '../../src/widgets/index.js';

const SECTION: CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: 12, margin: '12px 0' };
const STATUS_COLOR: Record<RemoteStatus, string> = { connecting: '#9a6700', open: '#1a7f37', reconnecting: '#9a6700', closed: '#cf222e' };

/** The latest value of an observable the component follows while it is mounted. */
function useLatest<T>(source: { subscribe(next: (v: T) => void): { unsubscribe(): void } }, initial: T): T {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    const sub = source.subscribe(setValue);
    return () => sub.unsubscribe();
  }, [source]);
  return value;
}

/**
 * The whole page: link status, a LineChart and a ValueTile per widget, a ConnectionBadge per
 * connection, and the MetricsPanel, all fed by `engine`.
 *
 * @example
 * ```tsx
 * createRoot(document.getElementById('root')!).render(<DemoDashboard engine={connectEngine(url)} />);
 * ```
 */
export function DemoDashboard({ engine }: { engine: RemoteEngine }) {
  const status = useLatest<RemoteStatus>(engine.status$, 'connecting');
  const topology = useLatest<EngineTopology>(engine.topology$, engine.topology());
  const widgets = [...topology.nodes()].filter((n) => n.kind === 'widget').map((n) => n.id).sort();
  const connections = [...topology.connections()].map((c) => c.id).sort();
  return (
    <StreamEngineProvider engine={engine}>
      <header style={{ display: 'flex', gap: 16, alignItems: 'baseline' }}>
        <h1 style={{ fontSize: 20, margin: 0 }}>nodeflow demo</h1>
        <span data-testid="link" style={{ color: STATUS_COLOR[status] }}>
          link: {status}
          {status === 'closed' || status === 'reconnecting' ? ' (the demo has ended or is restarting)' : ''}
        </span>
      </header>
      <section style={SECTION} aria-label="charts">
        {widgets.map((id) => (
          <LineChart key={id} streamId={id} title={id} bufferSize={500} width={560} height={200} />
        ))}
      </section>
      <section style={SECTION} aria-label="tiles">
        {widgets.map((id) => (
          <ValueTile key={id} streamId={id} title={`${id}, latest`} bufferSize={100} />
        ))}
      </section>
      <section style={{ ...SECTION, flexDirection: 'column', gap: 4 }} aria-label="connections">
        {connections.map((id) => (
          <ConnectionBadge key={id} connectionId={id} label={id} trail={4} />
        ))}
      </section>
      <MetricsPanel intervalMs={500} />
    </StreamEngineProvider>
  );
}
