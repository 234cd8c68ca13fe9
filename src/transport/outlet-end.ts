import { errorMessage } from '../errors.js';
import type { Batch } from '../message.js';
import type { CustodyEnd } from '../actors/connection/transport-hooks.js';
import type { NodeBehavior, NodeContext } from '../actors/workflow/node-types.js';
import type { CarrierLinkState, ProducerCarrier, ProducerEvents } from './carrier.js';

/**
 * What the producer end of one edge has done, exactly, at the moment it is read. Across the edge,
 * with the producer connection's own `stats()` (whose `delivered`, `deadLettered` and `inFlight`
 * already count frames at the far end: see docs/semantics.md), `sent = outstandingMessages +
 * settledMessages + abandonedMessages` at every moment.
 *
 * @example
 * ```ts
 * const r = outlets.get('e1')!;
 * r.sent === r.outstandingMessages + r.settledMessages + r.abandonedMessages; // true
 * ```
 */
export interface OutletReadout {
  readonly edge: string;
  /** Messages the connection(s) into the outlet accepted (its producer end), summed. */
  readonly accepted: number;
  readonly framesSent: number;
  /** Messages sent in frames. */
  readonly sent: number;
  readonly outstandingFrames: number;
  readonly outstandingMessages: number;
  /** Messages of settled frames (delivered or dead-lettered at the far end). */
  readonly settledMessages: number;
  readonly deadLetteredMessages: number;
  /** Outstanding when the outlet stopped: counted `dropped(shutdown)` by its connection. */
  readonly abandonedMessages: number;
  readonly maxFrames: number;
  readonly link: CarrierLinkState | 'opening';
}

/** The highest seq any outlet of this process used: a later incarnation in this process starts past it. */
let highest = 0;

/**
 * Where a new producer incarnation's seqs start: past any its predecessor can have reached
 * (docs/semantics.md, "Producer incarnations"). `now` is the engine clock (ms since the epoch on
 * the real clock): an earlier incarnation would need more than 1,000 frames per ms of its life to
 * get there, and the product stays below 2^53 until the year 2255. Raised to what this process
 * already used, for a replacement started within the same millisecond.
 *
 * @example
 * ```ts
 * incarnationBase(Date.now()); // e.g. 1767225600000000
 * ```
 * @internal
 */
export function incarnationBase(now: number): number {
  return Math.max(Math.floor(now) * 1000, highest);
}

interface OutFrame {
  readonly seq: number;
  readonly count: number;
  readonly input: CustodyEnd;
  deadLettered: number;
}

/**
 * The producer end of one edge (the `transport.outlet` node's behaviour): each delivered batch
 * becomes one frame, kept outstanding (in custody of its connection, so in its occupancy) until
 * the carrier reports it settled; at `maxFrames` outstanding the delivery waits.
 *
 * @example
 * ```ts
 * const end = new OutletEnd(ctx, 'e1', 8, carrier);
 * ```
 * @internal
 */
export class OutletEnd implements NodeBehavior {
  /** The last seq used; its base is taken when the outlet starts (a new producer incarnation). */
  private seq = 0;
  private base = 0;
  /** Outstanding frames, oldest first (seqs contiguous); `head` is the oldest's index. */
  private frames: OutFrame[] = [];
  private head = 0;
  private framesSent = 0;
  private sent = 0;
  private outstanding = 0;
  private settledMessages = 0;
  private deadLetteredMessages = 0;
  private abandoned = 0;
  private link: CarrierLinkState | 'opening' = 'opening';
  private opened: Promise<void> | undefined = undefined;
  private isOpen = false;
  private closed = false;
  // Deliveries held at the frame cap, oldest first: one per input connection at most (each has
  // one batch out), so a fan-in's inputs each wait their turn instead of overwriting each other.
  private waiting: { batch: Batch; input: CustodyEnd; resolve: () => void }[] = [];
  private readonly inputs = new Map<string, CustodyEnd>();
  private readonly events: ProducerEvents;

  constructor(
    private readonly ctx: NodeContext,
    private readonly edge: string,
    private maxFrames: number | undefined,
    private readonly carrier: ProducerCarrier,
  ) {
    this.seq = this.base = incarnationBase(ctx.clock.now());
    this.events = { settled: (upTo) => this.settled(upTo), deadLettered: (seq, n) => this.deadLettered(seq, n), link: (s, e) => this.linked(s, e) };
  }

  start(): Promise<void> {
    return this.open();
  }

  private open(): Promise<void> {
    return (this.opened ??= this.carrier.open(this.events).then(
      () => void (this.isOpen = true),
      (error: unknown) => {
        this.ctx.report({ kind: 'error', code: 'CARRIER_OPEN_FAILED', message: errorMessage(error) });
        throw error;
      },
    ));
  }

  process(batch: Batch): void | PromiseLike<void> {
    const input = this.input(batch.connectionId);
    if (!this.isOpen) return this.open().then(() => this.take(batch, input));
    return this.take(batch, input);
  }

  private input(id: string): CustodyEnd {
    let input = this.inputs.get(id);
    if (input === undefined) {
      input = this.ctx.seam.input(id);
      if (input === undefined) throw new Error(`transport.outlet ${this.ctx.nodeId}: no connection ${id}`);
      input.keepCustody();
      this.maxFrames ??= Math.ceil(input.config.bufferSize / input.config.maxBatchSize);
      this.inputs.set(id, input);
    }
    return input;
  }

  // At the cap the delivery waits: its batch stays out, so the producer's mailbox fills.
  private take(batch: Batch, input: CustodyEnd): void | Promise<void> {
    if (this.frames.length - this.head < this.maxFrames!) return this.send(batch, input);
    return new Promise<void>((resolve) => void this.waiting.push({ batch, input, resolve }));
  }

  private send(batch: Batch, input: CustodyEnd): void {
    const seq = ++this.seq;
    const count = batch.messages.length;
    this.frames.push({ seq, count, input, deadLettered: 0 });
    this.framesSent++;
    this.sent += count;
    this.outstanding += count;
    if (seq > highest) highest = seq;
    // The first frame tells the consumer end that the gap before it is no missing frames.
    this.carrier.send(seq === this.base + 1 ? { seq, messages: batch.messages, first: true } : { seq, messages: batch.messages });
    this.ctx.count('framesSent');
  }

  private settled(upTo: number): void {
    let frames = 0;
    let messages = 0;
    while (this.head < this.frames.length && this.frames[this.head]!.seq <= upTo) {
      const f = this.frames[this.head++]!;
      frames++;
      messages += f.count;
      this.outstanding -= f.count;
      this.settledMessages += f.count;
      this.deadLetteredMessages += f.deadLettered;
      f.input.releaseCustody(f.count, f.deadLettered);
    }
    if (frames === 0) return;
    // Compact now and then: the array holds at most maxFrames live entries plus what was settled.
    if (this.head > 64 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    this.ctx.count('framesSettled', frames);
    this.ctx.count('settledMessages', messages);
    while (this.waiting.length > 0 && this.frames.length - this.head < this.maxFrames!) {
      const w = this.waiting.shift()!;
      // Taken over at once, so a deliveryTimeout due in this same turn cannot fail it after it
      // went out; not sent if the connection gave up on it while it waited here (it counted
      // those messages already).
      if (w.input.takeOver) w.input.takeOver(w.batch, () => this.send(w.batch, w.input));
      else this.send(w.batch, w.input);
      w.resolve();
    }
  }

  private deadLettered(seq: number, count: number): void {
    const f = this.frames[this.head + seq - (this.frames[this.head]?.seq ?? seq)];
    if (f === undefined || f.seq !== seq || f.deadLettered > 0) return;
    f.deadLettered = Math.min(count, f.count);
    this.ctx.count('deadLettered', f.deadLettered);
  }

  private linked(state: CarrierLinkState, error?: Error): void {
    this.link = state;
    this.ctx.report({ kind: 'state', state: state === 'up' ? 'connected' : state === 'down' ? 'reconnecting' : 'closed', ...(error ? { detail: error.message } : {}) });
  }

  /** Every input ended, so every frame was settled (its connection waited for that): close. */
  complete(): void {
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.carrier.close();
  }

  /** What is still outstanding is reported, then the carrier closes. */
  stop(): void {
    if (this.outstanding > 0) {
      this.abandoned += this.outstanding;
      this.ctx.count('abandoned', this.outstanding);
      this.ctx.report({ kind: 'error', code: 'FRAMES_OUTSTANDING', message: `edge ${this.edge}: ${this.frames.length - this.head} frame(s), ${this.outstanding} message(s) not settled at stop` });
      this.outstanding = 0;
      this.head = this.frames.length;
    }
    this.waiting = [];
    this.close();
  }

  readout(): OutletReadout {
    let accepted = 0;
    for (const input of this.inputs.values()) accepted += input.stats().accepted;
    const outstandingFrames = this.frames.length - this.head;
    return { edge: this.edge, accepted, framesSent: this.framesSent, sent: this.sent, outstandingFrames, outstandingMessages: this.outstanding, settledMessages: this.settledMessages, deadLetteredMessages: this.deadLetteredMessages, abandonedMessages: this.abandoned, maxFrames: this.maxFrames ?? 0, link: this.link };
  }
}
