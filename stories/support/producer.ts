import { patternGenerator, type DataPattern, type StreamEngine } from '../../src/index.js';

/**
 * A paced in-browser producer: every timer tick (~4 ms) it emits `rate × elapsed` messages of
 * `pattern` on `nodeId:port` (one timestamp per tick: they are all emitted within it). A `full`
 * answer (overflow strategy `backpressure`) ends the tick: the producer respects backpressure
 * and counts what it could not send.
 */
export interface Producer {
  readonly sent: number;
  readonly refused: number;
  setRate(rate: number): void;
  stop(): void;
}

/** Starts a producer (see {@link Producer}). */
export function startProducer(engine: StreamEngine, nodeId: string, opts: { rate: number; pattern: DataPattern; port?: string; seed?: number; amplitude?: number }): Producer {
  const port = opts.port ?? 'out';
  const out = engine.node(nodeId).output(port);
  const value = patternGenerator(opts.pattern, { amplitude: opts.amplitude ?? 1, period: 2000, seed: opts.seed ?? 1, noise: opts.pattern === 'sine-wave' ? 0.05 : 0 });
  let rate = opts.rate;
  let i = 0;
  let refused = 0;
  let last = performance.now();
  let owed = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    const now = performance.now();
    // Catch up at most 50 ms after a stall, so a slow frame cannot cause a burst of seconds.
    owed = Math.min(owed + ((now - last) * rate) / 1000, rate / 20 + 1);
    last = now;
    const ts = engine.clock.now();
    let n = Math.floor(owed);
    owed -= n;
    while (n-- > 0) {
      const r = out.emit({ id: i, timestamp: ts, sourceNodeId: nodeId, port, data: value(i) });
      if (r === 'full') {
        refused += n + 1;
        break;
      }
      i++;
    }
    timer = setTimeout(tick, 4);
  };
  timer = setTimeout(tick, 4);
  return {
    get sent() {
      return i;
    },
    get refused() {
      return refused;
    },
    setRate: (r) => (rate = r),
    stop: () => clearTimeout(timer),
  };
}
