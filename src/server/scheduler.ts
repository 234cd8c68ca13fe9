import type { StreamMessage } from '../message.js';
import type { WidgetRuntime } from '../actors/targets/widget.js';
import type { WidgetStatus } from '../actors/targets/widget-types.js';
import { encodeFrame, type DataBatch } from '../remote/codec.js';
import { CloseCode } from '../remote/protocol.js';
import type { Hub } from './hub.js';
import type { Session } from './session.js';

/** Blocked sockets have no drain event to wait for (neither has a browser's): poll them. */
const BLOCKED_POLL_MS = 50;
/** A frame stops growing past this; the rest of the batches go in the next frame of the tick. */
const MAX_FRAME_BYTES = 512 * 1024;

/**
 * The server's one timer. It runs when something is due: new data or credit (at once, through
 * setImmediate), the earliest subscription interval, or a poll of full sockets. A tick sends
 * each socket its queued control frames and one binary frame holding every due subscription's
 * batch; a socket whose send buffer is over highWaterMark is skipped (its subscriptions count
 * drops when they next send) and closed with 4008 once that has lasted `slowTimeoutMs`.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler(sessions, hub, () => performance.now());
 * scheduler.wake(); // new data or credit: a tick runs at setImmediate
 * ```
 * @internal
 */
export class Scheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private dueAt = Infinity;
  private stopped = false;
  /** Frames and bytes sent so far (stats). */
  frames = 0;
  bytes = 0;

  constructor(
    private readonly sessions: ReadonlySet<Session>,
    private readonly hub: Hub,
    private readonly now: () => number,
  ) {}

  /** Run a tick as soon as possible. */
  wake(): void {
    if (this.stopped || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.tick();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.immediate = this.timer = undefined;
  }

  private armAt(at: number): void {
    if (this.stopped || at >= this.dueAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      this.tick();
    }, Math.max(0, at - this.now()));
  }

  /** Tails taken this tick, per widget: clients in step share one copy (the many-clients case). */
  private readonly tails = new Map<WidgetRuntime, { total: number; n: number; messages: readonly StreamMessage[] }>();
  private readonly tail = (w: WidgetRuntime, n: number): readonly StreamMessage[] => {
    const hit = this.tails.get(w);
    if (hit && hit.total === w.total && hit.n >= n) return n === hit.n ? hit.messages : hit.messages.slice(hit.n - n);
    const messages = w.tail(n);
    this.tails.set(w, { total: w.total, n, messages });
    return messages;
  };

  private tick(): void {
    this.tails.clear();
    const now = this.now();
    let next = Infinity;
    for (const s of this.sessions) {
      if (s.closed || !s.greeted) continue;
      if (s.ws.bufferedAmount > s.limits.highWaterMark) {
        s.blockedSince ??= now;
        if (now - s.blockedSince >= s.limits.slowTimeoutMs) s.end(CloseCode.SlowConsumer);
        else next = Math.min(next, now + BLOCKED_POLL_MS);
        continue;
      }
      s.blockedSince = undefined;
      this.control(s);
      next = Math.min(next, this.data(s, now));
    }
    this.tails.clear(); // nothing kept between ticks
    if (next < Infinity) this.armAt(next);
  }

  private control(s: Session): void {
    if (s.resendTopology) {
      s.resendTopology = false;
      s.sendControl({ type: 'topo', topo: this.hub.topology() });
    } else if (s.events.length > 0) {
      const ev = s.events;
      s.events = [];
      s.sendControl({ type: 'lc', ev });
    }
    if (s.latestMetrics) {
      const m = s.latestMetrics;
      s.latestMetrics = undefined;
      s.sendControl({ type: 'metrics', m });
    }
  }

  /** Sends every due subscription's batch; returns when the next not-yet-due one falls due. */
  private data(s: Session, now: number): number {
    let next = Infinity;
    let batches: DataBatch[] = [];
    let size = 0;
    for (const sub of s.subs.values()) {
      if (!sub.ready()) continue;
      const due = sub.lastSent + sub.iv;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      const t = sub.take(now, this.tail);
      const m = sub.widget.metrics();
      batches.push({ s: sub.s, from: t.from, total: t.total, dropped: t.dropped, status: sub.widget.ended ? 'stopped' : (sub.widget.state as WidgetStatus), avgLatency: m.averageLatency, messages: t.messages });
      size += 48 + t.messages.length * 24; // a lower bound of the encoded size: enough to split
      if (size >= MAX_FRAME_BYTES) {
        this.send(s, batches);
        batches = [];
        size = 0;
      }
    }
    if (batches.length > 0) this.send(s, batches);
    return next;
  }

  private send(s: Session, batches: DataBatch[]): void {
    const frame = encodeFrame(batches);
    this.frames++;
    this.bytes += frame.length;
    s.ws.send(frame);
  }
}
