import { BehaviorSubject } from 'rxjs';
import { backoffDelay } from '../machines/recovery.logic.js';
import { decodeFrame, type DataBatch } from './codec.js';
import { reconnectable, SUBPROTOCOL, type ClientMessage, type ServerMessage } from './protocol.js';

/**
 * Where the link to the server stands: `connecting` (first attempt), `open` (welcomed),
 * `reconnecting` (between attempts after a cut), `closed` (for good: `close()` or a terminal
 * close code, see `lastClose`).
 *
 * @example
 * ```ts
 * remote.status$.subscribe((s: RemoteStatus) => console.log(s));
 * ```
 */
export type RemoteStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The WebSocket constructor to use: the browser's, or `ws` in Node.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * connectEngine(url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Reconnect delays: min(maxDelay, minDelay × 2^(k-1)) × (1 + jitter × random). @example `{ minDelay: 250, maxDelay: 10_000, jitter: 1 }` */
export interface ReconnectOptions {
  readonly minDelay?: number;
  readonly maxDelay?: number;
  readonly jitter?: number;
}

/**
 * What the link reports to the engine. @internal
 *
 * @example
 * ```ts
 * const on: LinkHandlers = { opened: () => {}, control: (m) => {}, data: (bs) => {}, unreadable: () => {}, down: () => {} };
 * ```
 */
export interface LinkHandlers {
  opened(): void;
  control(m: ServerMessage): void;
  data(batches: DataBatch[]): void;
  /** A frame could not be read: its batches (and the credit they used) are lost. */
  unreadable(): void;
  down(): void;
}

const PING_MS = 5_000;

/**
 * One WebSocket at a time to the server: connect, reconnect with backoff on a reconnectable
 * close, ping for round-trip time and clock offset. @internal
 *
 * @example
 * ```ts
 * const link = new Link(url, WebSocket, { minDelay: 250, maxDelay: 10_000, jitter: 1 }, on);
 * link.send({ type: 'ping', t: Date.now() });
 * ```
 */
export class Link {
  readonly status$ = new BehaviorSubject<RemoteStatus>('connecting');
  lastClose: { readonly code: number; readonly reason: string } | undefined;
  bytesReceived = 0;
  /** Frames that could not be read (not JSON, not a valid nf1 frame): skipped, counted. */
  framesSkipped = 0;
  /** Server clock − local clock, from the ping with the smallest round trip of the last 8. */
  offset = 0;
  private samples: { rtt: number; offset: number }[] = [];
  private ws: WebSocket | undefined;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly retryNow = () => {
    // Back online or visible again: retry at once instead of waiting out the backoff.
    if (this.stopped || this.ws !== undefined || this.retry === undefined) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.connect();
  };

  constructor(
    private readonly url: string,
    private readonly WS: WebSocketConstructor,
    private readonly reconnect: Required<ReconnectOptions>,
    private readonly on: LinkHandlers,
  ) {
    const g = globalThis as Partial<Pick<Window, 'addEventListener' | 'document'>>;
    g.addEventListener?.('online', this.retryNow);
    g.document?.addEventListener('visibilitychange', this.retryNow);
    this.connect();
  }

  send(m: ClientMessage): void {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(m));
  }

  /** The server welcomed us: backoff starts over. */
  welcomed(): void {
    this.attempt = 0;
    this.status$.next('open');
  }

  pong(t: number, serverNow: number): void {
    const local = Date.now();
    const rtt = local - t;
    this.samples.push({ rtt, offset: serverNow + rtt / 2 - local });
    if (this.samples.length > 8) this.samples.shift();
    this.offset = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
  }

  close(): void {
    this.stopped = true;
    const g = globalThis as Partial<Pick<Window, 'removeEventListener' | 'document'>>;
    g.removeEventListener?.('online', this.retryNow);
    g.document?.removeEventListener('visibilitychange', this.retryNow);
    clearTimeout(this.retry);
    clearInterval(this.ping);
    this.ws?.close(1000, 'client closed');
    this.status$.next('closed');
    this.status$.complete();
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new this.WS(this.url, SUBPROTOCOL);
    } catch (e) {
      this.lastClose = { code: 1006, reason: String(e) };
      return this.closed(1006);
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      this.on.opened();
      this.sendPing();
      this.ping = setInterval(() => this.sendPing(), PING_MS);
    };
    ws.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.lastClose = { code: ev.code, reason: ev.reason };
      this.closed(ev.code);
    };
    ws.onerror = () => {}; // a close event follows
  }

  private sendPing(): void {
    this.send({ type: 'ping', t: Date.now() });
  }

  private receive(data: unknown): void {
    if (typeof data === 'string') {
      this.bytesReceived += data.length;
      let m: ServerMessage;
      try {
        m = JSON.parse(data) as ServerMessage;
      } catch {
        this.framesSkipped++;
        return;
      }
      return this.on.control(m);
    }
    const buf = data as ArrayBuffer;
    this.bytesReceived += buf.byteLength;
    let batches: DataBatch[];
    try {
      batches = decodeFrame(buf);
    } catch {
      // Skipped: the widgets count the gap at their next batch, and re-subscribe so that the
      // credit those batches used is granted again (else a subscription would wait for ever).
      this.framesSkipped++;
      return this.on.unreadable();
    }
    this.on.data(batches);
  }

  private closed(code: number): void {
    clearInterval(this.ping);
    this.ws = undefined;
    this.on.down();
    if (this.stopped) return;
    if (!reconnectable(code)) {
      this.stopped = true;
      this.status$.next('closed');
      return;
    }
    this.status$.next('reconnecting');
    const r = this.reconnect;
    const delay = backoffDelay(++this.attempt, { retryDelay: r.minDelay, maxRetryDelay: r.maxDelay, jitter: r.jitter }, Math.random());
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, delay);
  }
}
