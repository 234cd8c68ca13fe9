/**
 * The one injectable clock. It is XState's `Clock` (so the same object drives every machine's
 * `after` timers) plus `now()`. Pass XState's `SimulatedClock` in tests: every timer in the
 * engine (batch deadline, retry delay, waits) then runs on simulated time.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const clock = new SimulatedClock();
 * const engine = new StreamEngine({}, { clock });
 * clock.increment(16); // fires every batch deadline that is due
 * ```
 */
export interface EngineClock {
  /** Milliseconds, epoch-based for the real clock; any origin for simulated ones. */
  now(): number;
  setTimeout(fn: (...args: any[]) => void, timeout: number): any;
  clearTimeout(id: any): void;
  /**
   * How late this clock's timers usually fire, in ms (default 0). Batch deadlines are armed this
   * much early so a batch leaves near its deadline instead of one timer-lag after it; the
   * connection already treats 1 ms of slack as due, so the lead never exceeds that.
   */
  readonly timerLead?: number;
  /**
   * Runs `fn` once the current task and its microtasks are done, before any timer (Node's
   * `setImmediate`); returns a handle for `clearImmediate`. Adaptive batching cuts partial
   * batches there, so a synchronous burst still forms full batches. Optional, with
   * `clearImmediate`: without them the engine uses `setTimeout(fn, 0)`, which a simulated clock
   * runs at its next advance.
   */
  setImmediate?(fn: () => void): unknown;
  clearImmediate?(handle: unknown): void;
}

const origin = performance.timeOrigin;

/**
 * Wall clock with sub-millisecond resolution on the same epoch as `Date.now()`, so latency can
 * be measured against `message.timestamp`.
 *
 * @example
 * ```ts
 * const t = realClock.now();
 * ```
 */
export const realClock: EngineClock = {
  now: () => origin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  // Node and browser timers fire 1-3 ms late under load (measured: p99 of a 16 ms deadline
  // was 18.9 ms); arming 1 ms early keeps a flush inside batchTimeout + ~1 ms.
  timerLead: 1,
  ...endOfTask(),
};

// Node: setImmediate. Browsers: a MessageChannel message per round of callbacks (a task, so
// after microtasks; setTimeout(0) is clamped to 4 ms once nested).
function endOfTask(): Pick<EngineClock, 'setImmediate' | 'clearImmediate'> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown; clearImmediate?: (h: unknown) => void; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function' && typeof g.clearImmediate === 'function') {
    return { setImmediate: (fn) => g.setImmediate!(fn), clearImmediate: (h) => g.clearImmediate!(h) };
  }
  if (typeof g.MessageChannel !== 'function') return {};
  const queue = new Map<number, () => void>();
  let next = 0;
  const channel = new g.MessageChannel();
  channel.port1.onmessage = () => {
    const run = [...queue.values()];
    queue.clear();
    for (const fn of run) fn();
  };
  return {
    setImmediate: (fn) => {
      if (queue.size === 0) channel.port2.postMessage(null);
      queue.set(++next, fn);
      return next;
    },
    clearImmediate: (h) => void queue.delete(h as number),
  };
}

/**
 * Lets a wall-clock timer not keep a Node process alive (a no-op for simulated clocks and in
 * browsers). For observation loops only (metrics sampling, the adaptive handler's control loop):
 * a script that ends without `engine.stop()` then exits, while batch deadlines and retries,
 * which deliver messages, still hold the process until they ran.
 *
 * @example
 * ```ts
 * unrefTimer(clock.setTimeout(tick, 250));
 * ```
 */
export function unrefTimer<T>(timer: T): T {
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return timer;
}

/**
 * The longest delay a timer can honour: Node and browsers clamp anything above 2^31 − 1 ms
 * (about 24.8 days) to 1 ms, so a longer "timeout" would fire at once. Every duration option is
 * checked against it.
 *
 * @example
 * ```ts
 * validateStreamConfig({ retryDelay: MAX_DELAY_MS + 1 }); // throws ConfigError (retryDelay)
 * ```
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** The `allowed` text of a duration option, for ConfigError. @internal */
export const DELAY_ALLOWED = `a number of ms in [0, ${MAX_DELAY_MS}] (timers cannot wait longer)`;

/** Is `v` a duration a timer can honour: a finite number in [0, MAX_DELAY_MS]? @internal */
export function isDelay(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= MAX_DELAY_MS;
}
