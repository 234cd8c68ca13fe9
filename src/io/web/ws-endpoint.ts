import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NodeContext } from '../../actors/workflow/node-types.js';
import { pathOf, refusal, refuseUpgrade, type Access } from './access.js';
import { backoffDelay } from './backoff.js';
import { listen, type Listener } from './listen.js';
import { loadWs, type WsSocket } from './ws-peer.js';

/**
 * One end of a WebSocket link, server or client, as `websocket in` / `websocket out` use it.
 *
 * @example
 * ```ts
 * const ep = await openWsEndpoint(ctx, settings, (ws, peer) => ws.on('message', ...));
 * await ep.close();
 * ```
 * @internal
 */
export interface WsEndpoint {
  /** The open sockets (one at most in client mode). */
  readonly sockets: ReadonlySet<WsSocket>;
  /** The port listened on (server mode with `port`), else 0. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * What an endpoint needs: the mode and its keys, already validated.
 *
 * @example
 * ```ts
 * const s: WsSettings = { mode: 'server', host: '127.0.0.1', port: 8080, path: '/in', maxPayloadBytes: 1 << 20, maxClients: 100 };
 * ```
 * @internal
 */
export interface WsSettings extends Access {
  readonly mode: 'server' | 'client';
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly server?: Server;
  readonly path?: string;
  readonly maxPayloadBytes: number;
  readonly maxClients?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

/**
 * Opens a WebSocket endpoint: a server (listening on host:port, or on the upgrades of an
 * http.Server it is given) that checks origin, token and `maxClients` before any WebSocket
 * exists, or a client that connects to `url` and reconnects with backoff, reporting its link
 * state (`connecting`, `connected`, `reconnecting`, `closed`). `onSocket` hears of every open socket.
 *
 * @example
 * ```ts
 * await openWsEndpoint(ctx, { mode: 'client', url: 'ws://127.0.0.1:8080/', maxPayloadBytes: 1 << 20 }, (ws) => ws.send('hi'));
 * ```
 * @internal
 */
export async function openWsEndpoint(ctx: NodeContext, s: WsSettings, onSocket: (ws: WsSocket, peer: string) => void): Promise<WsEndpoint> {
  return s.mode === 'client' ? openClient(ctx, s, onSocket) : openServer(ctx, s, onSocket);
}

async function openServer(ctx: NodeContext, s: WsSettings, onSocket: (ws: WsSocket, peer: string) => void): Promise<WsEndpoint> {
  const { WebSocketServer } = await loadWs();
  const wss = new WebSocketServer({ noServer: true, maxPayload: s.maxPayloadBytes });
  const sockets = new Set<WsSocket>();
  const path = s.path ?? '/';
  let listener: Listener | undefined;
  if (!s.server) {
    listener = await listen(s.host ?? '127.0.0.1', s.port ?? 0, (_req, res) => res.writeHead(426, { Connection: 'close' }).end('WebSocket only'));
  }
  const server = s.server ?? listener!.server;
  let admitting = 0;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An attached server may route other paths elsewhere: leave those upgrades alone.
    if (pathOf(req) !== path) return void (listener && refuseUpgrade(socket, 404));
    void (async () => {
      // Upgrades still being authorized hold a place too: an async authorize cannot let more
      // than maxClients through at once.
      if (sockets.size + admitting >= (s.maxClients ?? Infinity)) {
        ctx.count('refusedConnections');
        return refuseUpgrade(socket, 503);
      }
      admitting++;
      let status: number | undefined;
      try {
        status = await refusal(req, s);
      } finally {
        admitting--;
      }
      if (status) {
        ctx.count('refusedConnections');
        return refuseUpgrade(socket, status);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const w = ws as unknown as WsSocket;
        sockets.add(w);
        ctx.count('connections');
        w.on('close', () => sockets.delete(w));
        onSocket(w, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
      });
    })();
  };
  server.on('upgrade', onUpgrade);
  ctx.report({ kind: 'state', state: 'connected', detail: listener ? `listening on ${s.host ?? '127.0.0.1'}:${listener.port}${path}` : `attached at ${path}` });
  return {
    sockets,
    port: listener?.port ?? 0,
    async close() {
      server.off('upgrade', onUpgrade);
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      wss.close();
      await listener?.close();
      ctx.report({ kind: 'state', state: 'closed' });
    },
  };
}

async function openClient(ctx: NodeContext, s: WsSettings, onSocket: (ws: WsSocket, peer: string) => void): Promise<WsEndpoint> {
  const { WebSocket } = await loadWs();
  const sockets = new Set<WsSocket>();
  let attempt = 0;
  let stopped = false;
  let current: WsSocket | undefined;
  let timer: unknown;
  const connect = () => {
    timer = undefined;
    ctx.report({ kind: 'state', state: attempt === 0 ? 'connecting' : 'reconnecting', detail: s.url });
    const ws = new WebSocket(s.url!, { maxPayload: s.maxPayloadBytes }) as unknown as WsSocket;
    current = ws;
    let why = '';
    ws.on('error', (e) => (why = e.message));
    ws.once('open', () => {
      attempt = 0;
      sockets.add(ws);
      ctx.report({ kind: 'state', state: 'connected', detail: s.url });
      onSocket(ws, s.url!);
    });
    ws.on('close', (code) => {
      sockets.delete(ws);
      if (stopped) return;
      const wait = backoffDelay(attempt++, s.reconnectMinMs ?? 100, s.reconnectMaxMs ?? 5000);
      ctx.report({ kind: 'state', state: 'reconnecting', detail: `${why || `closed (${code})`}; retry in ${wait} ms` });
      timer = ctx.clock.setTimeout(connect, wait);
    });
  };
  connect();
  return {
    sockets,
    port: 0,
    async close() {
      stopped = true;
      if (timer !== undefined) ctx.clock.clearTimeout(timer);
      current?.terminate();
      sockets.clear();
      ctx.report({ kind: 'state', state: 'closed' });
    },
  };
}
