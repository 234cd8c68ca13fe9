// A bare `ws` client speaking protocol v1 by hand: what the server tests poke it with.
import WebSocket from 'ws';
import { decodeFrame, type DataBatch } from '../../src/remote/codec.js';
import { SUBPROTOCOL } from '../../src/remote/protocol.js';

export interface Raw {
  ws: WebSocket;
  control: Record<string, unknown>[];
  batches: DataBatch[];
  closed: Promise<{ code: number; reason: string }>;
  send(m: unknown): void;
  next(type: string): Promise<Record<string, unknown>>;
}

export function raw(url: string, options: { origin?: string; protocol?: string } = {}): Promise<Raw> {
  const ws = new WebSocket(url, options.protocol ?? SUBPROTOCOL, { headers: options.origin ? { origin: options.origin } : {} });
  const control: Record<string, unknown>[] = [];
  const batches: DataBatch[] = [];
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return void batches.push(...decodeFrame(data as Buffer));
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    control.push(m);
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        control,
        batches,
        closed,
        send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
        next: (type) => {
          const seen = control.find((m) => m.type === type && !(m as { taken?: boolean }).taken);
          if (seen) return Promise.resolve(Object.assign(seen, { taken: true }));
          return new Promise((res) => waiters.push({ type, resolve: (m) => res(Object.assign(m, { taken: true })) }));
        },
      }),
    );
    ws.once('unexpected-response', (_, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

/** Resolves once `cond()` holds, checking on each turn of the event loop (no fixed sleeps). */
export { until } from '../support/until.js';
