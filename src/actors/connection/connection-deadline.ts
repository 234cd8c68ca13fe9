import { TIMER_SLACK_MS } from './connection-host.js';
import { ConnectionAdmission } from './connection-admission.js';

/**
 * End-of-task cuts of one connection closer together than this on average (ms) mean a producer
 * that sends a message or two per task, fast: at most about 20,000 such cuts a second per
 * connection.
 */
const MIN_CUT_GAP_MS = 0.05;
/** How long a fast producer's partial batch may grow instead (one timer tick). */
const GAP_WAIT_MS = 1;

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
  /** When the last end-of-task cut left. */
  private lastTaskCut = -Infinity;
  /**
   * Moving average of the time between end-of-task cuts (weight 1/4 on the newest): below
   * MIN_CUT_GAP_MS the producer is fast. An average, so one early tick of a producer that is
   * late now and then does not hold its next batch.
   */
  private cutGapAvg = Infinity;
  /** The partial batch waits for the short gap timer (a fast producer), not for batchTimeout. */
  private gapHeld = false;

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
    if (t.depth > 0) t.defer(this.cutInTask);
    else this.host.taskEnd.schedule(this.cutAfterTask);
  }

  private readonly cutInTask = (): void => {
    this.cutPending = false;
    if (this.mailbox.size > 0 && !this.mode.final) this.pump(true);
  };

  private readonly cutAfterTask = (): void => {
    this.cutPending = false;
    if (this.mailbox.size === 0 || this.mode.final) return;
    const now = this.host.clock.now();
    const gap = now - this.lastTaskCut;
    this.cutGapAvg = this.cutGapAvg === Infinity ? gap : 0.75 * this.cutGapAvg + 0.25 * gap;
    if (this.cutGapAvg < MIN_CUT_GAP_MS && this.mailbox.size < this.maxBatch) {
      // Tasks this close together are a fast producer sending a message or two per task: the
      // batch grows until the next timer tick (about 1 ms) instead of each message paying the
      // per-batch cost (the target's XState event among it), which would cost more CPU than
      // the fixed window at 100k msg/s.
      this.clearDeadline();
      this.gapHeld = true;
      this.arm(Math.min(GAP_WAIT_MS, Math.max(0, this.headSince + this.batchTimeout - now)));
      return;
    }
    this.lastTaskCut = now;
    this.pump(true);
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
    this.gapHeld = false;
  }

  private arm(ms: number): void {
    this.timerArmed = true;
    const lead = Math.min(this.host.clock.timerLead ?? 0, TIMER_SLACK_MS);
    this.timer = this.host.clock.setTimeout(this.onTimer, Math.max(0, ms - lead));
  }

  private readonly onTimer = (): void => {
    this.timerArmed = false;
    const held = this.gapHeld;
    this.gapHeld = false;
    if (this.mailbox.size === 0 || this.mode.final) return;
    if (held) {
      this.lastTaskCut = this.host.clock.now();
      this.pump(true);
      return;
    }
    const wait = this.headSince + this.batchTimeout - this.host.clock.now();
    if (wait > TIMER_SLACK_MS && this.mode.state !== 'closing') this.arm(wait);
    else this.pump(true);
  };
}
