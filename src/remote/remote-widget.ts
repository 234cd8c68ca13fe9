import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { WindowBuffer } from '../actors/buffers/window-buffer.js';
import type { WidgetFrame, WidgetMetrics, WidgetStatus, WidgetWindow } from '../actors/targets/widget-types.js';
import type { WidgetPacer } from '../actors/targets/widget-pacing.js';
import type { StreamMessage } from '../message.js';
import type { DataBatch } from './codec.js';
import { RemoteActor } from './remote-parts.js';

/**
 * What one consumer of a remote widget wants on the wire: the window it draws, how often, and
 * whether it is paused (hidden).
 *
 * @example
 * ```ts
 * const release = widget.observe({ bufferSize: 500, updateInterval: 16, paused: false });
 * ```
 */
export interface ObserveOptions {
  readonly bufferSize: number;
  readonly updateInterval: number;
  readonly paused: boolean;
}

/**
 * The wire side a widget asks to (re)subscribe or leave. @internal
 *
 * @example
 * ```ts
 * const wire: WidgetWire = { want: (w) => sendSub(w), leave: (w) => sendUnsub(w), credit: () => credit.kick() };
 * ```
 */
export interface WidgetWire {
  want(w: RemoteWidget): void;
  leave(w: RemoteWidget): void;
  credit(): void;
}

/** While every observer is paused the subscription stays, at this slow pace. */
const PAUSED_IV = 250;

/**
 * A widget of a remote engine: the same reading surface as a local `WidgetRuntime` (window,
 * data$, status$, metrics(), pace()), fed by the server. The wire subscription opens on the
 * first `observe()` and closes on the last release; `linked` is false while the socket is down.
 *
 * @example
 * ```ts
 * const w = remote.findWidget('chart');
 * const off = w?.observe({ bufferSize: 200, updateInterval: 16, paused: false });
 * w?.data$.subscribe(({ window }) => console.log(window.size));
 * ```
 */
export class RemoteWidget {
  readonly actor = new RemoteActor('waiting');
  readonly window: WidgetWindow;
  readonly data$: Observable<WidgetFrame>;
  readonly status$: Observable<WidgetStatus>;
  linked = false;
  private linkedOnce = false;
  /** The server's epoch for this widget and the last sequence number held (resume cursor). @internal */
  epoch: string | undefined;
  /** @internal */
  lastSeq = 0;
  /** Times the history broke (a new server or a recreated widget): the window restarted. */
  gaps = 0;
  /** Subscriptions the server resumed from the cursor (`rec: true`). @internal */
  recovered = 0;
  private ring = new WindowBuffer<StreamMessage>(1);
  private readonly dataSubject = new Subject<WidgetFrame>();
  private readonly statusSubject = new BehaviorSubject<WidgetStatus>('waiting');
  private readonly observers = new Set<ObserveOptions>();
  private readonly pacers = new Set<{ acked: number; active: boolean }>();
  private total = 0;
  private batchCount = 0;
  private avgLatency = 0;
  private lastBatchLatency = 0;
  private pushbacks = 0;
  private dropped = 0;
  /** Batches the server may still send before it needs credit. @internal */
  outstanding = 0;

  /** Made by the remote engine's findWidget. @internal */
  constructor(
    readonly id: string,
    /** The wire subscription id. */
    readonly s: number,
    private readonly wire: WidgetWire,
    private readonly now: () => number,
  ) {
    const self = this;
    this.window = {
      get size() { return self.ring.size; },
      get capacity() { return self.ring.capacity; },
      toArray: () => self.ring.toArray(),
      latest: () => self.ring.latest(),
    };
    this.data$ = this.dataSubject.asObservable();
    this.status$ = this.statusSubject.asObservable();
  }

  get state(): string {
    return this.statusSubject.value;
  }
  get ended(): boolean {
    return this.statusSubject.value === 'stopped';
  }

  metrics(): WidgetMetrics & { readonly dropped: number } {
    return { messageCount: this.total, batchCount: this.batchCount, averageLatency: this.avgLatency, lastBatchLatency: this.lastBatchLatency, windowSize: this.ring.size, pushbacks: this.pushbacks, dropped: this.dropped };
  }

  /** Registers what a consumer wants; returns its release. */
  observe(o: ObserveOptions): () => void {
    const entry = { ...o };
    this.observers.add(entry);
    this.wire.want(this);
    return () => {
      if (!this.observers.delete(entry)) return;
      if (this.observers.size === 0) this.wire.leave(this);
      else this.wire.want(this);
    };
  }

  /** The wire parameters: the largest window and the shortest interval of unpaused observers. @internal */
  params(): { buf: number; iv: number } | undefined {
    if (this.observers.size === 0) return undefined;
    let buf = 1, iv = Infinity;
    for (const o of this.observers) {
      // A hook's default is Infinity (the whole window), which JSON cannot carry: ask for the
      // most a protocol integer holds; the server clamps to its maxWindow and the widget's capacity.
      buf = Math.max(buf, Number.isFinite(o.bufferSize) ? Math.floor(o.bufferSize) : 0xffffffff);
      if (!o.paused) iv = Math.min(iv, o.updateInterval);
    }
    return { buf, iv: iv === Infinity ? PAUSED_IV : Math.max(0, Math.round(iv)) };
  }

  /**
   * A paced consumer: the widget returns no credit to the server until it has acked what it
   * was given, so the server holds its cursor (and counts drops); the engine is never slowed.
   */
  pace(): WidgetPacer {
    const p = { acked: this.batchCount, active: true };
    this.pacers.add(p);
    const self = this;
    return {
      ack: () => { p.acked = self.batchCount; self.wire.credit(); },
      setActive: (a) => { p.active = a; self.wire.credit(); },
      release: () => { self.pacers.delete(p); self.wire.credit(); },
      get holding() { return self.creditHeld(); },
    };
  }

  /** True while an active pacer has not seen the latest batch. @internal */
  creditHeld(): boolean {
    for (const p of this.pacers) if (p.active && p.acked < this.batchCount) return true;
    return false;
  }

  /** The server's answer to `sub`. @internal */
  subbed(m: { e: string; win: number; rec: boolean; gap: number }): void {
    const newHistory = this.epoch !== undefined && m.e !== this.epoch;
    if (newHistory) {
      this.ring = new WindowBuffer(m.win);
      this.lastSeq = 0;
      this.gaps++;
      this.setStatus('waiting');
    } else if (!m.rec && m.gap > 0) {
      // Resumed too late: what is held and what comes next are not contiguous; start over.
      this.ring = new WindowBuffer(m.win);
    } else if (m.win !== this.ring.capacity) {
      const keep = this.ring.tail(m.win);
      this.ring = new WindowBuffer(m.win);
      this.ring.add(keep);
    }
    if (m.rec) this.recovered++;
    else if (m.gap > 0) {
      this.dropped += m.gap;
      // Counted here, so the next batch (which starts after them) shows no gap of its own.
      if (!newHistory && this.lastSeq > 0) this.lastSeq += m.gap;
    }
    this.epoch = m.e;
    // Back after a cut: say so (the first link is no news, the status says waiting or live).
    const back = !this.linked && this.linkedOnce;
    this.linked = true;
    this.linkedOnce = true;
    if (back) this.relink();
  }

  /** A batch from a data frame. Overlap with what is held is trimmed: never a duplicate. @internal */
  take(b: DataBatch): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding === 0) this.pushbacks++;
    this.dropped += b.dropped;
    // Messages neither sent nor counted as skipped by the server went missing here (a frame the
    // link could not read): count them too, so a gap is never silent.
    if (this.lastSeq > 0 && b.from > this.lastSeq + 1 + b.dropped) this.dropped += b.from - this.lastSeq - 1 - b.dropped;
    this.total = b.total;
    this.avgLatency = b.avgLatency;
    const skip = Math.max(0, this.lastSeq - b.from + 1);
    const messages = skip > 0 ? b.messages.slice(skip) : b.messages;
    if (b.total > this.lastSeq) this.lastSeq = b.total;
    if (b.status !== this.statusSubject.value) this.setStatus(b.status);
    if (messages.length === 0) return;
    this.ring.add(messages);
    this.batchCount++;
    let ts = 0;
    for (const m of messages) ts += m.timestamp;
    this.lastBatchLatency = this.now() - ts / messages.length;
    if (this.dataSubject.observed) this.dataSubject.next({ batch: { connectionId: '', port: 'in', messages }, window: this.window });
  }

  /** @internal */
  unlinked(): void {
    this.linked = false;
    this.relink();
  }

  // Hooks redraw on status$: re-emit the status so they read `linked` again (isConnected). So a
  // remote widget's status$ repeats its status when the link drops or comes back.
  private relink(): void {
    if (!this.statusSubject.closed) this.statusSubject.next(this.statusSubject.value);
  }

  /** The widget is gone on the server. @internal */
  removed(): void {
    this.linked = false;
    this.setStatus('stopped');
    this.dataSubject.complete();
    this.statusSubject.complete();
  }

  /** A status edge from the server. @internal */
  setStatus(s: WidgetStatus): void {
    if (this.statusSubject.closed || this.statusSubject.value === s) return;
    this.statusSubject.next(s);
    this.actor.set(s);
  }
}
