import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Who may connect to a listening web node: browsers by `Origin` (none unless listed, `'*'` for
 * any; a request without `Origin` is not a browser and passes), a shared `token` (header
 * `Authorization: Bearer <token>` or query `?token=`), and an `authorize` hook (engine API only).
 *
 * @example
 * ```ts
 * const a: Access = { allowedOrigins: ['http://localhost:5173'], token: 's3cret' };
 * ```
 * @internal
 */
export interface Access {
  readonly allowedOrigins?: readonly string[];
  readonly token?: string;
  readonly authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
}

/**
 * The HTTP status refusing `req`, or 0 when it may pass: 403 for an origin not allowed, 401 for
 * a missing or wrong token, or an `authorize` hook that says no (or throws).
 *
 * @example
 * ```ts
 * const status = await refusal(req, { token: 's3cret' }); // 401 without the token
 * ```
 * @internal
 */
export async function refusal(req: IncomingMessage, access: Access): Promise<number> {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const allowed = access.allowedOrigins ?? [];
    if (!allowed.includes('*') && !allowed.includes(origin)) return 403;
  }
  if (access.token !== undefined && tokenOf(req) !== access.token) return 401;
  if (access.authorize) {
    try {
      if (!(await access.authorize(req))) return 401;
    } catch {
      return 401;
    }
  }
  return 0;
}

/** The token a request carries: `Authorization: Bearer x`, or `?token=x` (EventSource and browsers' WebSocket cannot set headers). */
function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
}

/**
 * The path part of a request's URL (the query stripped), for routing.
 *
 * @example
 * ```ts
 * pathOf(req); // '/events' for '/events?token=x'
 * ```
 * @internal
 */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

/**
 * Refuses an HTTP upgrade on the raw socket, before any WebSocket exists.
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket) => refuseUpgrade(socket, 401));
 * ```
 * @internal
 */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
