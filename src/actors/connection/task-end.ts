import type { EngineClock } from '../../clock.js';

/**
 * One per engine: runs the connections' adaptive cuts once the producer's task is over (its
 * synchronous code and its microtasks), so a synchronous burst still forms full batches while
 * a lone message leaves at once. One clock callback serves every connection that asked in the
 * same task, and `cancel()` (engine stop or dispose) leaves nothing scheduled.
 *
 * The clock's `setImmediate` runs it when the clock has one (the real clock: Node's, or a
 * MessageChannel task in browsers); otherwise a 0 ms timer, which a simulated clock runs at its
 * next advance, deterministically.
 *
 * @example
 * ```ts
 * const end = new TaskEnd(realClock);
 * end.schedule(() => connection.flush()); // after this task, before any timer
 * ```
 */
export class TaskEnd {
  private tasks: Array<() => void> = [];
  private handle: unknown = undefined;
  private immediate = false;

  constructor(private readonly clock: EngineClock) {}

  /** Runs `task` at the end of the current task (in the order scheduled). */
  schedule(task: () => void): void {
    if (this.tasks.push(task) > 1) return;
    const c = this.clock;
    this.immediate = typeof c.setImmediate === 'function';
    this.handle = this.immediate ? c.setImmediate!(this.run) : c.setTimeout(this.run, 0);
  }

  /** Drops what is scheduled (the engine stops: its connections flush or drop on their own). */
  cancel(): void {
    if (this.tasks.length === 0) return;
    if (this.immediate) this.clock.clearImmediate?.(this.handle);
    else this.clock.clearTimeout(this.handle);
    this.tasks = [];
    this.handle = undefined;
  }

  private readonly run = (): void => {
    const tasks = this.tasks;
    this.tasks = [];
    this.handle = undefined;
    let failure: { error: unknown } | undefined;
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        // An engine bug, not a target's failure (the pump catches those): run the other
        // connections' cuts anyway, then surface the first one.
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };
}
