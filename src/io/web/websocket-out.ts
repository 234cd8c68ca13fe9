import { atLeastOne } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { NodeflowError } from '../../errors.js';
import { encodePayload } from '../payload.js';
import { openWsEndpoint, type WsEndpoint } from './ws-endpoint.js';
import { OPEN } from './ws-peer.js';
import { wsConfigProblems, wsSettings } from './ws-config.js';

/**
 * `websocket out`: each message it receives is sent as one WebSocket message (encoded per
 * `format`).
 * - server mode broadcasts to every connected client. A batch settles once it was handed to
 *   every client's socket: the flow never waits for the slowest viewer. A client whose unsent
 *   bytes (`bufferedAmount`) exceed `maxBufferedBytes` is sent 1013 ("try again later") and terminated,
 *   and counted `slowClients`, so no client is buffered without bound.
 * - client mode sends to the server at `url`; a batch settles once its last message was written
 *   to the socket (the send callback), so the socket's drain holds the flow back. While the link
 *   is down the batch waits and is sent on reconnect. What was already written to the socket when
 *   the link broke may be lost with the peer's buffers (WebSocket has no acknowledgements).
 *
 * @example
 * ```ts
 * { id: 'out', type: 'websocket out', config: { mode: 'server', port: 8081, path: '/live', allowedOrigins: ['http://localhost:5173'] } }
 * ```
 */
export const websocketOutType: NodeTypeDefinition = {
  type: 'websocket out',
  description: 'Sends messages to WebSocket peers (server: broadcast, slow clients dropped with 1013; client: send to url, honouring drain).',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: (c) => wsConfigProblems(c, { maxBufferedBytes: atLeastOne }),
  create(ctx) {
    const { settings, format } = wsSettings(ctx.config);
    const limit = (ctx.config.maxBufferedBytes as number | undefined) ?? 1 << 20;
    let endpoint: WsEndpoint | undefined;
    let stopped = false;
    // Client mode: batches waiting for the link to open.
    let opened: Array<() => void> = [];
    const onSocket = () => {
      const waiting = opened;
      opened = [];
      for (const go of waiting) go();
    };
    const stoppedError = () => new NodeflowError('TARGET_STOPPED', `websocket out ${ctx.nodeId} stopped`);

    const broadcast = (payloads: readonly (string | Uint8Array)[]) => {
      for (const ws of endpoint?.sockets ?? []) {
        if (ws.readyState !== OPEN) continue;
        if (ws.bufferedAmount > limit) {
          ctx.count('slowClients');
          ws.close(1013, 'too slow');
          // The close frame queues behind what it could not read: do not wait for it.
          ws.terminate();
          continue;
        }
        for (const p of payloads) ws.send(p);
        ctx.count('sent', payloads.length);
      }
    };

    const sendToServer = async (payloads: readonly (string | Uint8Array)[]): Promise<void> => {
      for (;;) {
        if (stopped) throw stoppedError();
        const ws = [...(endpoint?.sockets ?? [])].find((w) => w.readyState === OPEN);
        if (!ws) {
          await new Promise<void>((r) => opened.push(r));
          continue;
        }
        const written = await new Promise<boolean>((resolve) => {
          for (let i = 0; i < payloads.length; i++) ws.send(payloads[i]!, i === payloads.length - 1 ? (err) => resolve(!err) : undefined);
        });
        if (written) return void ctx.count('sent', payloads.length);
        ctx.count('resent', payloads.length); // the link broke mid-batch: send it all again once back
      }
    };

    return {
      async start() {
        const ep = await openWsEndpoint(ctx, settings, onSocket);
        if (stopped) return void ep.close();
        endpoint = ep;
      },
      process(batch) {
        const payloads = batch.messages.map((m) => encodePayload(m.data, format));
        if (settings.mode === 'client') return sendToServer(payloads);
        broadcast(payloads);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        onSocket(); // waiting batches wake up and see the stop
        void endpoint?.close();
      },
    };
  },
};
