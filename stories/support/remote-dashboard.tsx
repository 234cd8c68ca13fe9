import { useEffect, useState, type ReactNode } from 'react';
import { connectEngine, type RemoteEngine, type RemoteStatus } from '../../src/remote/index.js';
import { ConnectionBadge, EventLog, FrameRateMeter, Gauge, Histogram, LineChart, MetricsPanel, Sparkline, StreamEngineProvider, ValueTile } from '../../src/widgets/index.js';
import { BenchProbe } from './bench-probe.js';

// The Dashboard story's 18 widgets (four sources, one per pattern) laid out the same way, read
// from a remote engine that `npm run bench:remote` (or your own serveEngine) runs with the same
// ids. The Dashboard story keeps its view private, so this is a copy of it: keep the two alike.
const PATTERNS = ['sine-wave', 'random', 'step', 'sequential'] as const;
const GRID = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))', gap: 10, alignItems: 'stretch' } as const;
const WIDE = { gridColumn: 'span 2' } as const;
const SOURCE_LABEL = { margin: '0 0 4px', fontSize: 11, fontWeight: 600, letterSpacing: 0.6, textTransform: 'uppercase', color: '#57606a' } as const;

/**
 * The story's controls.
 *
 * @example
 * ```ts
 * const args: RemoteArgs = { url: 'ws://127.0.0.1:8080/nodeflow', bufferSize: 1000, updateInterval: 16, enableBackpressure: false };
 * ```
 */
export interface RemoteArgs {
  /** The `serveEngine` endpoint, `ws://host:port/nodeflow`. */
  url: string;
  bufferSize: number;
  updateInterval: number;
  enableBackpressure: boolean;
}

/**
 * What `npm run bench:remote` reads from the page.
 *
 * @example
 * ```ts
 * const bytes = globalThis.__nodeflowRemote?.engine.bytesReceived ?? 0;
 * ```
 */
export interface RemoteProbe {
  readonly engine: RemoteEngine;
  readonly url: string;
}

declare global {
  var __nodeflowRemote: RemoteProbe | undefined;
}

/**
 * Connects to `url` in an effect (closing the link on unmount or when `url` changes), exposes it
 * as `globalThis.__nodeflowRemote` and renders `children` under a provider.
 *
 * @example
 * ```tsx
 * <RemoteLive url="ws://127.0.0.1:8080/nodeflow"><LineChart streamId="chart0" /></RemoteLive>
 * ```
 */
export function RemoteLive(props: { url: string; children: (status: RemoteStatus) => ReactNode }) {
  const [remote, setRemote] = useState<RemoteEngine | null>(null);
  const [status, setStatus] = useState<RemoteStatus>('connecting');
  useEffect(() => {
    const r = connectEngine(props.url);
    const sub = r.status$.subscribe(setStatus);
    setRemote(r);
    globalThis.__nodeflowRemote = { engine: r, url: props.url };
    return () => {
      sub.unsubscribe();
      r.close();
      setRemote(null);
    };
  }, [props.url]);
  if (!remote) return null;
  return <StreamEngineProvider engine={remote}>{props.children(status)}</StreamEngineProvider>;
}

/**
 * The 18-widget dashboard over a remote engine, with a frame-rate meter, the bench probe on
 * `chart0` and one badge per source connection.
 *
 * @example
 * ```tsx
 * <RemoteDashboard url="ws://127.0.0.1:8080/nodeflow" bufferSize={1000} updateInterval={16} enableBackpressure={false} />
 * ```
 */
export function RemoteDashboard(a: RemoteArgs) {
  const w = { updateInterval: a.updateInterval, enableBackpressure: a.enableBackpressure };
  return (
    <RemoteLive url={a.url}>
      {(status) => (
        <div style={{ display: 'grid', gap: 10, font: '12px system-ui, sans-serif', color: '#1f2328', maxWidth: '100%' }}>
          <header style={{ display: 'flex', gap: 14, alignItems: 'center', flexWrap: 'wrap', padding: '6px 10px', background: '#f6f8fa', border: '1px solid #d0d7de', borderRadius: 6 }}>
            <strong style={{ fontSize: 14 }} aria-label="link" data-status={status}>
              {a.url} · {status}
            </strong>
            <FrameRateMeter />
            <BenchProbe streamId="chart0" updateInterval={a.updateInterval} />
            {PATTERNS.map((p, i) => (
              <ConnectionBadge key={p} connectionId={`src${i}:out->chart${i}:in`} label={p} />
            ))}
          </header>
          {PATTERNS.map((p, i) => (
            <section key={p} aria-label={`${p} source`}>
              <h3 style={SOURCE_LABEL}>{`src${i} · ${p}`}</h3>
              <div style={GRID}>
                <LineChart streamId={`chart${i}`} title={`${p} chart`} width={400} height={120} bufferSize={a.bufferSize} style={WIDE} {...w} />
                <Sparkline streamId={`spark${i}`} title={`${p} spark`} width={180} height={48} {...w} />
                <Gauge streamId={`gauge${i}`} title={`${p} gauge`} min={p === 'sequential' ? 0 : -100} max={p === 'sequential' ? 1e5 : 100} size={110} {...w} />
                <ValueTile streamId={`kpi${i}`} title={`${p} value`} digits={1} {...w} />
                {i === 1 && <Histogram streamId="hist" title="random histogram" width={180} height={70} {...w} />}
                {i === 2 && <EventLog streamId="log" title="step events" limit={5} height={75} {...w} />}
              </div>
            </section>
          ))}
          <div style={{ overflowX: 'auto', border: '1px solid #d0d7de', borderRadius: 6, background: '#fff' }}>
            <MetricsPanel intervalMs={500} connectionIds={PATTERNS.map((_, i) => `src${i}:out->chart${i}:in`)} style={{ width: '100%' }} />
          </div>
        </div>
      )}
    </RemoteLive>
  );
}
