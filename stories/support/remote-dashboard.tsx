import { useEffect, useState, type ReactNode } from 'react';
import { connectEngine, type RemoteEngine, type RemoteStatus } from '../../src/remote/index.js';
import { StreamEngineProvider } from '../../src/widgets/index.js';
import { DashboardView } from './dashboard-view.js';

// The Dashboard story's 18 widgets (the same view), read from a remote engine that
// `npm run bench:remote` (or your own serveEngine) runs with the same ids.

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
  return (
    <RemoteLive url={a.url}>
      {(status) => (
        <DashboardView
          title={
            <strong style={{ fontSize: 14 }} aria-label="link" data-status={status}>
              {a.url} · {status}
            </strong>
          }
          {...a}
        />
      )}
    </RemoteLive>
  );
}
