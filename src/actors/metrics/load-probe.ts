/**
 * A source of system load for AdaptiveBackpressureHandler: event-loop delay in Node
 * (perf_hooks.monitorEventLoopDelay), frame overrun in the browser (requestAnimationFrame).
 * Each `sample()` returns the delay measured since the previous one, in ms.
 *
 * @example
 * ```ts
 * const probe: LoadProbe = { sample: () => 0, stop() {} }; // a calm machine, for tests
 * ```
 */
export interface LoadProbe {
  sample(): number;
  stop(): void;
}

interface Histogram {
  enable(): void;
  disable(): void;
  reset(): void;
  percentile(p: number): number;
}

/**
 * The probe for the environment at hand: Node's event-loop delay (p99 over the interval), the
 * browser's frame overrun (worst frame minus 16.7 ms), or a constant 0 elsewhere.
 *
 * @example
 * ```ts
 * const probe = systemLoadProbe();
 * setTimeout(() => console.log(probe.sample(), 'ms'), 1000);
 * ```
 */
export function systemLoadProbe(): LoadProbe {
  const g = globalThis as { process?: { versions?: { node?: string } }; requestAnimationFrame?: (cb: (t: number) => void) => number; cancelAnimationFrame?: (id: number) => void };
  if (typeof g.requestAnimationFrame === 'function') return frameProbe(g.requestAnimationFrame, g.cancelAnimationFrame!);
  if (g.process?.versions?.node) return nodeProbe();
  return { sample: () => 0, stop() {} };
}

function nodeProbe(): LoadProbe {
  let h: Histogram | undefined;
  let stopped = false;
  // A variable specifier keeps bundlers from pulling node:perf_hooks into browser builds.
  const specifier = 'node:perf_hooks';
  void import(/* @vite-ignore */ specifier).then((m: { monitorEventLoopDelay(o: { resolution: number }): Histogram }) => {
    if (stopped) return;
    h = m.monitorEventLoopDelay({ resolution: 10 });
    h.enable();
  });
  return {
    sample() {
      if (!h) return 0;
      const p99 = h.percentile(99) / 1e6; // ns → ms
      h.reset();
      return Number.isFinite(p99) ? p99 : 0;
    },
    stop() {
      stopped = true;
      h?.disable();
    },
  };
}

function frameProbe(raf: (cb: (t: number) => void) => number, caf: (id: number) => void): LoadProbe {
  let worst = 0;
  let last = 0;
  let id = 0;
  const frame = (t: number) => {
    if (last) worst = Math.max(worst, t - last - 1000 / 60);
    last = t;
    id = raf(frame);
  };
  id = raf(frame);
  return {
    sample() {
      const w = worst;
      worst = 0;
      return Math.max(0, w);
    },
    stop: () => caf(id),
  };
}
