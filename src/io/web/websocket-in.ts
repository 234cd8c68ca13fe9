import { atLeastOne, oneOf } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { InvalidPayloads, type InvalidPolicy } from '../faults.js';
import { Ingress } from '../ingress.js';
import { decodePayload } from '../payload.js';
import { openWsEndpoint, type WsEndpoint } from './ws-endpoint.js';
import type { WsSocket } from './ws-peer.js';
import { wsConfigProblems, wsSettings } from './ws-config.js';

/**
 * `websocket in`: each WebSocket message becomes a flow message (decoded per `format`). Server
 * mode listens (127.0.0.1 by default) or attaches to an http.Server; client mode connects to
 * `url` and reconnects with backoff. While the flow is backpressured every socket is paused
 * (`ws.pause()` stops reading the TCP socket), so the sender's own buffers fill instead of
 * ours. Malformed payloads are counted and reported (and routed to `error` with
 * `onInvalid: 'error'`); a message over `maxPayloadBytes` closes its socket with 1009 (the
 * WebSocket rule) and is counted `oversized`.
 *
 * @example
 * ```ts
 * { id: 'in', type: 'websocket in', config: { mode: 'server', port: 8080, path: '/ingest', token: 's3cret' } }
 * ```
 */
export const websocketInType: NodeTypeDefinition = {
  type: 'websocket in',
  description: 'Messages from WebSocket peers (server: listen or attach; client: connect to url); paused sockets carry backpressure to the sender.',
  kind: 'source',
  outputs: { out: { type: 'any' }, error: { type: 'object' } },
  validateConfig: (c) => wsConfigProblems(c, { holdLimit: atLeastOne, onInvalid: oneOf(['drop', 'error']) }),
  create(ctx) {
    const { settings, format } = wsSettings(ctx.config);
    const invalid = new InvalidPayloads(ctx, (ctx.config.onInvalid as InvalidPolicy | undefined) ?? 'drop');
    let endpoint: WsEndpoint | undefined;
    let stopped = false;
    const each = (f: (ws: WsSocket) => void) => endpoint?.sockets.forEach(f);
    // What a socket's receiver had already parsed when it was paused still arrives: the hold
    // keeps it (holdLimit), so a pause costs at most one read's worth per socket.
    const ingress = new Ingress(ctx, {
      holdLimit: (ctx.config.holdLimit as number | undefined) ?? 1000,
      // One pause per trip between the watermarks (48 in the 30 s overload test), so a state each is cheap.
      pause: () => (each((ws) => ws.pause()), ctx.report({ kind: 'state', state: 'paused' })),
      resume: () => (each((ws) => ws.resume()), ctx.report({ kind: 'state', state: 'connected' })),
    });
    const onSocket = (ws: WsSocket, peer: string) => {
      if (ingress.isPaused) ws.pause();
      ws.on('message', (data) => {
        const d = decodePayload(data, format, settings.maxPayloadBytes);
        if (d.ok) ingress.offer(d.data);
        else invalid.handle(d.code, d.message, peer, data);
      });
      ws.on('error', (e) => {
        if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') invalid.handle('OVERSIZED_PAYLOAD', `${e.message}: the socket was closed (1009)`, peer, '', settings.maxPayloadBytes + 1);
        else ctx.report({ kind: 'error', code: 'CONNECTION_FAILED', message: `${peer}: ${e.message}` });
      });
    };
    return {
      async start() {
        const ep = await openWsEndpoint(ctx, settings, onSocket);
        if (stopped) return void ep.close();
        endpoint = ep;
      },
      stop() {
        stopped = true;
        ingress.close();
        void endpoint?.close();
      },
    };
  },
};
