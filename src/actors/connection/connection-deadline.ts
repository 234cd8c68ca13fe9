import { TIMER_SLACK_MS } from './connection-host.js';
import { ConnectionAdmission } from './connection-admission.js';

/**
 * Deadline layer of a connection: when a partial batch leaves. With `batching: 'adaptive'` it
 * is cut at the end of the task its first message arrived in (inside a delivery: once that
 * delivery has returned, so a node's burst of emits stays one batch); in either mode one timer
 * flushes it once its first message has waited `batchTimeout`, the upper bound. When the timer
 * fires early for the current head it re-arms for the rest of the wait instead of being cleared
 * and set again on every batch.
 *
 * @example
 * ```ts
 * const c = engine.getConnection(id);
 * c.offer(message); // arms the deadline: the batch leaves after batchTimeout at the latest
 * ```
 */
export abstract class ConnectionDeadline extends ConnectionAdmission {
  /** When the oldest buffered message arrived (the head of the next batch). */
  protected headSince = 0;
  protected timerArmed = false;
  private timer: unknown = undefined;
  /** An end-of-task cut is scheduled (at most one per connection at a time). */
  private cutPending = false;

  protected headArrived(): void {
    this.headSince = this.host.clock.now();
    if (this.immediate) return;
    if (!this.timerArmed) this.arm(this.batchTimeout);
    if (this.config.batching === 'adaptive' && !this.cutPending) this.scheduleCut();
  }

  // Inside a delivery the producer's task is that delivery: the cut waits on the trampoline
  // until the outermost one returned (a whole multi-hop pass then runs in one task). Outside,
  // the clock runs it once the producer's synchronous code and its microtasks are done.
  private scheduleCut(): void {
    this.cutPending = true;
    const t = this.host.trampoline;
    if (t.depth > 0) t.defer(this.cut);
    else this.host.taskEnd.schedule(this.cut);
  }

  private readonly cut = (): void => {
    this.cutPending = false;
    if (this.mailbox.size > 0 && !this.mode.final) this.pump(true);
  };

  /** Has the head waited its batchTimeout (within timer slack)? */
  protected isDue(): boolean {
    return this.host.clock.now() - this.headSince >= this.batchTimeout - TIMER_SLACK_MS;
  }

  /** Arms the deadline for the head, if it is not armed yet. */
  protected armForHead(): void {
    if (!this.timerArmed) this.arm(this.headSince + this.batchTimeout - this.host.clock.now());
  }

  /** batchTimeout changed: the armed deadline was computed with the old one and could fire too late. */
  protected rearm(): void {
    if (!this.timerArmed) return;
    this.clearDeadline();
    if (this.mailbox.size > 0 && !this.immediate) this.arm(Math.max(0, this.headSince + this.batchTimeout - this.host.clock.now()));
  }

  protected clearDeadline(): void {
    if (this.timerArmed) this.host.clock.clearTimeout(this.timer);
    this.timerArmed = false;

  }

  private arm(ms: number): void {
    this.timerArmed = true;
    const lead = Math.min(this.host.clock.timerLead ?? 0, TIMER_SLACK_MS);
    this.timer = this.host.clock.setTimeout(this.onTimer, Math.max(0, ms - lead));
  }

  private readonly onTimer = (): void => {
    this.timerArmed = false;
    if (this.mailbox.size === 0 || this.mode.final) return;
    const wait = this.headSince + this.batchTimeout - this.host.clock.now();
    if (wait > TIMER_SLACK_MS && this.mode.state !== 'closing') this.arm(wait);
    else this.pump(true);
  };
}
