/**
 * A queue of engine tasks run in order by one `drain()`: tasks queued while it drains run in the
 * same drain, a re-entrant `drain()` returns at once, and a task that throws does not stop the
 * others (it is an engine bug, not a target's failure, which the pump catches): the queue is
 * finished so no connection stalls, then the first error is thrown. The delivery trampoline and
 * the end-of-task queue are both this.
 *
 * @example
 * ```ts
 * const q = new TaskQueue();
 * q.defer(() => connection.flush());
 * q.drain();
 * ```
 */
export class TaskQueue {
  private queue: ((() => void) | undefined)[] = [];
  private head = 0;
  private draining = false;

  /** Queues `task` for the next drain. */
  defer(task: () => void): void {
    this.queue.push(task);
  }

  /** Tasks waiting for a drain. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Runs the queued tasks, in order. */
  drain(): void {
    if (this.draining || this.head === this.queue.length) return;
    this.draining = true;
    let failure: { error: unknown } | undefined;
    try {
      while (this.head < this.queue.length) {
        const task = this.queue[this.head]!;
        this.queue[this.head++] = undefined;
        try {
          task();
        } catch (error) {
          failure ??= { error };
        }
      }
    } finally {
      this.queue = [];
      this.head = 0;
      this.draining = false;
    }
    if (failure) throw failure.error;
  }

  /** Drops every queued task (within a drain: the ones not run yet). */
  clear(): void {
    this.queue = [];
    this.head = 0;
  }
}
