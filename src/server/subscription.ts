import type { Subscription } from 'rxjs';
import type { StreamMessage } from '../message.js';
import type { WidgetRuntime } from '../actors/targets/widget.js';

/**
 * What to send a subscription now: the newest `n` messages, numbered `from`..`total`, and the
 * `skipped` ones it will never see (they slid out of its window while it had no credit or its
 * socket was full). Pure: `total === sentSeq + n + skipped`, `n <= min(win, windowSize)`.
 *
 * @example
 * ```ts
 * nextBatch(10, 25, 8, 100); // { from: 18, n: 8, skipped: 7 }
 * ```
 * @internal
 */
export function nextBatch(sentSeq: number, total: number, win: number, windowSize: number): { from: number; n: number; skipped: number } {
  const avail = Math.max(0, total - sentSeq);
  const n = Math.max(0, Math.min(avail, win, windowSize));
  return { from: total - n + 1, n, skipped: avail - n };
}

/**
 * One client subscription on the server: a cursor into the widget's window, no messages of its
 * own. A stalled subscription costs these few fields and does no work per message. @internal
 *
 * @example
 * ```ts
 * const sub = new ServerSub(1, widget, epoch, 500, 16, 2, widget.total);
 * if (sub.ready()) send(sub.take(performance.now()));
 * ```
 */
export class ServerSub {
  /** Sequence number of the last message sent (or skipped). */
  sentSeq: number;
  /** Skipped since the previous batch sent (goes in the next batch header). */
  dropped = 0;
  droppedTotal = 0;
  lastSent = -Infinity;
  /** The widget's status$ while subscribed (edges go to the client as `st`). */
  statusSub: Subscription | undefined;

  constructor(
    readonly s: number,
    readonly widget: WidgetRuntime,
    readonly epoch: string,
    public win: number,
    public iv: number,
    public credit: number,
    sentSeq: number,
  ) {
    this.sentSeq = sentSeq;
  }

  /** Has messages it has not been sent, and credit to take them. */
  ready(): boolean {
    return this.credit > 0 && this.widget.total > this.sentSeq;
  }

  /** Takes the next batch's messages and moves the cursor; the caller sends them. */
  take(now: number, tail: (w: WidgetRuntime, n: number) => readonly StreamMessage[] = (w, n) => w.tail(n)): { from: number; total: number; dropped: number; messages: readonly StreamMessage[] } {
    const total = this.widget.total;
    const { from, n, skipped } = nextBatch(this.sentSeq, total, this.win, this.widget.window.size);
    const dropped = this.dropped + skipped;
    this.droppedTotal += skipped;
    this.dropped = 0;
    this.sentSeq = total;
    this.credit--;
    this.lastSent = now;
    return { from, total, dropped, messages: tail(this.widget, n) };
  }
}
