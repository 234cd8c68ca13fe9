import { Observable } from 'rxjs';
import type { EngineClock } from '../clock.js';
import type { EngineMetrics } from '../actors/engine/engine-metrics.js';
import type { EngineTopology } from '../actors/engine/topology-types.js';
import type { EngineEvent } from '../actors/types.js';
import { ConfigError, NodeflowError, readOptions } from '../errors.js';
import type { DataBatch } from './codec.js';
import { CreditTask, defaultFrames, type FrameScheduler } from './credit.js';
import { Link, type ReconnectOptions, type RemoteStatus, type WebSocketConstructor } from './link.js';
import type { ServerMessage } from './protocol.js';
import type { EngineLike } from '../widgets/engine-like.js';
import type { RemoteConnection, RemoteNode } from './remote-parts.js';
import { RemoteTopology } from './remote-topology.js';
import { RemoteWidget } from './remote-widget.js';

/**
 * Options of {@link connectEngine}.
 *
 * @example
 * ```ts
 * const options: ConnectOptions = { reconnect: { maxDelay: 5_000 }, initialCredit: 2 };
 * ```
 */
export interface ConnectOptions {
  /** The WebSocket implementation (default: the global one; pass `ws` in Node). */
  readonly WebSocket?: WebSocketConstructor;
  readonly reconnect?: ReconnectOptions;
  /**
   * Batches each subscription may receive before its first credit (default 1: the server then
   * sends when the page's frame grants credit, so batches arrive in step with the frames that
   * draw them; more lets the server run ahead on its own clock).
   */
  readonly initialCredit?: number;
  /** Where credit is granted from, once per frame (default: requestAnimationFrame). */
  readonly frameLoop?: FrameScheduler;
}

/** Metrics before the first snapshot arrives. @example `remote.getMetrics() === EMPTY_METRICS` */
export const EMPTY_METRICS: EngineMetrics = Object.freeze({
  state: 'unknown',
  at: 0,
  connections: {},
  nodes: {},
  system: { eventLoopUtilization: null, eventLoopDelay: null, frameTime: null },
  totals: { accepted: 0, delivered: 0, dropped: 0, deadLettered: 0, inFlight: 0, inPerSec: 0, outPerSec: 0 },
  retired: { accepted: 0, delivered: 0, dropped: 0, deadLettered: 0, inFlight: 0, connections: 0 },
});

/**
 * A StreamEngine on another machine, read over WebSocket: the members the widget layer uses
 * (topology, lifecycle, connections, widgets, metrics), so `<StreamEngineProvider engine={remote}>`
 * renders the same widgets. Create it with {@link connectEngine}.
 *
 * @example
 * ```ts
 * const remote = connectEngine('ws://127.0.0.1:8080/nodeflow');
 * await remote.ready;
 * console.log(remote.topology().nodeCount);
 * ```
 */
export class RemoteEngine implements EngineLike {
  readonly clock: EngineClock;
  readonly lifecycle$: Observable<EngineEvent>;
  readonly topology$: Observable<EngineTopology>;
  /** Resolves at the first welcome from the server. */
  readonly ready: Promise<void>;
  readonly status$: Observable<RemoteStatus>;
  private readonly topo = new RemoteTopology();
  private readonly widgets = new Map<string, RemoteWidget>();
  private readonly bySub = new Map<number, RemoteWidget>();
  private readonly link: Link;
  private readonly credit: CreditTask;
  private readonly initialCredit: number;
  private nextSub = 1;
  private metrics: EngineMetrics = EMPTY_METRICS;
  private readonly metricsWanted = new Map<object, number>();
  private metricsIv = 0;
  private readonly metricsListeners = new Set<(m: EngineMetrics) => void>();

  /** @internal Use {@link connectEngine}. */
  constructor(url: string, options: ConnectOptions = {}) {
    const o = readOptions(options, ['WebSocket', 'reconnect', 'initialCredit', 'frameLoop']);
    if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) throw new ConfigError('url', 'a ws:// or wss:// URL', url);
    const WS = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new NodeflowError('MISSING_DEPENDENCY', 'connectEngine needs a WebSocket: pass options.WebSocket (in Node, the ws package)', { dependency: 'ws' });
    this.initialCredit = o.initialCredit ?? 1;
    if (!Number.isInteger(this.initialCredit) || this.initialCredit < 1) throw new ConfigError('initialCredit', 'an integer >= 1', o.initialCredit);
    const r = readOptions(o.reconnect, ['minDelay', 'maxDelay', 'jitter'], 'reconnect.');
    for (const [k, v] of Object.entries(r)) if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new ConfigError(`reconnect.${k}`, 'a finite number >= 0', v);
    let welcomed!: () => void;
    let refused!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((welcomed = resolve), (refused = reject)));
    this.ready.catch(() => {}); // a caller who never awaits ready must not get an unhandled rejection
    this.credit = new CreditTask(o.frameLoop ?? defaultFrames, (g) => this.link.send({ type: 'credit', g }));
    this.link = new Link(url, WS, { minDelay: r.minDelay ?? 250, maxDelay: r.maxDelay ?? 10_000, jitter: r.jitter ?? 1 }, {
      opened: () => this.link.send({ type: 'hello', v: 1, enc: ['nf1'] }),
      control: (m) => {
        this.control(m);
        if (m.type === 'welcome') welcomed();
      },
      data: (bs) => this.data(bs),
      unreadable: () => {
        for (const w of this.widgets.values()) this.want(w);
      },
      down: () => {
        for (const w of this.widgets.values()) w.unlinked();
      },
    });
    this.status$ = this.link.status$.asObservable();
    this.link.status$.subscribe((st) => {
      if (st === 'closed') refused(new NodeflowError('CONNECTION_CLOSED', `The remote engine closed before it was ready (${this.link.lastClose?.code ?? 'closed by the client'})`, { close: this.link.lastClose }));
    });
    const link = this.link;
    this.clock = {
      now: () => performance.timeOrigin + performance.now() + link.offset,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (id) => clearTimeout(id),
    };
    this.lifecycle$ = this.topo.lifecycle$.asObservable();
    this.topology$ = new Observable<EngineTopology>((sub) => {
      sub.next(this.topo.store.read());
      return this.topo.store.follow((t) => sub.next(t), () => sub.complete());
    });
  }

  /** Bytes received so far (control and data). */
  get bytesReceived(): number {
    return this.link.bytesReceived;
  }
  /** The last close code and reason from the server, if any. */
  get lastClose(): { readonly code: number; readonly reason: string } | undefined {
    return this.link.lastClose;
  }

  topology(): EngineTopology {
    return this.topo.store.read();
  }
  findConnection(id: string): RemoteConnection | undefined {
    return this.topo.find(id);
  }
  getConnection(id: string): RemoteConnection {
    const c = this.topo.find(id);
    if (!c) throw new NodeflowError('UNKNOWN_CONNECTION', `No connection ${id} on the remote engine`, { connectionId: id });
    return c;
  }
  findNode(id: string): RemoteNode | undefined {
    return this.topo.nodes.get(id)?.node;
  }
  /** The widget `id` while the server has it; the same object until it is removed. */
  findWidget(id: string): RemoteWidget | undefined {
    if (this.topo.kindOf(id) !== 'widget') return undefined;
    let w = this.widgets.get(id);
    if (!w) {
      const s = this.nextSub++;
      w = new RemoteWidget(id, s, { want: (x) => this.want(x), leave: (x) => this.leave(x), credit: () => this.credit.kick() }, () => this.clock.now());
      this.widgets.set(id, w);
      this.bySub.set(s, w);
    }
    return w;
  }

  getMetrics(): EngineMetrics {
    return this.metrics;
  }
  /** The server's metrics every `intervalMs` (one wire subscription at the smallest interval asked). */
  metrics$(intervalMs = 1000): Observable<EngineMetrics> {
    return new Observable<EngineMetrics>((sub) => {
      const key = {};
      this.metricsWanted.set(key, intervalMs);
      const l = (m: EngineMetrics) => sub.next(m);
      this.metricsListeners.add(l);
      this.retuneMetrics();
      return () => {
        this.metricsWanted.delete(key);
        this.metricsListeners.delete(l);
        this.retuneMetrics();
      };
    });
  }

  /** Closes the socket for good (no reconnect). */
  close(): void {
    this.link.close();
    this.topo.store.end();
    this.topo.lifecycle$.complete();
  }

  private retuneMetrics(): void {
    const iv = this.metricsWanted.size === 0 ? 0 : Math.min(...this.metricsWanted.values());
    if (iv === this.metricsIv) return;
    this.metricsIv = iv;
    this.link.send({ type: 'metrics', iv });
  }

  private want(w: RemoteWidget): void {
    const p = w.params();
    if (!p) return;
    w.outstanding = this.initialCredit;
    const since = w.epoch !== undefined ? { e: w.epoch, q: w.lastSeq } : undefined;
    this.link.send({ type: 'sub', s: w.s, w: w.id, buf: p.buf, iv: p.iv, cr: this.initialCredit, ...(since && { since }) });
  }

  private leave(w: RemoteWidget): void {
    this.credit.forget(w);
    this.link.send({ type: 'unsub', s: w.s });
  }

  private control(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        this.link.welcomed();
        this.topo.replace(m.topo, m.now);
        this.reap();
        // Resume: every live subscription again, from where it stopped; then metrics.
        for (const w of this.widgets.values()) this.want(w);
        if (this.metricsIv > 0) this.link.send({ type: 'metrics', iv: this.metricsIv });
        return;
      case 'topo':
        this.topo.replace(m.topo, this.clock.now());
        return this.reap();
      case 'lc':
        for (const e of m.ev) {
          this.topo.apply(e);
          if (e.type === 'widget.removed') this.reap();
        }
        return;
      case 'subbed':
        return this.bySub.get(m.s)?.subbed(m);
      case 'st':
        return this.bySub.get(m.s)?.setStatus(m.status);
      case 'suberr':
        return; // the widget is not there (yet): its widget.created makes the hook ask again
      case 'metrics':
        this.metrics = m.m;
        for (const l of [...this.metricsListeners]) l(m.m);
        return;
      case 'pong':
        return this.link.pong(m.t, m.now);
    }
  }

  private data(batches: DataBatch[]): void {
    for (const b of batches) {
      const w = this.bySub.get(b.s);
      if (!w) continue;
      w.take(b);
      this.credit.received(w);
    }
  }

  /** Widgets the topology no longer has: stopped and forgotten (a recreated one is a new object). */
  private reap(): void {
    for (const [id, w] of this.widgets) {
      if (this.topo.kindOf(id) === 'widget') continue;
      w.removed();
      this.widgets.delete(id);
      this.bySub.delete(w.s);
      this.credit.forget(w);
    }
  }
}

/**
 * Connects to an engine served by `serveEngine` and returns at once; the socket opens in the
 * background and reconnects after a cut, resuming each widget where it stopped.
 *
 * @example
 * ```ts
 * const remote = connectEngine('ws://127.0.0.1:8080/nodeflow');
 * // <StreamEngineProvider engine={remote}><LineChart streamId="chart" /></StreamEngineProvider>
 * ```
 */
export function connectEngine(url: string, options: ConnectOptions = {}): RemoteEngine {
  return new RemoteEngine(url, options);
}
