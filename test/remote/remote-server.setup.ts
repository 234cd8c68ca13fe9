// globalSetup of the browser project (runs in Node): serves an engine for
// test/remote/remote.browser.test.tsx, and two servers that refuse the page (origin, authorize).
import { StreamEngine } from '../../src/index.js';
import { serveEngine, type RemoteServer } from '../../src/server/index.js';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    remote: { url: string; refusedOriginUrl: string; refusedAuthUrl: string; widget: string; connection: string };
  }
}

/**
 * The origins the vitest page may have. Its server is not up yet when globalSetup runs, so its
 * port is not known: vitest gives browser projects 63315, 63316, ... and vite moves to the next
 * free port when one is taken (other runs on this machine), hence a short range, never '*'.
 */
function pageOrigins(): string[] {
  const origins: string[] = [];
  for (let port = 63315; port < 63335; port++) for (const host of ['localhost', '127.0.0.1']) origins.push(`http://${host}:${port}`);
  return origins;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const origins = pageOrigins();
  const engine = new StreamEngine();
  engine.createWidget('chart', { bufferSize: 50 });
  const connection = engine.createConnection('src', 'chart', 'out', 'in');
  const conn = engine.getConnection(connection);
  let seq = 0;
  // Values the page can only have from this server: 7,000,000 + a counter (the counter runs for
  // the whole browser run, so a bound like 7000 + n < 8000 would not hold after a minute).
  const feed = setInterval(() => {
    conn.offer({ id: ++seq, timestamp: Date.now(), sourceNodeId: 'src', targetNodeId: 'chart', port: 'out', data: 7_000_000 + seq });
    conn.flush();
  }, 20);
  const servers: RemoteServer[] = [
    await serveEngine({ engine, port: 0, allowedOrigins: origins }),
    await serveEngine({ engine, port: 0, allowedOrigins: ['https://refused.example'] }),
    await serveEngine({ engine, port: 0, allowedOrigins: origins, authorize: () => false }),
  ];
  project.provide('remote', { url: servers[0]!.url, refusedOriginUrl: servers[1]!.url, refusedAuthUrl: servers[2]!.url, widget: 'chart', connection });
  return async () => {
    clearInterval(feed);
    for (const s of servers) await s.close();
    engine.dispose();
  };
}
