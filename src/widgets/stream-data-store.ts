import type { Subscription } from 'rxjs';
import type { EngineClock } from '../clock.js';
import type { WidgetFrame, WidgetPacer } from '../actors/targets/widget.js';
import type { ConnectionLike, WidgetLike } from './engine-like.js';
import type { FrameLoop, FrameTask } from './frame-loop.js';
import { createGovernor, govern, type GovernorState } from './governor.js';
import { EMPTY, type Snapshot, type StoreOptions } from './stream-data.js';

/**
 * One hook's subscription to a widget, shaped for `useSyncExternalStore`: data$ marks it
 * dirty (one flag per batch, nothing else), the frame loop decides when to copy the window
 * into a new snapshot, and the governor widens the interval while frames are slow.
 * @internal
 */
export class StreamDataStore implements FrameTask {
  private snap: Snapshot;
  private notify: (() => void) | undefined;
  private subs: Subscription[] = [];
  private pacer: WidgetPacer | undefined;
  private dirty = false;
  private paused = false;
  private oldest = 0;
  private lastRender = -Infinity;
  private renders = 0;
  private gap = 0;
  private droppedAtStart = 0;
  private gov: GovernorState;
  private feeds: readonly ConnectionLike[] = [];
  private release: (() => void) | undefined;

  constructor(
    private readonly widget: WidgetLike | undefined,
    private readonly opts: StoreOptions,
    private readonly loop: FrameLoop,
    private readonly clock: EngineClock,
  ) {
    this.gov = createGovernor(opts.updateInterval);
    this.snap = widget ? this.build(widget, 0, clock.now()) : EMPTY;
  }

  getSnapshot = (): Snapshot => this.snap;

  subscribe = (notify: () => void): (() => void) => {
    const w = this.widget;
    if (!w) return () => {};
    this.notify = notify;
    this.droppedAtStart = this.loop.droppedFrames;
    if (this.opts.enableBackpressure) {
      // Credit = the window: the widget never overwrites a message this UI has not rendered.
      this.pacer = w.pace();
      this.pacer.setActive(!this.paused);
    }
    this.subs.push(w.data$.subscribe(this.onData), w.status$.subscribe(this.onStatus));
    // Catch up with what arrived between the render that built this store and now.
    if (w.metrics().messageCount !== this.snap.metrics.messageCount) this.onData(undefined);
    this.observe();
    return () => {
      for (const s of this.subs) s.unsubscribe();
      this.subs = [];
      this.release?.();
      this.release = undefined;
      this.pacer?.release();
      this.pacer = undefined;
      this.loop.cancel(this);
      this.notify = undefined;
      this.dirty = false;
    };
  };

  /** The connections feeding the widget: their partial batches are flushed into each render. */
  setFeeds(feeds: readonly ConnectionLike[]): void {
    this.feeds = feeds;
  }

  /** A hidden widget neither renders nor holds its widget back. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.pacer?.setActive(!paused);
    this.observe();
    if (!paused && this.dirty) this.loop.schedule(this);
  }

  /**
   * Tells the widget what this hook wants now (a mirrored widget asks its source for no more).
   * The new call comes before the old release, so the widget never sees zero observers between.
   */
  private observe(): void {
    const w = this.widget;
    if (!w?.observe || !this.notify) return;
    const previous = this.release;
    this.release = w.observe({ bufferSize: this.opts.bufferSize, updateInterval: this.gov.interval, paused: this.paused });
    previous?.();
  }

  private readonly onData = (f: WidgetFrame | undefined): void => {
    if (!this.dirty) {
      this.dirty = true;
      this.oldest = f ? f.batch.messages[0]!.timestamp : this.clock.now();
    }
    if (!this.paused) this.loop.schedule(this);
  };

  private readonly onStatus = (): void => {
    this.dirty = true;
    this.loop.schedule(this);
  };

  frame(now: number): boolean {
    if (!this.dirty || !this.notify || this.paused || !this.widget) return false;
    // Paced on frame begin times (what the screen shows), not on when the callback happens to
    // run: under load a frame's callbacks can start late, and pacing on that would skip frames.
    const interval = this.gov.interval;
    // A quarter interval (at most 4 ms) of slack, so a 16 ms interval renders every 16.7 ms frame.
    if (now - this.lastRender < interval - Math.min(4, interval / 4)) return true;
    if (this.lastRender > -Infinity) this.gap += (now - this.lastRender - this.gap) * (this.renders < 4 ? 0.5 : 0.1);
    this.lastRender = now;
    this.renders++;
    // A partial batch would otherwise wait for its batchTimeout (or for more messages) and
    // miss this frame: flushed now, the render shows everything sent before it.
    for (const c of this.feeds) if (c.isOpen) c.flush();
    this.dirty = false;
    const at = this.clock.now();
    this.snap = this.build(this.widget, at - this.oldest, at);
    // The window is copied into the snapshot: nothing in it can be lost now.
    this.pacer?.ack();
    this.gov = govern(this.gov, this.loop.frameMs, this.loop.refreshMs, now);
    if (this.gov.interval !== interval) this.observe();
    this.notify();
    return false;
  }

  private build(w: WidgetLike, renderLatency: number, renderedAt: number): Snapshot {
    const all = w.window.toArray();
    const data = all.length > this.opts.bufferSize ? all.slice(all.length - this.opts.bufferSize) : all;
    const m = w.metrics();
    return {
      data,
      latest: data[data.length - 1],
      live: !this.stopped(w),
      metrics: {
        messageCount: m.messageCount,
        averageLatency: m.averageLatency,
        windowSize: data.length,
        renderCount: this.renders,
        updateRate: this.gap > 0 ? 1000 / this.gap : 0,
        updateInterval: this.gov.interval,
        throttled: this.gov.interval > this.gov.base,
        frameTime: this.loop.frameMs,
        droppedFrames: this.loop.droppedFrames - this.droppedAtStart,
        renderLatency,
        renderedAt,
        backpressured: w.state === 'backpressured',
        pushbacks: m.pushbacks,
        dropped: m.dropped ?? 0,
      },
    };
  }

  // A mirror whose link is down shows its last window, but as not connected.
  private stopped(w: WidgetLike): boolean {
    return w.ended || w.linked === false;
  }
}
