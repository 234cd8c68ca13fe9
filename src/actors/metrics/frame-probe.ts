/**
 * Frame time in a browser: while started, one requestAnimationFrame callback per frame records
 * the time since the previous frame (never per message). `take()` returns the figures since
 * the previous take; null where there is no requestAnimationFrame (Node) or no frame yet.
 * @internal
 */
export class FrameProbe {
  private handle: number | undefined;
  private last = -1;
  private sum = 0;
  private max = 0;
  private frames = 0;
  private shown: { meanMs: number; maxMs: number; frames: number } | null = null;

  static get available(): boolean {
    return typeof globalThis.requestAnimationFrame === 'function';
  }

  start(): void {
    if (!FrameProbe.available || this.handle !== undefined) return;
    const onFrame = (t: number) => {
      if (this.last >= 0) {
        const d = t - this.last;
        this.sum += d;
        this.frames++;
        if (d > this.max) this.max = d;
      }
      this.last = t;
      this.handle = requestAnimationFrame(onFrame);
    };
    this.handle = requestAnimationFrame(onFrame);
  }

  stop(): void {
    if (this.handle !== undefined) cancelAnimationFrame(this.handle);
    this.handle = undefined;
    this.last = -1;
  }

  take(): { meanMs: number; maxMs: number; frames: number } | null {
    if (this.frames > 0) this.shown = { meanMs: this.sum / this.frames, maxMs: this.max, frames: this.frames };
    this.sum = 0;
    this.max = 0;
    this.frames = 0;
    return this.handle === undefined ? null : this.shown;
  }
}
