import { FrameProbe } from './frame-probe.js';

type Elu = { utilization: number };
type EluFn = (a?: unknown, b?: unknown) => Elu;

const WINDOW_MS = 1000;

/**
 * System load figures for `getMetrics().system`: event-loop utilization (Node), event-loop
 * delay (how late the metrics$ sampling timer fires: Node and browsers) and frame time
 * (browsers). They are measured over closed windows of about a second by the sampling ticks, so
 * reading a snapshot has no side effect: any number of readers see the same figures.
 * @internal
 */
export class SystemLoad {
  private readonly perf = globalThis.performance as { eventLoopUtilization?: EluFn } | undefined;
  private readonly eluStart: unknown;
  private eluMark: unknown;
  private windowStart = -1;
  private lag = { sum: 0, max: 0, n: 0 };
  private shown: { elu: number | null; lag: { meanMs: number; maxMs: number } | null } = { elu: null, lag: null };
  private readonly frames = new FrameProbe();
  private frameShown: { meanMs: number; maxMs: number; frames: number } | null = null;
  private running = 0;

  constructor() {
    this.eluStart = this.perf?.eventLoopUtilization?.();
    this.eluMark = this.eluStart;
  }

  start(): void {
    if (this.running++ === 0) this.frames.start();
  }

  stop(): void {
    if (--this.running > 0) return;
    this.frames.stop();
    this.shown = { elu: null, lag: null };
    this.frameShown = null;
    this.windowStart = -1;
  }

  /** One sampling tick: `late` is how late its timer fired. */
  tick(now: number, late: number): void {
    this.lag = { sum: this.lag.sum + late, max: Math.max(this.lag.max, late), n: this.lag.n + 1 };
    if (this.windowStart < 0) this.windowStart = now;
    if (now - this.windowStart < WINDOW_MS) return;
    this.windowStart = now;
    const perf = this.perf;
    let utilization: number | null = null;
    if (typeof perf?.eventLoopUtilization === 'function') {
      const mark = perf.eventLoopUtilization();
      utilization = perf.eventLoopUtilization(mark, this.eluMark).utilization;
      this.eluMark = mark;
    }
    this.shown = { elu: utilization, lag: { meanMs: this.lag.sum / this.lag.n, maxMs: this.lag.max } };
    this.lag = { sum: 0, max: 0, n: 0 };
    this.frameShown = this.frames.take();
  }

  snapshot(): { eventLoopUtilization: number | null; eventLoopDelay: { meanMs: number; maxMs: number } | null; frameTime: { meanMs: number; maxMs: number; frames: number } | null } {
    // Before the first closed window (or without sampling): utilization since the engine began.
    const perf = this.perf;
    const elu = this.shown.elu ?? (typeof perf?.eventLoopUtilization === 'function' && this.eluStart ? perf.eventLoopUtilization(this.eluStart).utilization : null);
    return { eventLoopUtilization: elu, eventLoopDelay: this.running > 0 ? this.shown.lag : null, frameTime: this.running > 0 ? this.frameShown : null };
  }
}
