import type { EngineClock } from '../clock.js';
import type { StreamMessage } from '../message.js';
import type { ErrorRecovery } from '../actors/policies/error-recovery.js';
import { askRetryDelay, askRetryable } from '../actors/connection/retry-questions.js';
import type { Frame, ProducerCarrier, ProducerEvents } from '../transport/carrier.js';
import { decodeValues, encodeData } from './codec.js';
import type { JobOutcome } from './pool.js';
import type { LoadSpec } from './protocol.js';
import { portableError } from './work.js';

/**
 * Where results are delivered in: `ordered` (default) emits a frame's outputs only after every
 * older frame's (a reorder buffer, bounded by the credit); `unordered` emits them as they come.
 *
 * @example
 * ```ts
 * const d: ThreadDelivery = 'unordered';
 * ```
 */
export type ThreadDelivery = 'ordered' | 'unordered';

/**
 * The pool as the carrier uses it (a `ThreadPool`, or a fake in the property tests). @internal
 *
 * @example
 * ```ts
 * const runner: JobRunner = threadPool({ size: 2 });
 * ```
 */
export interface JobRunner {
  readonly clock: EngineClock;
  acquire(spec: LoadSpec): number;
  release(fn: number): Promise<void>;
  run(fn: number, port: string, encode: () => import('./codec.js').EncodedValues, timeoutMs: number | undefined, done: (o: JobOutcome) => void): void;
}

/**
 * What the carrier needs of the node it stands in for. @internal
 *
 * @example
 * ```ts
 * const side: StandInSide = { portOf: () => 'in', recovery: () => undefined, failedAttempt: () => {}, deadLetter: () => {}, emit: () => {}, count: () => {} };
 * ```
 */
export interface StandInSide {
  /** The input port a frame's batch came in on. */
  portOf(messages: readonly StreamMessage[]): string;
  /** The input connection's error recovery (retries, delivery timeout), if it has one. */
  recovery(messages: readonly StreamMessage[]): ErrorRecovery | undefined;
  /** An attempt failed: counted in the input connection (a retry follows after `retryDelay`, if given). */
  failedAttempt(messages: readonly StreamMessage[], attempt: number, error: unknown, retryDelay: number | undefined): void;
  deadLetter(messages: readonly StreamMessage[], error: unknown, attempts: number): void;
  emit(port: string, values: readonly unknown[], inputs: readonly StreamMessage[]): void;
  count(name: string, n?: number): void;
}

interface Pending {
  readonly frame: Frame;
  failures: number;
  timer: unknown;
  /** undefined while out; outputs (ordered mode, not yet emitted) or 'emitted'/'dead' once done. */
  result: undefined | JobOutcome | 'emitted' | 'dead';
}

/**
 * The worker boundary as a carrier of the transport seam (src/transport/carrier.ts): the node's
 * stand-in (an `OutletEnd`) sends each batch as one frame; the frame runs on a pool worker;
 * its outputs come back as one result per frame and are emitted on the node's output ports; the
 * frame is then settled (cumulatively, in seq order), which releases its messages from the input
 * connection's custody. A failed run is retried per the input connection's error recovery (the
 * consumer end's job, as an inlet's connection does across processes), then dead-lettered.
 *
 * @example
 * ```ts
 * wf.registerNodeType(outletNodeType(() => new ThreadCarrier(pool, spec, 'ordered', side)));
 * ```
 * @internal
 */
export class ThreadCarrier implements ProducerCarrier {
  private events: ProducerEvents | undefined = undefined;
  private fn = 0;
  private readonly pending = new Map<number, Pending>();
  /** The oldest seq not yet settled. */
  private head = 0;
  private closed = false;

  constructor(
    private readonly pool: JobRunner,
    private readonly spec: LoadSpec,
    private readonly delivery: ThreadDelivery,
    private readonly side: StandInSide,
  ) {}

  open(events: ProducerEvents): Promise<void> {
    this.events = events;
    this.fn = this.pool.acquire(this.spec);
    events.link('up');
    return Promise.resolve();
  }

  send(frame: Frame): void {
    if (this.closed) return;
    if (this.pending.size === 0) this.head = frame.seq;
    const p: Pending = { frame, failures: 0, timer: undefined, result: undefined };
    this.pending.set(frame.seq, p);
    this.dispatch(p);
  }

  private dispatch(p: Pending): void {
    const messages = p.frame.messages;
    const timeout = this.side.recovery(messages)?.deliveryTimeout;
    this.pool.run(this.fn, this.side.portOf(messages), () => encodeData(messages), timeout, (o) => this.ended(p, o));
  }

  private ended(p: Pending, o: JobOutcome): void {
    if (this.closed || this.pending.get(p.frame.seq) !== p) return;
    if (!o.ok) return this.failed(p, portableError(this.spec, o.error));
    if (this.delivery === 'unordered') {
      this.emit(p, o);
      p.result = 'emitted';
    } else p.result = o;
    this.advance();
  }

  private failed(p: Pending, error: Error): void {
    const messages = p.frame.messages;
    const attempt = ++p.failures;
    this.side.count('failedAttempts');
    const rec = this.side.recovery(messages);
    const id = `thread frame ${p.frame.seq}`;
    let verdict = rec === undefined ? false : askRetryable(rec, error, id);
    if (verdict === true && attempt <= rec!.retryAttempts) {
      const delay = askRetryDelay(rec!, attempt, error, id);
      if (typeof delay === 'number') {
        this.side.count('retries');
        this.side.failedAttempt(messages, attempt, error, delay);
        p.timer = this.pool.clock.setTimeout(() => {
          p.timer = undefined;
          if (!this.closed) this.dispatch(p);
        }, delay);
        return;
      }
      verdict = delay;
    }
    this.side.failedAttempt(messages, attempt, error, undefined);
    const reason = verdict === true || verdict === false ? error : verdict;
    this.side.deadLetter(messages, reason, attempt);
    this.events!.deadLettered(p.frame.seq, messages.length);
    p.result = 'dead';
    this.advance();
  }

  private emit(p: Pending, o: JobOutcome & { ok: true }): void {
    const { ports, values } = o.out;
    for (let i = 0; i < ports.length; i++) this.side.emit(ports[i]!, decodeValues(values[i]!), p.frame.messages);
  }

  /** Settles the done prefix: outputs in seq order (ordered mode), one cumulative report. */
  private advance(): void {
    let upTo = -1;
    for (let p = this.pending.get(this.head); p !== undefined && p.result !== undefined; p = this.pending.get(this.head)) {
      if (typeof p.result === 'object' && p.result.ok) this.emit(p, p.result);
      this.pending.delete(this.head);
      upTo = this.head++;
    }
    if (upTo >= 0) this.events!.settled(upTo);
  }

  /** Frames sent and not settled. */
  get outstanding(): number {
    return this.pending.size;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const p of this.pending.values()) if (p.timer !== undefined) this.pool.clock.clearTimeout(p.timer);
    this.pending.clear();
    this.events?.link('closed');
    return this.pool.release(this.fn);
  }
}
