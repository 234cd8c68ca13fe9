/**
 * One frame clock for every widget on the page: a single `requestAnimationFrame` callback (or
 * a timer where there is none, or while the document is hidden) runs every scheduled task, so
 * all widgets due in a frame update in the same task and React renders them in one batch.
 */

/**
 * A task the loop runs on the next frame. Return `true` to run again on the frame after.
 *
 * @example
 * ```ts
 * const task: FrameTask = { frame: (now) => { draw(); return false; } };
 * frameLoop.schedule(task);
 * ```
 */
export interface FrameTask {
  frame(now: number): boolean;
}

/**
 * Where frames come from; inject a manual one in tests.
 *
 * @example
 * ```ts
 * const timers: FrameSource = { now: () => performance.now(), request: (cb) => setTimeout(() => cb(performance.now()), 16), cancel: clearTimeout };
 * ```
 */
export interface FrameSource {
  now(): number;
  request(cb: (now: number) => void): unknown;
  cancel(handle: unknown): void;
}

const hasRaf = typeof requestAnimationFrame === 'function';
const isHidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

/** requestAnimationFrame while the page is visible; a 16 ms timer otherwise (rAF stops when hidden). */
export const defaultFrameSource: FrameSource = {
  now: () => performance.now(),
  request: (cb) => (hasRaf && !isHidden() ? { raf: requestAnimationFrame(cb) } : { timer: setTimeout(() => cb(performance.now()), 16) }),
  cancel: (h) => {
    const handle = h as { raf?: number; timer?: ReturnType<typeof setTimeout> };
    if (handle.raf !== undefined) cancelAnimationFrame(handle.raf);
    else clearTimeout(handle.timer);
  },
};

/** A frame that took longer than this many refresh periods counts as slow. */
const SLOW = 1.5;

/**
 * The loop. It only runs while a task is scheduled, and measures the frames it sees: an
 * exponentially weighted frame time and the number of frames the browser missed.
 *
 * @example
 * ```ts
 * const loop = new FrameLoop(defaultFrameSource);
 * loop.schedule({ frame: () => false });
 * console.log(loop.frameMs, loop.droppedFrames);
 * ```
 */
export class FrameLoop {
  /** Smoothed time between consecutive frames, ms. */
  frameMs: number;
  /** Frames missed (a frame of n refresh periods misses n − 1), since the loop was created. */
  droppedFrames = 0;
  private readonly tasks = new Set<FrameTask>();
  private handle: unknown = undefined;
  private last = -1;

  constructor(
    private readonly source: FrameSource = defaultFrameSource,
    readonly refreshMs = 1000 / 60,
  ) {
    this.frameMs = refreshMs;
  }

  /** Tasks waiting for a frame (0 when no widget is mounted or all are idle). */
  get size(): number {
    return this.tasks.size;
  }

  /** True when frames are slower than 1.5 refresh periods on average. */
  get slow(): boolean {
    return this.frameMs > this.refreshMs * SLOW;
  }

  now(): number {
    return this.source.now();
  }

  schedule(task: FrameTask): void {
    this.tasks.add(task);
    if (this.handle !== undefined) return;
    // Scheduled within a frame of the last tick, the next tick is the very next frame, so its
    // delta is a frame time; after an idle gap it is not.
    if (this.last >= 0 && this.source.now() - this.last > this.refreshMs) this.last = -1;
    this.handle = this.source.request(this.tick);
  }

  cancel(task: FrameTask): void {
    this.tasks.delete(task);
    if (this.tasks.size === 0 && this.handle !== undefined) {
      this.source.cancel(this.handle);
      this.handle = undefined;
    }
  }

  private readonly tick = (now: number): void => {
    this.handle = undefined;
    // Only consecutive frames measure anything: after an idle gap the delta is not a frame.
    if (this.last >= 0) {
      const dt = now - this.last;
      this.frameMs += (dt - this.frameMs) * 0.1;
      if (dt > this.refreshMs * SLOW) this.droppedFrames += Math.round(dt / this.refreshMs) - 1;
    }
    for (const t of [...this.tasks]) if (!t.frame(now)) this.tasks.delete(t);
    this.last = now;
    if (this.tasks.size > 0) this.handle = this.source.request(this.tick);
  };
}

/** The page's loop, shared by every hook unless one is injected. */
export const frameLoop = new FrameLoop();
