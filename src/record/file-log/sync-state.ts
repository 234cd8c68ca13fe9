import type { EngineClock } from '../../clock.js';
import type { NodeflowError } from '../../errors.js';

interface SyncWaiter {
  readonly upTo: number;
  readonly failures: number;
  readonly resolve: () => void;
  readonly reject: (e: NodeflowError) => void;
}

/**
 * The writer's counts of batches appended, written (or dropped) and synced, its sync policy,
 * and who waits on them. Batches are counted in append order, so "everything appended before
 * this call" is one number. A sync is due after `everyBatches` written batches, `everyMs` after
 * the first unsynced append (on the injected clock), or when someone called `sync()`. @internal
 *
 * @example
 * ```ts
 * const s = new SyncState({ everyBatches: 200, everyMs: 1000 }, realClock, kick);
 * ```
 */
export class SyncState {
  private appendedN = 0;
  private writtenN = 0;
  private syncedN = 0;
  private failures = 0;
  private lastError: NodeflowError | undefined;
  /**
   * A failed fdatasync no sync() caller was told of yet: the next ones to resolve reject with it.
   * What it covered may be lost (the kernel can drop pages a failed fdatasync could not write),
   * so a later sync that succeeds must not answer for it silently.
   */
  private untold: NodeflowError | undefined;
  private timer: unknown;
  private timerDue = false;
  private disposed = false;
  private writeWaiters: { upTo: number; resolve: () => void }[] = [];
  private syncWaiters: SyncWaiter[] = [];

  constructor(
    private readonly policy: { readonly everyBatches: number; readonly everyMs: number } | 'none',
    private readonly clock: EngineClock,
    private readonly onDue: () => void,
  ) {}

  appended(n: number): void {
    this.appendedN += n;
    if (this.timer === undefined) this.arm();
  }

  private arm(): void {
    if (this.disposed || this.policy === 'none' || !Number.isFinite(this.policy.everyMs)) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDue = true;
      this.onDue();
    }, this.policy.everyMs);
  }

  written(n: number): void {
    this.writtenN += n;
    if (this.writeWaiters.length === 0) return;
    const still = this.writeWaiters.filter((w) => w.upTo > this.writtenN);
    for (const w of this.writeWaiters) if (w.upTo <= this.writtenN) w.resolve();
    this.writeWaiters = still;
  }

  failed(error: NodeflowError): void {
    this.failures++;
    this.lastError = error;
  }

  /**
   * A sync starts: it covers what is written now, and answers the timer that asked for it. A
   * timer that fires while it runs asks again (the batches written meanwhile are not covered):
   * cleared at the end instead, the next sync came a whole `everyMs` later, and the loss window
   * grew to about twice the policy's.
   */
  begin(): number {
    this.timerDue = false;
    return this.writtenN;
  }

  /** Someone waits for a write or a sync. */
  waiting(): boolean {
    return this.writeWaiters.length > 0 || this.syncWaiters.length > 0;
  }

  /** Nothing appended is waiting to be written. */
  settled(): boolean {
    return this.writtenN === this.appendedN;
  }

  whenWritten(): Promise<void> {
    return new Promise((resolve) => this.writeWaiters.push({ upTo: this.appendedN, resolve }));
  }

  request(): Promise<void> {
    if (this.syncedN === this.appendedN && this.untold === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => this.syncWaiters.push({ upTo: this.appendedN, failures: this.failures, resolve, reject }));
  }

  /** A sync should start now: a caller waits for what is written, or the policy asks for one. */
  due(): boolean {
    // Not for a caller whose batches are still being written: a sync now could not answer it.
    if (this.syncWaiters.length > 0 && this.syncWaiters[0]!.upTo <= this.writtenN) return true;
    if (this.policy === 'none' || this.writtenN === this.syncedN) return false;
    return this.timerDue || this.writtenN - this.syncedN >= this.policy.everyBatches;
  }

  /** A rolled segment's fdatasync failed: the next sync() callers to resolve are told. */
  syncFailed(error: NodeflowError): void {
    this.untold = error;
  }

  /** Everything written up to `upTo` is durable (or the sync failed: `error`). */
  synced(upTo: number, error: NodeflowError | undefined): void {
    if (error) this.untold = error;
    this.syncedN = Math.max(this.syncedN, upTo);
    if (this.syncedN === this.appendedN) {
      if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.timerDue = false;
    } else if (this.timer === undefined && !this.timerDue) this.arm();
    const still: SyncWaiter[] = [];
    const untold = this.untold;
    for (const w of this.syncWaiters) {
      if (w.upTo > this.syncedN) still.push(w);
      else if (untold) {
        w.reject(untold);
        this.untold = undefined;
      } else if (this.failures > w.failures) w.reject(this.lastError!);
      else w.resolve();
    }
    this.syncWaiters = still;
  }

  /** Ends the timer; anyone still waiting is told the batches will not be written. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.writeWaiters) w.resolve();
    this.writeWaiters = [];
  }
}
