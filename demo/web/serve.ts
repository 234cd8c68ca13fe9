// The demo's web page server: one node:http server on 127.0.0.1 that serves the page (index.html
// and its bundle, from memory) and, on the same port, the demo's engine over the remote
// protocol (serveEngine attached to it). Only pages from this very server may connect.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { StreamEngine } from '../../src/index.js';
import { serveEngine } from '../../src/server/index.js';
import { bundlePage } from './bundle.js';
import { BUNDLE_PATH, ENGINE_PATH, INDEX_HTML } from './paths.js';

/** The running page server (see {@link serveDashboard}). */
export interface WebDashboard {
  /** The page, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The engine's WebSocket endpoint, e.g. `ws://127.0.0.1:41234/nodeflow`. */
  readonly engineUrl: string;
  /** Closes the engine's sockets, every HTTP connection and the server. */
  close(): Promise<void>;
}

/**
 * Serves `engine`'s live dashboard page on 127.0.0.1:`port` (0: any free port). The bundle is
 * built at once in the background; a request that comes first waits for it. A failed build
 * answers 500 with esbuild's message (and says it once on stderr); the demo goes on.
 *
 * @example
 * ```ts
 * const web = await serveDashboard(engine, 0);
 * console.log(`open ${web.url}`);
 * await web.close();
 * ```
 */
export async function serveDashboard(engine: StreamEngine, port: number): Promise<WebDashboard> {
  const bundle = bundlePage();
  bundle.catch((e: unknown) => console.error(`demo web page: the bundle failed: ${e instanceof Error ? e.message : String(e)}`));
  const http = createServer((req, res) => void answer(req, res, bundle));
  await new Promise<void>((resolve, reject) => {
    // A taken --port: say which, and how to get another (the stack trace alone does not).
    http.once('error', (e: Error) => reject(new Error(`demo web page: cannot listen on 127.0.0.1:${port} (${e.message}); pass --port=0 for any free port, or --no-web`)));
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (http.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${actual}`;
  // localhost is the same server under another name, and what many people type.
  const remote = await serveEngine({ engine, server: http, path: ENGINE_PATH, allowedOrigins: [origin, `http://localhost:${actual}`] });
  return {
    url: `${origin}/`,
    engineUrl: `ws://127.0.0.1:${actual}${ENGINE_PATH}`,
    async close() {
      await remote.close();
      await bundle.catch(() => undefined); // never leave esbuild's child running
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // An open tab holds keep-alive connections: close() alone would wait for them.
      http.closeAllConnections();
      await closed;
    },
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, bundle: Promise<Uint8Array>): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (path === '/' || path === '/index.html') return void res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
  if (path !== BUNDLE_PATH) return void res.writeHead(404, headers).end();
  try {
    const js = await bundle;
    res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8', 'content-length': js.byteLength }).end(req.method === 'HEAD' ? undefined : js);
  } catch (e) {
    res.writeHead(500, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(`the page's bundle failed:\n${e instanceof Error ? e.message : String(e)}`);
  }
}
