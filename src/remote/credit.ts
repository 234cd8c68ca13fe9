import type { RemoteWidget } from './remote-widget.js';

/**
 * A frame scheduler: the page's `FrameLoop` from the widgets entry fits, as does anything with
 * `schedule({ frame })`.
 *
 * @example
 * ```ts
 * const frames: FrameScheduler = { schedule: (t) => void requestAnimationFrame((now) => t.frame(now)) };
 * ```
 */
export interface FrameScheduler {
  schedule(task: { frame(now: number): boolean }): void;
}

/**
 * requestAnimationFrame where there is one (it stops in a hidden tab: so does credit), else a 16 ms timer.
 *
 * @example
 * ```ts
 * connectEngine(url, { frameLoop: defaultFrames });
 * ```
 */
export const defaultFrames: FrameScheduler = {
  schedule: (task) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame((now) => void task.frame(now));
    else setTimeout(() => task.frame(performance.now()), 16);
  },
};

/**
 * Returns credit to the server once per frame: one `credit` frame for every batch received
 * before that frame, except for widgets whose paced consumer has not rendered yet. With no
 * frames (a hidden tab) nothing is granted, so the server sends nothing and counts drops.
 *
 * @example
 * ```ts
 * const credit = new CreditTask(defaultFrames, (g) => link.send({ type: 'credit', g }));
 * credit.received(widget); // one credit owed, granted on the next frame
 * ```
 * @internal
 */
export class CreditTask {
  private readonly owed = new Map<RemoteWidget, number>();
  private scheduled = false;

  constructor(
    private readonly frames: FrameScheduler,
    private readonly send: (g: [number, number][]) => void,
  ) {}

  /** A batch of `w` arrived: it is owed one credit. */
  received(w: RemoteWidget): void {
    this.owed.set(w, (this.owed.get(w) ?? 0) + 1);
    this.kick();
  }

  forget(w: RemoteWidget): void {
    this.owed.delete(w);
  }

  /** Something may have released held credit (a pacer acked). */
  kick(): void {
    if (this.scheduled || this.owed.size === 0) return;
    this.scheduled = true;
    this.frames.schedule({ frame: () => this.frame() });
  }

  private frame(): boolean {
    this.scheduled = false;
    const g: [number, number][] = [];
    for (const [w, n] of this.owed) {
      if (w.creditHeld()) continue;
      g.push([w.s, n]);
      w.outstanding += n;
      this.owed.delete(w);
    }
    if (g.length > 0) this.send(g);
    return false;
  }
}
