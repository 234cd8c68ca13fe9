import type { EngineClock } from '../../clock.js';
import { TaskQueue } from './task-queue.js';

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
  private readonly tasks = new TaskQueue();
  private handle: unknown = undefined;
  private immediate = false;

  constructor(private readonly clock: EngineClock) {}

  /** Runs `task` at the end of the current task (in the order scheduled). */
  schedule(task: () => void): void {
    this.tasks.defer(task);
    if (this.tasks.size > 1) return;
    const c = this.clock;
    this.immediate = typeof c.setImmediate === 'function';
    this.handle = this.immediate ? c.setImmediate!(this.run) : c.setTimeout(this.run, 0);
  }

  /** Drops what is scheduled (the engine stops: its connections flush or drop on their own). */
  cancel(): void {
    if (this.tasks.size === 0) return;
    if (this.immediate) this.clock.clearImmediate?.(this.handle);
    else this.clock.clearTimeout(this.handle);
    this.tasks.clear();
    this.handle = undefined;
  }

  private readonly run = (): void => {
    this.handle = undefined;
    this.tasks.drain();
  };
}
