import type { IncomingMessage, ServerResponse } from 'node:http';
import { atLeastOne, checkConfig, delay, text } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { pathOf, refusal, type Access } from './access.js';
import { listen, type Listener } from './listen.js';
import { fnRule, originsRule, pathRule, portRule } from './rules.js';

/**
 * `sse out`: a Server-Sent Events stream (GET on `host:port` + `path`) of the messages reaching
 * it, one `data:` event each (JSON). It never holds the flow back: each client has a bounded
 * queue (the bytes its response has not sent yet, at most `maxQueueBytes`); a client whose
 * queue is over the limit is disconnected and counted `slowClients`, so a slow reader costs at
 * most that much memory. A comment line every `heartbeatMs` keeps proxies from closing idle
 * streams. CORS is off unless `allowedOrigins` lists the page's origin; `token` may come as
 * `?token=` (EventSource cannot set headers).
 *
 * @example
 * ```ts
 * { id: 'live', type: 'sse out', config: { port: 8082, path: '/events', allowedOrigins: ['http://localhost:5173'] } }
 * ```
 */
export const sseOutType: NodeTypeDefinition = {
  type: 'sse out',
  description: 'Server-Sent Events stream of the messages reaching it; slow clients are dropped (bounded queue each), never the flow held.',
  kind: 'sink',
  inputs: { in: { type: 'any' } },
  validateConfig: (c) => [
    ...checkConfig(c, { host: text, port: portRule, path: pathRule, maxQueueBytes: atLeastOne, maxClients: atLeastOne, heartbeatMs: delay, token: text, allowedOrigins: originsRule, authorize: fnRule }),
    ...(c.port === undefined ? ['port is required'] : []),
  ],
  create(ctx) {
    const c = ctx.config;
    const host = (c.host as string | undefined) ?? '127.0.0.1';
    const path = (c.path as string | undefined) ?? '/';
    const maxQueue = (c.maxQueueBytes as number | undefined) ?? 1 << 20;
    const maxClients = (c.maxClients as number | undefined) ?? 100;
    const heartbeatMs = (c.heartbeatMs as number | undefined) ?? 15_000;
    const clients = new Set<ServerResponse>();
    let listener: Listener | undefined;
    let heartbeat: unknown;
    let stopped = false;
    let admitting = 0;

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      if (pathOf(req) !== path) return res.writeHead(404).end();
      if (req.method !== 'GET') return res.writeHead(405, { Allow: 'GET' }).end();
      // Requests still being authorized hold a place too (an async authorize).
      if (clients.size + admitting >= maxClients) return ctx.count('refusedConnections'), res.writeHead(503).end();
      admitting++;
      let status: number | undefined;
      try {
        status = await refusal(req, c as Access);
      } finally {
        admitting--;
      }
      if (status) return ctx.count('refusedConnections'), res.writeHead(status).end();
      const origin = req.headers.origin;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        ...(origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
      });
      res.write(': connected\n\n');
      clients.add(res);
      ctx.count('connections');
      res.on('close', () => clients.delete(res));
    };

    const write = (chunk: string) => {
      for (const res of clients) {
        if (res.writableLength > maxQueue) {
          clients.delete(res);
          ctx.count('slowClients');
          res.destroy();
          continue;
        }
        res.write(chunk);
      }
    };

    return {
      async start() {
        const l = await listen(host, c.port as number, (req, res) => void handle(req, res));
        if (stopped) return void l.close();
        listener = l;
        const beat = () => {
          write(': heartbeat\n\n');
          heartbeat = ctx.clock.setTimeout(beat, heartbeatMs);
        };
        heartbeat = ctx.clock.setTimeout(beat, heartbeatMs);
        ctx.report({ kind: 'state', state: 'connected', detail: `listening on http://${host}:${l.port}${path}` });
      },
      process(batch) {
        let chunk = '';
        for (const m of batch.messages) chunk += `data: ${JSON.stringify(m.data) ?? 'null'}\n\n`;
        write(chunk);
        ctx.count('sent', batch.messages.length);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        if (heartbeat !== undefined) ctx.clock.clearTimeout(heartbeat);
        for (const res of clients) res.end();
        clients.clear();
        void listener?.close().then(() => ctx.report({ kind: 'state', state: 'closed' }));
      },
    };
  },
};
