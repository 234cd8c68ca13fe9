import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { optionalPeer } from '../optional-peer.js';
import { CloseCode, SUBPROTOCOL } from '../remote/protocol.js';
import { Hub } from './hub.js';
import { resolveOptions, type ResolvedOptions, type ServeOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { Session, type SocketLike } from './session.js';

const loadWs = optionalPeer('ws', '@nodeflow/runtime/server', () => import('ws'));

/**
 * Counts of what the server holds now.
 *
 * @example
 * ```ts
 * const { sockets, subscriptions, bufferedBytes } = srv.stats();
 * ```
 */
export interface ServerStats {
  readonly sockets: number;
  readonly subscriptions: number;
  /** Bytes queued in every socket's send buffer. */
  readonly bufferedBytes: number;
  /** Lifecycle events waiting to be sent, over every socket. */
  readonly pendingEvents: number;
  /** Widgets whose data$ the server follows. */
  readonly followedWidgets: number;
  readonly framesSent: number;
  readonly bytesSent: number;
}

/**
 * A running remote-dashboard endpoint (see {@link serveEngine}).
 *
 * @example
 * ```ts
 * const srv = await serveEngine({ engine, port: 0, allowedOrigins: ['http://localhost:5173'] });
 * console.log(srv.url); // ws://127.0.0.1:<port>/nodeflow
 * await srv.close();
 * ```
 */
export interface RemoteServer {
  /** The port listened on (`port` mode; 0 in the other modes unless the server listens). */
  readonly port: number;
  readonly url: string;
  /** Routes an HTTP upgrade here (the `noServer` mode); checks run before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** Closes every socket with 4000 and, in `port` mode, the HTTP server. */
  close(): Promise<void>;
  stats(): ServerStats;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Serves an engine to remote dashboards over WebSocket (protocol `nodeflow.v1`). Secure by
 * default: it listens on 127.0.0.1, accepts only the `allowedOrigins`, asks `authorize` before
 * any WebSocket exists, and bounds what each socket may cost (see `limits`). Needs the `ws`
 * package (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { StreamEngine } from '@nodeflow/runtime';
 * import { serveEngine } from '@nodeflow/runtime/server';
 * const engine = new StreamEngine();
 * const srv = await serveEngine({ engine, port: 0, allowedOrigins: ['http://localhost:5173'] });
 * await srv.close();
 * engine.dispose();
 * ```
 */
export async function serveEngine(options: ServeOptions): Promise<RemoteServer> {
  const o = resolveOptions(options);
  const { WebSocketServer } = await loadWs();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.limits.maxPayload,
    perMessageDeflate: false,
    // The upgrade check made sure it was offered; never settle on another one the client lists.
    handleProtocols: (offered: Set<string>) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const sessions = new Set<Session>();
  const now = () => performance.now();
  let engineGone = false;
  const hub = new Hub(o.engine, () => scheduler.wake(), () => {
    engineGone = true;
    for (const s of [...sessions]) s.end(CloseCode.EngineDisposed);
  });
  const scheduler = new Scheduler(sessions, hub, now);
  let closing = false;
  const hubCleanup: (() => void)[] = [];
  let pending = 0; // upgrades between the checks and the WebSocket (they count toward maxSockets)
  let authorizing = 0; // upgrades waiting on authorize (they hold a place in maxSockets too)

  const sweepMs = Math.max(100, Math.min(o.limits.pingIntervalMs, o.limits.helloTimeoutMs) / 2);
  const sweep = setInterval(() => {
    const t = now();
    for (const s of sessions) {
      // The scheduler checks full send buffers when it has data to send; this catches a client
      // that stops reading while only control replies (pongs, errors) go out to it.
      if (s.ws.bufferedAmount > o.limits.highWaterMark) {
        s.blockedSince ??= t;
        if (t - s.blockedSince >= o.limits.slowTimeoutMs) {
          s.end(CloseCode.SlowConsumer);
          continue;
        }
      }
      if (!s.greeted) {
        if (t - s.openedAt > o.limits.helloTimeoutMs) s.end(CloseCode.HelloExpected);
      } else if (t - s.lastSeen > 2 * o.limits.pingIntervalMs) s.end(CloseCode.HeartbeatTimeout);
      else s.ws.ping();
    }
  }, sweepMs);
  sweep.unref();

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const status = check(o, req, closing || engineGone);
    if (status !== 0) return refuse(socket, status);
    // An upgrade being authorized holds a place in maxSockets: an async authorize must not let
    // any number of simultaneous upgrades through on the same stale count.
    if (sessions.size + pending + authorizing >= o.limits.maxSockets) return refuse(socket, 503);
    authorizing++;
    let allowed: boolean;
    try {
      allowed = await authorized(o, req);
    } finally {
      authorizing--;
    }
    if (!allowed) return refuse(socket, 401);
    if (closing || engineGone) return refuse(socket, 503);
    if (socket.destroyed) return;
    // ws answers a bad handshake itself (400) without calling back: count the socket's end too,
    // or each bad handshake would hold a place in maxSockets for ever.
    let counted = true;
    const release = () => {
      if (counted) (counted = false), pending--;
    };
    pending++;
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      release();
      if (closing || engineGone) return ws.close(closing ? CloseCode.ServerShutdown : CloseCode.EngineDisposed); // ended while it upgraded
      const session = new Session(ws as unknown as SocketLike, hub, o.limits, () => scheduler.wake(), now, (s) => sessions.delete(s));
      sessions.add(session);
    });
  }

  let http: Server | undefined;
  let port = 0;
  if (o.listen.mode === 'port') {
    http = createServer((_, res) => res.writeHead(426, { Connection: 'close' }).end());
    http.on('upgrade', (req, socket, head) => void handleUpgrade(req, socket, head));
    const { port: want, host } = o.listen;
    try {
      await new Promise<void>((resolve, reject) => {
        http!.once('error', reject);
        http!.listen(want, host, () => resolve());
      });
    } catch (error) {
      // Port taken, host unknown: leave nothing running behind the rejection.
      clearInterval(sweep);
      scheduler.stop();
      hub.dispose();
      wss.close();
      throw error;
    }
    port = (http.address() as { port: number }).port;
  } else if (o.listen.mode === 'server') {
    const server = o.listen.server;
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (pathOf(req) === o.path) void handleUpgrade(req, socket, head); // other paths belong to others
    };
    server.on('upgrade', onUpgrade);
    hubCleanup.push(() => server.off('upgrade', onUpgrade));
    const a = server.address();
    if (a && typeof a === 'object') port = a.port;
  }
  const host = o.listen.mode === 'port' ? o.listen.host : '127.0.0.1';
  return {
    port,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}${o.path}`,
    handleUpgrade,
    stats: () => {
      let subscriptions = 0, bufferedBytes = 0, pendingEvents = 0;
      for (const s of sessions) {
        subscriptions += s.subs.size;
        bufferedBytes += s.ws.bufferedAmount;
        pendingEvents += s.events.length;
      }
      return { sockets: sessions.size, subscriptions, bufferedBytes, pendingEvents, followedWidgets: hub.followed, framesSent: scheduler.frames, bytesSent: scheduler.bytes };
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(sweep);
      scheduler.stop();
      for (const s of [...sessions]) s.end(CloseCode.ServerShutdown);
      hub.dispose();
      for (const f of hubCleanup) f();
      wss.close();
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The upgrade's synchronous checks, in order; 0 lets it on to authorize, else the HTTP status to refuse with. */
function check(o: ResolvedOptions, req: IncomingMessage, closing: boolean): number {
  if (closing) return 503;
  if (pathOf(req) !== o.path) return 404;
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!protocols.includes(SUBPROTOCOL)) return 400;
  const origin = req.headers.origin;
  if (origin === undefined ? !o.allowNoOrigin : !(o.anyOrigin || o.origins.has(origin))) return 403;
  return 0;
}

/** The user's authorize hook: a throw or a falsy answer refuses. */
async function authorized(o: ResolvedOptions, req: IncomingMessage): Promise<boolean> {
  if (!o.authorize) return true;
  try {
    const ok = await o.authorize(req);
    return !(ok === false || ok == null);
  } catch {
    return false;
  }
}
