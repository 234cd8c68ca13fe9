import type { IncomingMessage, ServerResponse } from 'node:http';
import { atLeastOne, checkConfig, oneOf, text } from '../../actors/workflow/config-rules.js';
import type { NodeTypeDefinition } from '../../actors/workflow/node-types.js';
import { InvalidPayloads, type InvalidPolicy } from '../faults.js';
import { Ingress } from '../ingress.js';
import { decodePayload } from '../payload.js';
import { pathOf, refusal, type Access } from './access.js';
import { listen, type Listener } from './listen.js';
import { readBody } from './read-body.js';
import { fnRule, originsRule, pathRule, portRule } from './rules.js';
import { DEFAULT_MAX_PAYLOAD } from './ws-config.js';

type Body = 'json' | 'ndjson' | 'text';

const send = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

/**
 * `http in`: a POST webhook into a flow, listening on `host:port` + `path` (127.0.0.1 by
 * default). The body is one JSON value, NDJSON (one message per line) or text, per `body`.
 * Answers: 200 `{ accepted }` once the engine took every message of the request; 429 with
 * `Retry-After` while the flow is backpressured (nothing read, nothing taken: resend it all) or
 * when part of an NDJSON body did not fit (`{ accepted: k }`: the first k lines were taken,
 * resend the rest); 413 over `maxPayloadBytes`; 400 for a malformed body; 401/403 for a missing
 * token or a foreign origin; 503 with `Retry-After` while `maxConcurrentBodies` bodies are being
 * read already (default 16: memory stays under that many times `maxPayloadBytes`, whatever the
 * senders do), and 503 if the node stops before the engine took it.
 *
 * @example
 * ```ts
 * { id: 'hook', type: 'http in', config: { port: 8080, path: '/hook', body: 'ndjson', token: 's3cret' } }
 * ```
 */
export const httpInType: NodeTypeDefinition = {
  type: 'http in',
  description: 'A POST webhook into the flow (JSON, NDJSON or text); answers 429 + Retry-After while the flow is backpressured.',
  kind: 'source',
  outputs: { out: { type: 'any' }, error: { type: 'object' } },
  validateConfig: (c) => [
    ...checkConfig(c, {
      host: text,
      port: portRule,
      path: pathRule,
      body: oneOf(['json', 'ndjson', 'text']),
      maxPayloadBytes: atLeastOne,
      holdLimit: atLeastOne,
      retryAfterSeconds: atLeastOne,
      maxConcurrentBodies: atLeastOne,
      token: text,
      allowedOrigins: originsRule,
      authorize: fnRule,
      onInvalid: oneOf(['drop', 'error']),
    }),
    ...(c.port === undefined ? ['port is required'] : []),
  ],
  create(ctx) {
    const c = ctx.config;
    const host = (c.host as string | undefined) ?? '127.0.0.1';
    const path = (c.path as string | undefined) ?? '/';
    const body = (c.body as Body | undefined) ?? 'json';
    const max = (c.maxPayloadBytes as number | undefined) ?? DEFAULT_MAX_PAYLOAD;
    const retryAfter = String((c.retryAfterSeconds as number | undefined) ?? 1);
    // Bodies are read whole (up to maxPayloadBytes) before they are decoded: at most this many
    // at once, so many slow or hostile senders cost at most maxConcurrentBodies x maxPayloadBytes.
    const maxBodies = (c.maxConcurrentBodies as number | undefined) ?? 16;
    let reading = 0;
    const access = c as Access;
    const invalid = new InvalidPayloads(ctx, (c.onInvalid as InvalidPolicy | undefined) ?? 'drop');
    const ingress = new Ingress(ctx, {
      holdLimit: (c.holdLimit as number | undefined) ?? 1000,
      // Nothing to pause outside: while paused, requests are answered 429 (see handle).
      pause: () => ctx.report({ kind: 'state', state: 'paused' }),
      resume: () => ctx.report({ kind: 'state', state: 'connected' }),
    });
    // Requests whose messages are held, waiting for the engine to take them: answered 503 at stop.
    const waiting = new Set<ServerResponse>();
    let listener: Listener | undefined;
    let stopped = false;

    const busy = (res: ServerResponse, accepted: number) => {
      ctx.count('throttled');
      send(res, 429, { accepted, error: 'the flow is backpressured: retry later' }, { 'Retry-After': retryAfter });
    };

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      if (pathOf(req) !== path) return send(res, 404, { error: 'not found' });
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' }, { Allow: 'POST' });
      const status = await refusal(req, access);
      if (status) return ctx.count('unauthorized'), send(res, status, { error: status === 403 ? 'origin not allowed' : 'unauthorized' });
      // Refuse before reading: a paused flow costs the sender a round trip, not us a body.
      if (ingress.isPaused || stopped) return busy(res, 0);
      if (reading >= maxBodies) {
        ctx.count('overloaded');
        return send(res, 503, { accepted: 0, error: `${maxBodies} request bodies are being read already: retry later` }, { 'Retry-After': retryAfter, Connection: 'close' });
      }
      reading++;
      const bytes = await readBody(req, max).finally(() => reading--);
      const source = `${req.socket.remoteAddress}:${req.socket.remotePort}${path}`;
      if (bytes === undefined) return void ctx.count('aborted'); // the peer left mid-body
      if (bytes === null) {
        invalid.handle('OVERSIZED_PAYLOAD', `request body exceeds maxPayloadBytes (${max})`, source, '', Number(req.headers['content-length']) || max + 1);
        return send(res, 413, { error: `body exceeds ${max} bytes` });
      }
      const values: unknown[] = [];
      const lines = body === 'ndjson' ? bytes.toString('utf8').split('\n') : [bytes];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (body === 'ndjson' && (line as string).trim() === '') continue;
        const d = decodePayload(line, body === 'text' ? 'text' : 'json', max);
        if (!d.ok) {
          invalid.handle(d.code, d.message, body === 'ndjson' ? `${source}:${i + 1}` : source, line);
          return send(res, 400, { error: d.message, line: body === 'ndjson' ? i + 1 : undefined, accepted: 0 });
        }
        values.push(d.data);
      }
      offerAll(res, values);
    };

    // Offers every value in order; stops at the first refused (overflow). Answers once the
    // engine took every offered one: 200, or 429 with how many were taken.
    const offerAll = (res: ServerResponse, values: unknown[]) => {
      let acked = 0;
      let target = -1;
      let release!: () => void;
      const taken = new Promise<void>((r) => (release = r));
      const ack = () => ++acked === target && release();
      let accepted = values.length;
      for (let i = 0; i < values.length; i++) {
        if (ingress.offer(values[i], { ack }) === 'overflow') {
          accepted = i;
          break;
        }
      }
      const answer = () => (accepted < values.length ? busy(res, accepted) : send(res, 200, { accepted }));
      if (acked === accepted) return answer();
      target = accepted;
      waitThen(res, taken, answer);
    };

    const waitThen = (res: ServerResponse, taken: Promise<void>, answer: () => void) => {
      waiting.add(res);
      void taken.then(() => {
        waiting.delete(res);
        answer();
      });
    };

    return {
      async start() {
        const l = await listen(host, c.port as number, (req, res) => void handle(req, res));
        if (stopped) return void l.close();
        listener = l;
        ctx.report({ kind: 'state', state: 'connected', detail: `listening on http://${host}:${l.port}${path}` });
      },
      stop() {
        if (stopped) return;
        stopped = true;
        ingress.close();
        for (const res of waiting) send(res, 503, { error: 'stopped before the flow took it' });
        waiting.clear();
        void listener?.close().then(() => ctx.report({ kind: 'state', state: 'closed' }));
      },
    };
  },
};
