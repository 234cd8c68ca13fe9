import type { NodeflowError } from '../../errors.js';

interface Waiter {
  readonly upTo: number;
  readonly failures: number;
  readonly resolve: () => void;
  readonly reject: (e: NodeflowError) => void;
}

/**
 * Who waits for the batches appended so far to be settled (stored or dropped). Batches settle in
 * append order, so "everything appended before this call" is one count; a waiter is rejected
 * with the last drop's error if any batch was dropped since the previous `wait()` (so each drop
 * fails the next `sync()`, even one made after the drop). @internal
 *
 * @example
 * ```ts
 * const w = new Waiters();
 * w.appended(1);
 * const p = w.wait();
 * w.settled(1, undefined); // p resolves
 * ```
 */
export class Waiters {
  private appendedN = 0;
  private settledN = 0;
  private failures = 0;
  private lastError: NodeflowError | undefined;
  /** Failures counted when `wait()` was last called: a drop since then fails the next wait. */
  private checkpoint = 0;
  private list: Waiter[] = [];

  appended(n: number): void {
    this.appendedN += n;
  }

  /** A batch refused at once (never queued): those waiting now are told it is lost. */
  refused(error: NodeflowError): void {
    this.failures++;
    this.lastError = error;
  }

  settled(n: number, error: NodeflowError | undefined): void {
    this.settledN += n;
    if (error) {
      this.failures++;
      this.lastError = error;
    }
    if (this.list.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.list) {
      if (w.upTo > this.settledN) still.push(w);
      else if (this.failures > w.failures) {
        w.reject(this.lastError ?? error!);
        this.checkpoint = this.failures; // told: the next wait does not fail for it again
      }
      else w.resolve();
    }
    this.list = still;
  }

  wait(): Promise<void> {
    const since = this.checkpoint;
    this.checkpoint = this.failures;
    if (this.settledN >= this.appendedN) return this.failures > since ? Promise.reject(this.lastError!) : Promise.resolve();
    return new Promise((resolve, reject) => this.list.push({ upTo: this.appendedN, failures: since, resolve, reject }));
  }
}
