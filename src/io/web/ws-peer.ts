import { optionalPeer } from '../../optional-peer.js';

/**
 * Loads `ws` (an optional peer dependency) on first use, so `@nodeflow/runtime/io` imports
 * without it.
 *
 * @example
 * ```ts
 * const { WebSocket, WebSocketServer } = await loadWs();
 * ```
 * @internal
 */
export const loadWs = optionalPeer('ws', '@nodeflow/runtime/io', () => import('ws'));

/**
 * The part of a `ws` WebSocket the web nodes use (kept structural, so `ws` types stay out of
 * public signatures).
 *
 * @example
 * ```ts
 * const s: WsSocket = ws;
 * s.send('{"t":1}', (err) => err && console.warn(err));
 * ```
 * @internal
 */
export interface WsSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, cb?: (err?: Error) => void): void;
  pause(): void;
  resume(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number) => void): this;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
  once(event: 'open', listener: () => void): this;
}

/** ws's readyState of an open socket. @internal @example `if (s.readyState === OPEN) s.send(x)` */
export const OPEN = 1;
