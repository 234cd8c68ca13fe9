import type { NodeContext } from './node-types.js';

/**
 * How much a source produces: `rate` in msg/s (absent: as fast as its outputs take), and an end
 * by `count` messages or `duration` ms (neither: until the workflow stops).
 *
 * @example
 * ```ts
 * const s: SourceSchedule = { rate: 1000, duration: 5000 };
 * ```
 */
export interface SourceSchedule {
  rate?: number;
  count?: number;
  duration?: number;
}

const CHUNK = 1024; // messages per turn when there is no rate
const MAX_TICK_MS = 10;

/**
 * Drives a source on the engine clock. Each message is stamped with its intended send time,
 * so a source that falls behind shows it as latency. Strict about backpressure: a `'full'`
 * refusal keeps the message for the next turn, `'backpressured'` ends the turn early.
 * @internal
 */
export function driveSource(ctx: NodeContext, port: string, schedule: SourceSchedule, value: (i: number) => unknown) {
  const out = ctx.output(port);
  const clock = ctx.clock;
  const interval = schedule.rate ? 1000 / schedule.rate : 0;
  const count = schedule.count ?? Infinity;
  let t0 = 0;
  let i = 0;
  let timer: unknown;
  let running = false;
  let pausedAt = 0;
  const finish = () => {
    running = false;
    ctx.complete();
  };
  const tick = () => {
    timer = undefined;
    if (!running) return;
    const now = clock.now();
    const due = interval ? Math.min(count, Math.floor((now - t0) / interval) + 1) : Math.min(count, i + CHUNK);
    try {
      while (i < due) {
        const at = interval ? t0 + i * interval : now;
        if (schedule.duration !== undefined && at - t0 >= schedule.duration) return finish();
        const r = out(value(i), undefined, at);
        if (r === 'full') break; // keep message i for the next turn
        i++;
        if (r === 'backpressured') break;
      }
    } catch (error) {
      running = false;
      ctx.fail(error);
      return;
    }
    if (i >= count) return finish();
    // At least 1 ms between turns (what Node's setTimeout(0) gives anyway): a blocked source
    // polls instead of spinning, and simulated clocks move on.
    const wait = interval ? Math.min(MAX_TICK_MS, Math.max(1, t0 + i * interval - clock.now())) : 1;
    timer = clock.setTimeout(tick, wait);
  };
  return {
    start() {
      t0 = clock.now();
      running = true;
      tick();
    },
    pause() {
      if (!running) return;
      running = false;
      pausedAt = clock.now();
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
    resume() {
      if (running || pausedAt === 0) return;
      t0 += clock.now() - pausedAt; // no catch-up burst for the paused time
      pausedAt = 0;
      running = true;
      tick();
    },
    stop() {
      running = false;
      pausedAt = 0;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
