import { assertMessage, type StreamMessage } from '../../message.js';
import type { EngineClock } from '../../clock.js';
import type { Batch, Inbox, OfferResult } from '../../message.js';

/**
 * What the streams need of their connection, and nothing more (so this file does not depend on
 * the `Connection` class).
 *
 * @example
 * ```ts
 * const streams = new ConnectionStreams(connection satisfies StreamSource);
 * ```
 * @internal
 */
export interface StreamSource {
  readonly id: string;
  readonly clock: EngineClock;
  readonly isBackpressured: boolean;
  readonly isOpen: boolean;
  accept(message: StreamMessage, countRefusal?: boolean): OfferResult;
  acceptAsTimedOut(): void;
  maxWaitTime(): number | undefined;
  swapInbox(inbox: Inbox): Inbox;
  close(): Promise<void>;
}

// Written by the engine itself while the connection is backpressured: it sits in the writer's
// queue, so `desiredSize` is <= 0 and `ready` pends until the low watermark, however the
// buffer was filled (writer, offer, or a fan-out).
const PRESSURE = Symbol('pressure');
type Chunk = StreamMessage | typeof PRESSURE;

/**
 * The Web Streams face of a connection: a real `WritableStreamDefaultWriter` whose
 * `desiredSize`/`ready` follow the mailbox, and an optional `ReadableStream` consumer.
 * @internal
 */
export class ConnectionStreams {
  private w: WritableStreamDefaultWriter<Chunk> | undefined;
  private broken = false;
  private tokenQueued = false;
  private holdExpired = false;
  private relieve: (() => void) | undefined;
  private waiters: Array<() => void> = [];
  private flowWaiters: Array<() => void> = [];
  private r: ReadableStream<StreamMessage> | undefined;
  private ctrl: ReadableStreamDefaultController<StreamMessage> | undefined;

  constructor(private readonly c: StreamSource) {}

  writer(): WritableStreamDefaultWriter<StreamMessage> {
    // A rejected chunk errors a WritableStream for good; hand out a fresh one so one bad
    // message does not end the connection.
    if (!this.w || this.broken) {
      this.broken = false;
      // The default strategy (highWaterMark 1, every chunk counts 1) without a size() call per
      // chunk: an explicit CountQueuingStrategy costs a JS call on every write.
      const ws = new WritableStream<Chunk>({ write: (chunk) => this.write(chunk), close: () => this.c.close() });
      this.w = ws.getWriter();
      this.tokenQueued = false;
      if (this.c.isBackpressured) this.pressure();
    }
    return this.w as unknown as WritableStreamDefaultWriter<StreamMessage>;
  }

  readable(): ReadableStream<StreamMessage> {
    if (this.r) return this.r;
    // One message per pull (highWaterMark 0): the connection learns exactly what was read, so
    // a cancel hands the unread rest back to the previous consumer instead of losing it.
    let previous: Inbox | undefined;
    let pending: { batch: Batch; next: number; done: (r?: void | PromiseLike<void>) => void } | null = null;
    let wanted = false;
    const give = (ctrl: ReadableStreamDefaultController<StreamMessage>) => {
      const p = pending!;
      ctrl.enqueue(p.batch.messages[p.next++]!);
      if (p.next === p.batch.messages.length) {
        pending = null;
        p.done();
      }
    };
    const stream = new ReadableStream<StreamMessage>(
      {
        start: (ctrl) => {
          this.ctrl = ctrl;
        },
        pull: (ctrl) => {
          if (pending) give(ctrl);
          else wanted = true;
        },
        cancel: () => {
          this.ctrl = undefined;
          this.r = undefined; // the next `readable` is a fresh stream
          if (previous) this.c.swapInbox(previous);
          const p = pending;
          pending = null;
          if (p && previous) {
            try {
              p.done(previous.deliver({ ...p.batch, messages: p.batch.messages.slice(p.next) }));
            } catch (error) {
              p.done(Promise.reject(error));
            }
          } else p?.done();
        },
      },
      new CountQueuingStrategy({ highWaterMark: 0 }),
    );
    const inbox: Inbox = {
      id: `${this.c.id}:readable`,
      deliver: (batch) =>
        new Promise<void>((resolve) => {
          pending = { batch, next: 0, done: resolve };
          if (wanted && this.ctrl) {
            wanted = false;
            give(this.ctrl);
          }
        }),
    };
    previous = this.c.swapInbox(inbox);
    this.r = stream;
    return stream;
  }

  /** Backpressure began: park a pressure token in the writer's queue. */
  pressure(): void {
    const w = this.w;
    if (!w || this.tokenQueued || this.broken) return;
    this.tokenQueued = true;
    const done = () => {
      this.tokenQueued = false;
      // Released by maxWaitTime while still pressured: `ready` has resolved for whoever was
      // waiting (their write is then accepted, shed, or dropped(timeout)); hold the next ones.
      if (this.c.isBackpressured && this.c.isOpen) this.pressure();
    };
    try {
      w.write(PRESSURE).then(done, done);
    } catch {
      done();
    }
  }

  /** Backpressure ended (or the hold timed out, which then sets holdExpired). */
  relief(): void {
    this.holdExpired = false;
    const r = this.relieve;
    this.relieve = undefined;
    r?.();
    this.flowing();
  }

  private flowing(): void {
    if (this.flowWaiters.length === 0) return;
    const ws = this.flowWaiters;
    this.flowWaiters = [];
    for (const go of ws) go();
  }

  /** Room appeared in the buffer: writers held on a full buffer try again. */
  room(): void {
    if (this.waiters.length === 0) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const retry of ws) retry();
  }

  /** Calls `callback` once, at the next room in the buffer (or when the connection closes). */
  onRoom(callback: () => void): void {
    this.waiters.push(callback);
  }

  /** Calls `callback` once, at the next low-watermark crossing (or when the connection closes). */
  onRelief(callback: () => void): void {
    this.flowWaiters.push(callback);
  }

  /** Producers waiting for room (held writes and `onRoom` callbacks). @internal */
  get waiting(): number {
    return this.waiters.length;
  }

  /** The connection stopped accepting: held writers are refused. */
  closing(): void {
    this.room();
    this.flowing();
  }

  /** The connection is closed: release everything. */
  finished(): void {
    this.closing();
    this.relief();
    try {
      this.ctrl?.close();
    } catch {
      // already closed or cancelled
    }
    this.ctrl = undefined;
  }

  private write(chunk: Chunk): void | Promise<void> {
    if (chunk === PRESSURE) {
      if (!this.c.isBackpressured) return;
      // Held until the low watermark; with a handler, never longer than its maxWaitTime.
      return new Promise<void>((resolve) => {
        const max = this.c.maxWaitTime();
        let timer: unknown;
        this.holdExpired = false;
        this.relieve = () => {
          if (timer !== undefined) this.c.clock.clearTimeout(timer);
          resolve();
        };
        if (max !== undefined) {
          timer = this.c.clock.setTimeout(() => {
            timer = undefined;
            this.relief();
            this.holdExpired = true;
          }, max);
        }
      });
    }
    try {
      assertMessage(chunk, true);
      if (this.c.accept(chunk, false) !== 'full') return;
    } catch (error) {
      this.broken = true;
      throw error;
    }
    // Released by maxWaitTime behind the pressure token and the buffer is still full: this
    // producer has had its wait already, so it is not held a second maxWaitTime.
    if (this.holdExpired) {
      this.c.acceptAsTimedOut();
      return;
    }
    return this.waitForRoom(chunk);
  }

  // A full buffer holds the writer until room appears, or until the handler's maxWaitTime,
  // after which the message is counted dropped(timeout): no producer waits forever.
  private waitForRoom(chunk: StreamMessage): Promise<void> {
    const clock = this.c.clock;
    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      let settled = false;
      const end = () => {
        settled = true;
        if (timer !== undefined) clock.clearTimeout(timer);
      };
      const retry = () => {
        if (settled) return;
        try {
          if (this.c.accept(chunk, false) === 'full') {
            this.waiters.push(retry);
            return;
          }
        } catch (error) {
          end();
          this.broken = true;
          reject(error);
          return;
        }
        end();
        this.holdExpired = false; // there was room after all: later writers may wait again
        resolve();
      };
      this.waiters.push(retry);
      const max = this.c.maxWaitTime();
      if (max !== undefined) {
        timer = clock.setTimeout(() => {
          if (settled) return;
          end();
          // Out of the list now, not at the next room: a buffer that stays full would otherwise
          // keep every timed-out waiter (and its message) for as long as it stays full.
          const i = this.waiters.indexOf(retry);
          if (i >= 0) this.waiters.splice(i, 1);
          this.c.acceptAsTimedOut();
          // Writes queued behind this one have waited at least as long: while the buffer stays
          // full they time out at once instead of each waiting a full maxWaitTime in turn.
          this.holdExpired = true;
          resolve();
        }, max);
      }
    });
  }
}
