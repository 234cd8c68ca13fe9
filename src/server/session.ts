import type { Subscription } from 'rxjs';
import type { EngineMetrics } from '../actors/engine/engine-metrics.js';
import { parseClientFrame } from '../remote/control.js';
import { CloseCode, CLOSE_REASON, PROTOCOL_VERSION, type ClientMessage, type RemoteLimits, type ServerMessage, type WireEvent } from '../remote/protocol.js';
import type { Hub } from './hub.js';
import { ServerSub } from './subscription.js';

/**
 * The part of a ws WebSocket a session uses, so no ws type reaches a public signature. @internal
 *
 * @example
 * ```ts
 * const socket: SocketLike = wsFromHandleUpgrade;
 * ```
 */
export interface SocketLike {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
  on(event: 'message', l: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close' | 'pong', l: () => void): unknown;
  on(event: 'error', l: (e: Error) => void): unknown;
}

/**
 * One client socket: the hello handshake, control-frame dispatch, the inbound token bucket and
 * the queues the scheduler drains (lifecycle events, topology, latest metrics). It never waits
 * on the socket: sends go out without a callback, and a full socket is skipped. @internal
 *
 * @example
 * ```ts
 * sessions.add(new Session(ws, hub, limits, () => scheduler.wake(), now, (s) => sessions.delete(s)));
 * ```
 */
export class Session {
  readonly subs = new Map<number, ServerSub>();
  greeted = false;
  closed = false;
  lastSeen: number;
  readonly openedAt: number;
  /** Since when the send buffer is over highWaterMark (undefined: it is not). */
  blockedSince: number | undefined;
  events: WireEvent[] = [];
  resendTopology = false;
  latestMetrics: EngineMetrics | undefined;
  private tokens: number;
  private lastRefill: number;
  private metricsSub: Subscription | undefined;
  private readonly offLifecycle: () => void;

  constructor(
    readonly ws: SocketLike,
    private readonly hub: Hub,
    readonly limits: RemoteLimits,
    private readonly wake: () => void,
    private readonly now: () => number,
    private readonly gone: (s: Session) => void,
  ) {
    this.openedAt = this.lastSeen = this.lastRefill = now();
    this.tokens = limits.rateBurst;
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.lastSeen = this.now()));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.offLifecycle = hub.onLifecycle((e) => this.queue(e));
  }

  /** Closes with a protocol code; the reason never exceeds 123 bytes. */
  end(code: number, reason = CLOSE_REASON[code as keyof typeof CLOSE_REASON] ?? ''): void {
    if (this.closed) return;
    this.ws.close(code, reason.slice(0, 120));
    this.dispose();
  }

  sendControl(m: ServerMessage): void {
    if (!this.closed) this.ws.send(JSON.stringify(m));
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.offLifecycle();
    this.metricsSub?.unsubscribe();
    for (const sub of this.subs.values()) {
      sub.statusSub?.unsubscribe();
      this.hub.detach(sub.widget.id);
    }
    this.subs.clear();
    this.events = [];
    this.latestMetrics = undefined;
    this.gone(this);
  }

  private queue(e: WireEvent): void {
    if (e.type === 'widget.removed') for (const sub of this.subs.values()) if (sub.widget.id === e.widgetId) this.drop(sub.s);
    if (!this.greeted || this.resendTopology) return;
    if (this.events.length >= this.limits.maxPendingEvents) {
      // Past the bound one full topology replaces the backlog (TopologyStore's rule).
      this.events = [];
      this.resendTopology = true;
    } else this.events.push(e);
    this.wake();
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closed) return;
    const now = this.now();
    this.lastSeen = now;
    this.tokens = Math.min(this.limits.rateBurst, this.tokens + ((now - this.lastRefill) * this.limits.ratePerSec) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return this.end(CloseCode.RateLimit);
    this.tokens--;
    if (isBinary) return this.end(CloseCode.Malformed);
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const r = parseClientFrame(text);
    if (!r.ok) return this.end(r.code, r.reason);
    if ((r.msg.type === 'hello') === this.greeted) return this.end(CloseCode.HelloExpected);
    this.dispatch(r.msg);
  }

  private dispatch(m: ClientMessage): void {
    switch (m.type) {
      case 'hello':
        this.greeted = true;
        return this.sendControl({ type: 'welcome', v: PROTOCOL_VERSION, epoch: this.hub.serverEpoch, limits: this.limits, now: this.hub.engine.clock.now(), topo: this.hub.topology() });
      case 'sub':
        return this.subscribe(m);
      case 'unsub':
        return this.drop(m.s);
      case 'credit':
        for (const [s, n] of m.g) {
          const sub = this.subs.get(s);
          if (sub) sub.credit = Math.min(this.limits.maxCredit, sub.credit + n);
        }
        return this.wake();
      case 'metrics':
        this.metricsSub?.unsubscribe();
        this.metricsSub = m.iv === 0 ? undefined : this.hub.metrics$(Math.max(m.iv, this.limits.minMetricsIntervalMs), this.limits.maxMetricsConnections).subscribe((x) => {
          this.latestMetrics = x; // latest wins: one slot per socket
          this.wake();
        });
        return;
      case 'ping':
        return this.sendControl({ type: 'pong', t: m.t, now: this.hub.engine.clock.now() });
    }
  }

  private subscribe(m: Extract<ClientMessage, { type: 'sub' }>): void {
    const L = this.limits;
    const old = this.subs.get(m.s);
    const widget = this.hub.engine.findWidget(m.w);
    if (!old && this.subs.size >= L.maxSubscriptions) return this.end(CloseCode.SubscriptionLimit);
    if (!widget || widget.ended) {
      if (old) this.drop(m.s);
      return this.sendControl({ type: 'suberr', s: m.s, code: 'UNKNOWN_WIDGET' });
    }
    const win = Math.min(m.buf, L.maxWindow, widget.window.capacity);
    const iv = Math.max(m.iv, L.minIntervalMs);
    const credit = Math.min(m.cr, L.maxCredit);
    const epoch = this.hub.epochOf(m.w);
    const total = widget.total;
    if (old && old.widget === widget) {
      // A retune (the governor widened iv, the chart grew): the cursor stays.
      Object.assign(old, { win, iv, credit: Math.max(old.credit, credit) });
      this.sendControl({ type: 'subbed', s: m.s, w: m.w, e: epoch, q: total, win, iv, rec: true, gap: 0 });
      return this.wake();
    }
    if (old) this.drop(m.s);
    const held = Math.min(win, widget.window.size);
    const since = m.since;
    const rec = since !== undefined && since.e === epoch && since.q <= total && total - since.q <= held;
    const start = rec ? since.q : total - held;
    const gap = since !== undefined && !rec && since.e === epoch && since.q < start ? start - since.q : 0;
    const sub = new ServerSub(m.s, widget, epoch, win, iv, credit, start);
    this.subs.set(m.s, sub);
    this.hub.attach(widget.id, widget.data$);
    this.sendControl({ type: 'subbed', s: m.s, w: m.w, e: epoch, q: total, win, iv, rec, gap });
    // Status edges (waiting, live, backpressured, stopped) go out as they happen: rare, small.
    sub.statusSub = widget.status$.subscribe((status) => this.sendControl({ type: 'st', s: m.s, status }));
    this.wake();
  }

  private drop(s: number): void {
    const sub = this.subs.get(s);
    if (!sub) return;
    this.subs.delete(s);
    sub.statusSub?.unsubscribe();
    this.hub.detach(sub.widget.id);
  }
}
