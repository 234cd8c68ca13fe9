import { unrefTimer } from '../../clock.js';
import { decide, type AdaptiveLaw, type KnobChange, type Knobs } from '../../machines/adaptive.logic.js';
import type { EngineClock } from '../../clock.js';
import type { BackpressureHandler, HandlerContext } from './backpressure.js';
import { DefaultBackpressureHandler } from './backpressure.js';
import { readAdaptiveOptions } from './adaptive-options.js';
import { systemLoadProbe, type LoadProbe } from '../metrics/load-probe.js';

/**
 * Options of {@link AdaptiveBackpressureHandler}; all optional.
 *
 * @example
 * ```ts
 * new AdaptiveBackpressureHandler({ adjustmentInterval: 500, law: { ...DEFAULT_ADAPTIVE_LAW, calmIntervals: 4 } });
 * ```
 */
export interface AdaptiveBackpressureOptions {
  /** Starting drop threshold, priority drop and maxWaitTime, as DefaultBackpressureHandler. */
  dropThreshold?: number;
  priorityDrop?: boolean;
  maxWaitTime?: number;
  /** Milliseconds between adjustments; at most one knob change per connection per interval (default 250). */
  adjustmentInterval?: number;
  law?: AdaptiveLaw;
  /** System load source (default: event-loop delay in Node, frame overrun in browsers). */
  probe?: LoadProbe;
}

/**
 * Per-connection view of the handler: the knobs in force, how many changes so far, the last one.
 *
 * @example
 * ```ts
 * const m: AdaptiveConnectionMetrics | undefined = handler.metrics()['a:out->b:in'];
 * ```
 */
export interface AdaptiveConnectionMetrics {
  readonly knobs: Knobs;
  readonly base: Knobs;
  readonly adjustments: number;
  readonly lastChange: (KnobChange & { readonly at: number }) | null;
}

interface Tracked {
  base: Knobs;
  knobs: Knobs;
  calm: number;
  adjustments: number;
  lastChange: (KnobChange & { at: number }) | null;
  last: { dropped: number; busyMs: number; at: number };
}

/**
 * A backpressure handler that tunes each connection's batch size, flush interval and drop
 * threshold from measured load: consumer busy time per interval, buffer occupancy, drops, and
 * event-loop delay (frame overrun in a browser). Knobs stay within the law's bounds, change at
 * most once per adjustment interval, with a dead band (hysteresis) so constant load settles.
 * Every change is an engine event (`handler.adjusted`) and shows in `metrics()`.
 *
 * @example
 * ```ts
 * const engine = new StreamEngine();
 * const adaptiveHandler = new AdaptiveBackpressureHandler();
 * engine.setBackpressureHandler(adaptiveHandler);
 * engine.events$.subscribe((e) => { if (e.type === 'handler.adjusted') console.log(e.knob, e.from, '→', e.to, e.reason); });
 * ```
 */
export class AdaptiveBackpressureHandler implements BackpressureHandler {
  readonly dropThreshold: number;
  readonly priorityDrop: boolean;
  readonly maxWaitTime: number;
  readonly adjustmentInterval: number;
  readonly law: AdaptiveLaw;
  private readonly probeOption: LoadProbe | undefined;
  private readonly tracked = new Map<string, Tracked>();

  constructor(options: AdaptiveBackpressureOptions = {}) {
    const o = readAdaptiveOptions(options);
    const d = new DefaultBackpressureHandler(o.defaults);
    this.dropThreshold = d.dropThreshold;
    this.priorityDrop = d.priorityDrop;
    this.maxWaitTime = d.maxWaitTime;
    this.adjustmentInterval = o.adjustmentInterval;
    this.law = o.law;
    this.probeOption = o.probe;
  }

  /** The knobs and adjustment counts of every connection it has seen. */
  metrics(): Record<string, AdaptiveConnectionMetrics> {
    const out: Record<string, AdaptiveConnectionMetrics> = {};
    for (const [id, t] of this.tracked) out[id] = { knobs: t.knobs, base: t.base, adjustments: t.adjustments, lastChange: t.lastChange };
    return out;
  }

  /** Called by the engine when installed; returns the detach function. @internal */
  bind(ctx: HandlerContext): () => void {
    const probe = this.probeOption ?? systemLoadProbe();
    let timer: unknown;
    let bound = true;
    const tick = () => {
      if (!bound) return;
      this.adjust(ctx, ctx.clock, loopDelay(probe));
      timer = unrefTimer(ctx.clock.setTimeout(tick, this.adjustmentInterval));
    };
    timer = unrefTimer(ctx.clock.setTimeout(tick, this.adjustmentInterval));
    return () => {
      bound = false;
      ctx.clock.clearTimeout(timer);
      if (!this.probeOption) probe.stop();
    };
  }

  private adjust(ctx: HandlerContext, clock: EngineClock, loopDelayMs: number): void {
    const now = clock.now();
    const seen = new Set<string>();
    for (const c of ctx.connections()) {
      if (!c.isOpen) continue;
      seen.add(c.id);
      const s = c.stats();
      const dropped = s.dropped.priority + s.dropped.overflow + s.dropped.timeout;
      let t = this.tracked.get(c.id);
      const law = { ...this.law, maxBatchSize: { min: Math.min(this.law.maxBatchSize.min, c.config.bufferSize), max: Math.min(this.law.maxBatchSize.max, c.config.bufferSize) } };
      if (!t) {
        // Adoption: the connection's own knobs, brought within the law's bounds, are its base.
        const k = c.knobs();
        const clamp = (v: number, b: { min: number; max: number }) => Math.min(b.max, Math.max(b.min, v));
        const base: Knobs = { maxBatchSize: clamp(k.maxBatchSize, law.maxBatchSize), batchTimeout: clamp(k.batchTimeout, law.batchTimeout), dropThreshold: clamp(k.dropThreshold, law.dropThreshold) };
        const knobs = c.tune(base);
        t = { base, knobs, calm: 0, adjustments: 0, lastChange: null, last: { dropped, busyMs: s.busyMs, at: now } };
        this.tracked.set(c.id, t);
        for (const knob of ['maxBatchSize', 'batchTimeout', 'dropThreshold'] as const) {
          if (k[knob] === base[knob]) continue;
          t.adjustments++;
          t.lastChange = { knob, from: k[knob], to: base[knob], reason: "adopted: brought within the law's bounds", at: now };
          ctx.emit({ type: 'handler.adjusted', connectionId: c.id, knob, from: k[knob], to: base[knob], reason: t.lastChange.reason, at: now });
        }
        continue;
      }
      const elapsed = Math.max(1e-9, now - t.last.at);
      const signals = { utilization: s.bufferUtilization, dropped: dropped - t.last.dropped, busyRatio: Math.min(1, (s.busyMs - t.last.busyMs) / elapsed), loopDelayMs };
      t.last = { dropped, busyMs: s.busyMs, at: now };
      const r = decide(t.knobs, t.base, signals, law, t.calm);
      t.calm = r.calm;
      if (!r.change) continue;
      t.knobs = c.tune({ [r.change.knob]: r.change.to });
      t.adjustments++;
      t.lastChange = { ...r.change, at: now };
      ctx.emit({ type: 'handler.adjusted', connectionId: c.id, knob: r.change.knob, from: r.change.from, to: r.change.to, reason: r.change.reason, at: now });
    }
    for (const id of this.tracked.keys()) if (!seen.has(id)) this.tracked.delete(id);
  }
}

// The probe is the caller's code running in our timer: a throw or a non-number there would be
// an uncaught exception, so it reads as "no delay measured" instead.
function loopDelay(probe: LoadProbe): number {
  try {
    const v = probe.sample();
    return typeof v === 'number' && v >= 0 ? v : 0;
  } catch {
    return 0;
  }
}
