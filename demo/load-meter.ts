// Where the demo's event-loop time goes, per closed window of about a second. Node's
// event-loop utilization says how busy the loop was, not for whom: the demo's own producer
// shares the loop with the engine. So the producer and the dashboard time themselves, GC
// comes from perf_hooks, and the engine's share is what remains of the busy time.
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** One closed window; shares are fractions of its wall time. */
export interface LoadWindow {
  readonly busy: number;
  readonly producer: number;
  readonly dashboard: number;
  readonly gc: number;
  /** busy - producer - dashboard - gc: the engine, its workflow and the debugger. */
  readonly engine: number;
}

type Part = 'producer' | 'dashboard';

/**
 * Splits the event loop's busy time per window of `windowMs`.
 *
 * @example
 * ```ts
 * const meter = new LoadMeter();
 * setInterval(() => meter.time('producer', produceSomeMessages), 1);
 * setInterval(() => console.log(loadLine(meter.window(), null)), 1000);
 * ```
 */
export class LoadMeter {
  private elu = performance.eventLoopUtilization();
  private startedAt = performance.now();
  private spent = { producer: 0, dashboard: 0, gc: 0 };
  private last: LoadWindow | null = null;
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.spent.gc += e.duration;
  });

  constructor(private readonly windowMs = 1000) {
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** Runs `fn`, adding its time to `part`. */
  time<T>(part: Part, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.spent[part] += performance.now() - start;
    }
  }

  /** The last closed window (closing the current one when it is due); null before the first. */
  window(): LoadWindow | null {
    const now = performance.now();
    const wall = now - this.startedAt;
    if (wall < this.windowMs) return this.last;
    const mark = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(mark, this.elu);
    const share = (ms: number) => Math.min(1, ms / wall);
    const { producer, dashboard, gc } = this.spent;
    this.last = { busy: elu.utilization, producer: share(producer), dashboard: share(dashboard), gc: share(gc), engine: Math.max(0, elu.utilization - share(producer + dashboard + gc)) };
    this.elu = mark;
    this.startedAt = now;
    this.spent = { producer: 0, dashboard: 0, gc: 0 };
    return this.last;
  }

  stop(): void {
    this.gcObserver.disconnect();
  }
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

/**
 * The dashboard's load line.
 *
 * @example
 * ```ts
 * loadLine({ busy: 0.4, producer: 0.18, engine: 0.21, gc: 0.01, dashboard: 0 }, { meanMs: 1, maxMs: 2 });
 * // → "  load, last 1 s: event loop 40% busy = producer 18% + engine+dbg 21% + GC 1% + dashboard 0%; timer delay 1.0 ms mean / 2.0 ms max"
 * ```
 */
export function loadLine(w: LoadWindow | null, delay: { meanMs: number; maxMs: number } | null): string {
  const lag = delay ? `timer delay ${delay.meanMs.toFixed(1)} ms mean / ${delay.maxMs.toFixed(1)} ms max` : 'timer delay ?';
  if (!w) return `  load: (first window not closed yet); ${lag}`;
  return `  load, last 1 s: event loop ${pct(w.busy)} busy = producer ${pct(w.producer)} + engine+dbg ${pct(w.engine)} + GC ${pct(w.gc)} + dashboard ${pct(w.dashboard)}; ${lag}`;
}
