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
  run(fn: number, port: string, encode: () => import('./codec.js').EncodedValues, timeoutMs: number | undefined, done: (o: JobOutcome) => void, gate?: () => boolean): void;
}

/**
 * What the carrier needs of the node it stands in for. @internal
 *
 * @example
 * ```ts
 * const side: StandInSide = { portOf: () => 'in', recovery: () => undefined, failedAttempt: () => {}, deadLetter: () => {}, inputOf: () => 'in', circuit: () => 'closed', adoptProbe: () => 1, isRoundProbe: () => true, retryWaiting: () => {}, emit: () => {}, count: () => {} };
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
  /** The input connection (an opaque key): frames of one input settle in its custody. */
  inputOf(messages: readonly StreamMessage[]): unknown;
  /** The input connection's circuit as a retry sees it: `open` waits, `halfOpen` runs only as a probe. */
  circuit(messages: readonly StreamMessage[]): 'closed' | 'open' | 'halfOpen';
  /** In half-open: may this retry run as one of the round's probes? Its round (> 0), else 0. `ahead`: the input's messages in frames up to and including its own. */
  adoptProbe(messages: readonly StreamMessage[], ahead: number): number;
  /** Is a retry adopted in half-open round `round` still a probe (the circuit has not left that round)? */
  isRoundProbe(messages: readonly StreamMessage[], round: number): boolean;
  /** A retry starts (+1) or stops (-1) waiting for the input's circuit. */
  retryWaiting(messages: readonly StreamMessage[], delta: 1 | -1): void;
  /** Emits one port's output values; a promise when some wait for room (the frame settles after). */
  emit(port: string, values: readonly unknown[], inputs: readonly StreamMessage[]): void | Promise<void>;
  count(name: string, n?: number): void;
}

/** How often a retry kept waiting by an open circuit looks again (at least). */
const WAIT_MS = 25;

interface Pending {
  readonly frame: Frame;
  failures: number;
  timer: unknown;
  /** Its retry waits for the input's circuit (told to the connection, counted once). */
  waiting: boolean;
  /** The half-open round that adopted its retry as a probe (0: none): it may start in that round only. */
  probe: number;
  /**
   * undefined while out; its outputs (ordered mode: waiting for the older frames); `emitting` while
   * they wait for room downstream; `emitted` or `dead` once done.
   */
  result: undefined | JobOutcome | 'emitting' | 'emitted' | 'dead';
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
    const p: Pending = { frame, failures: 0, timer: undefined, waiting: false, probe: 0, result: undefined };
    this.pending.set(frame.seq, p);
    this.dispatch(p);
  }

  /** A retry (`retryDelay` given) is gated: the pool asks `mayStart` as it goes to an idle worker. */
  private dispatch(p: Pending, retryDelay?: number): void {
    const messages = p.frame.messages;
    const timeout = this.side.recovery(messages)?.deliveryTimeout;
    const gate = retryDelay === undefined ? undefined : () => this.mayStart(p, retryDelay);
    this.pool.run(this.fn, this.side.portOf(messages), () => encodeData(messages), timeout, (o) => this.ended(p, o), gate);
  }

  /**
   * A retry starts only if the circuit lets it now, not when its timer fired: the failures of the
   * jobs ahead of it at the worker were all heard by then, and one of them may have opened it.
   * Withdrawn, it waits again (its attempt unspent).
   */
  private mayStart(p: Pending, delay: number): boolean {
    if (this.closed || this.pending.get(p.frame.seq) !== p) return false;
    const phase = this.side.circuit(p.frame.messages);
    const probe = p.probe;
    p.probe = 0;
    if (phase === 'closed' || (phase === 'halfOpen' && probe !== 0 && this.side.isRoundProbe(p.frame.messages, probe))) return true;
    this.wait(p, delay);
    return false;
  }

  private ended(p: Pending, o: JobOutcome): void {
    if (this.closed || this.pending.get(p.frame.seq) !== p) return;
    if (!o.ok) return this.failed(p, portableError(this.spec, o.error));
    if (this.delivery === 'ordered') p.result = o;
    else this.emitted(p, this.emit(p, o, 0));
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
        this.later(p, delay);
        return;
      }
      verdict = delay;
    }
    this.side.failedAttempt(messages, attempt, error, undefined);
    this.deadLetter(p, verdict === true || verdict === false ? error : verdict, attempt);
    this.advance();
  }

  private later(p: Pending, delay: number): void {
    p.timer = this.pool.clock.setTimeout(() => {
      p.timer = undefined;
      if (!this.closed) this.retry(p, delay);
    }, delay);
  }

  /**
   * A retry runs as an in-thread one would (docs/semantics.md, "Breaker at a custody end"): not
   * while the input's circuit is open (it waits, its attempts unspent, so nothing is
   * dead-lettered for failing while open); in half-open only the input's oldest waiting retry,
   * as one of the round's probes (the connection hands nothing new over while one waits); at once
   * when the circuit is closed. A waiting retry looks again every WAIT_MS or its delay.
   */
  private retry(p: Pending, delay: number): void {
    const messages = p.frame.messages;
    const phase = this.side.circuit(messages);
    const round = phase === 'halfOpen' && this.oldestWaiting(p) ? this.side.adoptProbe(messages, this.ahead(p)) : 0;
    if (phase === 'closed' || round !== 0) {
      p.probe = round;
      this.stopWaiting(p);
      return this.dispatch(p, delay);
    }
    this.wait(p, delay);
  }

  private wait(p: Pending, delay: number): void {
    const messages = p.frame.messages;
    if (!p.waiting) {
      p.waiting = true;
      this.side.count('retriesWaited');
      this.side.retryWaiting(messages, 1);
    }
    this.later(p, Math.max(WAIT_MS, delay));
  }

  private stopWaiting(p: Pending): void {
    if (!p.waiting) return;
    p.waiting = false;
    this.side.retryWaiting(p.frame.messages, -1);
  }

  /** No older frame of `p`'s input waits: a probe settles only with the frames before it. */
  private oldestWaiting(p: Pending): boolean {
    const input = this.side.inputOf(p.frame.messages);
    for (const q of this.pending.values()) {
      if (q === p) return true;
      if (q.waiting && this.side.inputOf(q.frame.messages) === input) return false;
    }
    return true;
  }

  /** The messages of `p`'s input in the frames up to and including `p`: where its settlement lands. */
  private ahead(p: Pending): number {
    const input = this.side.inputOf(p.frame.messages);
    let n = 0;
    for (const q of this.pending.values()) {
      if (this.side.inputOf(q.frame.messages) === input) n += q.frame.messages.length;
      if (q === p) break;
    }
    return n;
  }

  private deadLetter(p: Pending, reason: unknown, attempts: number): void {
    this.side.deadLetter(p.frame.messages, reason, attempts);
    this.events!.deadLettered(p.frame.seq, p.frame.messages.length);
    p.result = 'dead';
  }

  /** Emits a frame's outputs port by port from `from`; a promise while some wait for room. */
  private emit(p: Pending, o: JobOutcome & { ok: true }, from: number): Promise<void> | undefined {
    const { ports, values } = o.out;
    for (let i = from; i < ports.length; i++) {
      let waiting: void | Promise<void>;
      try {
        waiting = this.side.emit(ports[i]!, decodeValues(values[i]!), p.frame.messages);
      } catch (error) {
        // A port the node does not have (INVALID_ARGUMENT): no retry would help.
        return Promise.reject(error);
      }
      if (waiting !== undefined) return waiting.then(() => this.emit(p, o, i + 1));
    }
    return undefined;
  }

  /** The frame's outputs went out now, or will once `waiting` resolves. */
  private emitted(p: Pending, waiting: Promise<void> | undefined): void {
    if (waiting === undefined) {
      p.result = 'emitted';
      return;
    }
    p.result = 'emitting';
    waiting.then(
      () => {
        p.result = 'emitted';
        if (!this.closed) this.advance();
      },
      (error: unknown) => {
        // What went out stays out; the batch is dead-lettered with the reason.
        this.side.count('emitFailed');
        this.deadLetter(p, error, p.failures + 1);
        if (!this.closed) this.advance();
      },
    );
  }

  /** Settles the done prefix: outputs in seq order (ordered mode), one cumulative report. */
  private advance(): void {
    let upTo = -1;
    for (let p = this.pending.get(this.head); p !== undefined && p.result !== undefined; p = this.pending.get(this.head)) {
      if (typeof p.result === 'object' && p.result.ok) this.emitted(p, this.emit(p, p.result, 0));
      // Its outputs wait for room downstream: nothing behind it settles (nor, ordered, emits) yet.
      if (p.result === 'emitting') break;
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
    for (const p of this.pending.values()) {
      if (p.timer !== undefined) this.pool.clock.clearTimeout(p.timer);
      this.stopWaiting(p);
    }
    this.pending.clear();
    this.events?.link('closed');
    return this.pool.release(this.fn);
  }
}
