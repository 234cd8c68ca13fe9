import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { NodeflowError } from '../../errors.js';

/**
 * An HTTP server a web node listens with, and everything it must close at stop.
 *
 * @example
 * ```ts
 * const l = await listen('127.0.0.1', 8080, handler);
 * await l.close();
 * ```
 * @internal
 */
export interface Listener {
  readonly server: Server;
  /** The port listened on (the one asked, or the OS's pick for 0). */
  readonly port: number;
  /** Stops listening and destroys every open socket (keep-alive ones too), so nothing lingers. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port`. A port already in use (or any listen error) rejects with a typed
 * `CONNECTION_FAILED` NodeflowError naming the address, so the node fails clearly at start.
 *
 * @example
 * ```ts
 * await listen('127.0.0.1', 8080, (req, res) => res.end('ok')); // CONNECTION_FAILED if 8080 is taken
 * ```
 * @internal
 */
export function listen(host: string, port: number, handler?: RequestListener): Promise<Listener> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new NodeflowError('CONNECTION_FAILED', `cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`, { host, port, cause: error })),
    );
    server.listen(port, host, () => {
      const bound = (server.address() as { port: number }).port;
      resolve({
        server,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
