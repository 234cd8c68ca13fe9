import { errorMessage } from '../errors.js';
import type { DropReason, StreamMessage } from '../message.js';
import type { ConnectionWatcher, FeedEnd } from '../actors/connection/transport-hooks.js';
import type { NodeBehavior, NodeContext } from '../actors/workflow/node-types.js';
import type { CarrierLinkState, ConsumerCarrier, ConsumerEvents, DeliveredFrame } from './carrier.js';
import { RelayBarrier } from './relay-barrier.js';

// How long frames may wait past a missing one before the producer end is asked whether it was settled.
const STALL_MS = 500;

/** A frame offered into the local connection, not yet settled there. */
interface InFrame {
  readonly seq: number;
  /** Its last message's position in the offered order, plus one. */
  readonly end: number;
  deadLetters: StreamMessage[] | null;
  reason: string;
}

/**
 * The consumer end of one edge (the `transport.inlet` node's behaviour): asks the carrier for
 * frames only while its output connection has room for them whole, restores `seq` order, drops
 * duplicates, offers each frame's messages and flushes, and settles a frame once all its
 * messages are settled in the local connection (delivered, or dead-lettered: then the carrier's
 * `deadLetter` first). A batch backing off for a retry keeps its frames `working`.
 *
 * @example
 * ```ts
 * const end = new InletEnd(ctx, 'e1', carrier);
 * ```
 * @internal
 */
export class InletEnd implements NodeBehavior, ConnectionWatcher {
  private out: FeedEnd | undefined = undefined;
  private expected: number | undefined = undefined;
  private readonly early = new Map<number, DeliveredFrame>();
  private earlyMessages = 0;
  /** The frame being offered, and how far (a full connection holds the rest back). */
  private offering: DeliveredFrame | null = null;
  private offeringAt = 0;
  private readonly pending: InFrame[] = [];
  private pendingHead = 0;
  private offeredPos = 0;
  private settledPos = 0;
  private granted = 0;
  private open = false;
  private stopped = false;
  /** Messages were dropped by a stop: what is left is not settled, a replacement gets it again. */
  private lost = false;
  private woken = false;
  /** Downstream connections in this process (a relay): settled frames wait for them. Null: none. */
  private barrier: RelayBarrier<InFrame> | null = null;
  /** The lowest seq of a `first` frame past the expected one: a new producer incarnation's gap. */
  private jumpTo: number | undefined = undefined;
  private asking = false;
  /** Something moved while `oldest()` was on its way (a frame settled or came): ask again. */
  private askAgain = false;
  private recheck: unknown = undefined;
  /** Armed while frames wait past a missing one that no gap explains (see watchStall). */
  private stall: unknown = undefined;
  private readonly wake = (): void => {
    this.woken = false;
    this.settleFrames();
    this.drain();
    this.ask();
  };

  constructor(
    private readonly ctx: NodeContext,
    private readonly edge: string,
    private readonly carrier: ConsumerCarrier,
  ) {}

  async start(): Promise<void> {
    const out = this.ctx.seam.output('out');
    if (out === undefined) throw new Error(`transport.inlet ${this.ctx.nodeId} (edge ${this.edge}) needs exactly one connection on its output 'out'`);
    this.out = out;
    out.watch(this);
    // Once per topology: a relay's downstream connections, so a frame settles only once what its
    // messages became is settled there too (docs/semantics.md, "Relay barrier").
    const ends = this.ctx.seam.downstream();
    if (ends.length > 0) this.barrier = new RelayBarrier(ends, () => this.later());
    const events: ConsumerEvents = { frame: (f) => this.frame(f), link: (s, e) => this.linked(s, e) };
    try {
      this.expected = await this.carrier.open(events);
    } catch (error) {
      this.ctx.report({ kind: 'error', code: 'CARRIER_OPEN_FAILED', message: errorMessage(error) });
      throw error;
    }
    if (this.stopped) return;
    this.open = true;
    // A carrier that holds none starts at the first frame seen (the oldest, if any came early).
    if (this.expected === undefined && this.early.size > 0) this.expected = Math.min(...this.early.keys());
    this.drain(); // frames that arrived before open resolved
    this.ask();
  }

  private frame(f: DeliveredFrame): void {
    if (this.stopped) return;
    if (this.granted > 0) this.granted--;
    this.ctx.count('framesReceived');
    if (f.redelivered) this.ctx.count('redelivered');
    if (this.open) this.expected ??= f.seq;
    const seq = f.seq;
    if ((this.expected !== undefined && seq < this.expected) || this.early.has(seq) || this.offering?.seq === seq) {
      this.ctx.count('duplicates');
    } else {
      this.early.set(seq, f);
      this.earlyMessages += f.messages.length;
      if (f.first === true && (this.jumpTo === undefined || seq < this.jumpTo)) this.jumpTo = seq;
    }
    this.drain();
    this.ask();
  }

  // Offers frames in seq order while the connection takes them, then flushes once.
  private drain(): void {
    const out = this.out;
    if (!this.open || out === undefined || this.expected === undefined) return;
    let offered = 0;
    for (;;) {
      let f = this.offering;
      if (f === null) {
        f = this.early.get(this.expected) ?? null;
        if (f === null) break;
        this.early.delete(f.seq);
        this.earlyMessages -= f.messages.length;
        this.offering = f;
        this.offeringAt = 0;
        // Recorded before its first message is offered: a delivery can settle (or dead-letter)
        // inside the offer itself.
        this.pending.push({ seq: f.seq, end: this.offeredPos + f.messages.length, deadLetters: null, reason: '' });
      }
      const ms = f.messages;
      let i = this.offeringAt;
      while (i < ms.length && out.isOpen && out.accept(ms[i]!) !== 'full') i++;
      offered += i - this.offeringAt;
      this.offeredPos += i - this.offeringAt;
      this.offeringAt = i;
      if (i < ms.length) break; // full (or closing): the rest waits for room
      this.offering = null;
      this.expected = f.seq + 1;
    }
    if (offered > 0) {
      this.ctx.seam.emitted(offered);
      out.flush(); // no second batch window: the producer's batching already waited
    }
    if (this.jumpTo !== undefined && this.offering === null) this.gap();
    else this.watchStall();
  }

  // Frames wait past a missing one, and no new incarnation explains it: it may have been settled
  // by a consumer end since replaced (a frozen worker that settled it as it woke, before it read
  // its fence). Only the producer end knows which frames are settled: still stalled after
  // STALL_MS, ask it, and move past what it says is settled, up to the first frame held here.
  private watchStall(): void {
    if (this.stall !== undefined || this.carrier.settledBelow === undefined || this.expected === undefined || !this.stalledAt(this.expected)) return;
    const at = this.expected;
    this.stall = this.ctx.clock.setTimeout(() => {
      if (!this.stalledAt(at)) return void (this.stall = undefined);
      this.carrier.settledBelow!().then(
        (floor) => {
          this.stall = undefined;
          const to = Math.min(floor ?? at, ...this.early.keys());
          if (this.stalledAt(at) && to > at) {
            this.ctx.count('settledElsewhere', to - at);
            this.expected = to;
          }
          this.later();
        },
        (error: unknown) => {
          // A carrier that failed to ask: nothing is skipped, and it is asked again while stalled.
          this.stall = undefined;
          this.ctx.report({ kind: 'error', code: 'CARRIER_SETTLED_BELOW_FAILED', message: errorMessage(error) });
          this.later();
        },
      );
    }, STALL_MS);
  }

  /** Frames wait here past `at`, the seq expected, with nothing on offer. */
  private stalledAt(at: number): boolean {
    return !this.stopped && this.expected === at && this.offering === null && this.early.size > 0 && !this.early.has(at);
  }

  // A new producer incarnation's first frame waits past a gap: the frames in it are either still
  // stored (the dead incarnation's: delivered first) or never will be. Move past it once the
  // carrier holds nothing older than that frame (docs/semantics.md, "Gaps").
  private gap(): void {
    const expected = this.expected!;
    if (this.jumpTo! <= expected) {
      // Reached in order: a later incarnation's first frame may wait here too.
      this.jumpTo = undefined;
      for (const [seq, f] of this.early) if (f.first === true && seq > expected && (this.jumpTo === undefined || seq < this.jumpTo)) this.jumpTo = seq;
      if (this.jumpTo === undefined) return;
    }
    if (this.stopped || this.early.has(expected)) return;
    if (this.asking) return void (this.askAgain = true);
    const to = this.jumpTo!;
    this.asking = true;
    this.carrier.oldest().then(
      (oldest) => {
        this.asking = false;
        const again = this.askAgain;
        this.askAgain = false;
        if (again || this.stopped || this.jumpTo !== to || this.offering !== null || this.expected! >= to || this.early.has(this.expected!)) return this.later();
        if (oldest === undefined || oldest >= to) {
          this.ctx.count('gapsSkipped');
          this.expected = to;
          return this.later();
        }
        // An older frame is held: one not delivered yet comes (then the drain moves on); one of
        // ours not yet settled goes once it settles (settleFrames asks again); else ask later.
        if (oldest < this.expected! && this.pending.length === this.pendingHead && (this.barrier?.size ?? 0) === 0) this.askLater();
      },
      (error: unknown) => {
        this.asking = false;
        this.ctx.report({ kind: 'error', code: 'CARRIER_OLDEST_FAILED', message: errorMessage(error) });
        this.askLater();
      },
    );
  }

  // Only while stalled at a gap with nothing of ours to settle (a settlement the carrier has not
  // seen yet): one timer, never a loop per message.
  private askLater(): void {
    if (this.recheck !== undefined || this.stopped) return;
    this.recheck = this.ctx.clock.setTimeout(() => {
      this.recheck = undefined;
      this.later();
    }, 100);
  }

  // Credit: frames that fit whole in the room left, less what was granted or is held here.
  private ask(): void {
    const out = this.out;
    if (!this.open || this.stopped || out === undefined) return;
    const state = out.currentState;
    // An open circuit stops the asking (the server side fills, the producer sees full); half-open
    // asks again, or no probe could ever come.
    if (state === 'circuitOpen') return;
    const frame = out.config.maxBatchSize;
    const held = this.earlyMessages + (this.offering === null ? 0 : this.offering.messages.length - this.offeringAt);
    let want = Math.floor((out.room() - held) / frame) - this.granted;
    // Frames that came early must not use up the credit the missing one needs: ask for it
    // anyway (what waits here stays bounded by the producer's maxFrames outstanding).
    if (want <= 0 && this.granted === 0 && this.offering === null && this.early.size > 0 && !this.early.has(this.expected!)) want = 1;
    if (want <= 0) return;
    this.granted += want;
    this.carrier.request(want);
  }

  private settleFrames(): void {
    const barrier = this.barrier;
    if (this.lost || barrier?.gone === true) return;
    let n = 0;
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead]!.end <= this.settledPos) {
      const f = this.pending[this.pendingHead++]!;
      if (barrier !== null) barrier.hold(f);
      else this.settleFrame(f), n++;
    }
    if (barrier !== null) n += barrier.release(this.settleFrame);
    if (n > 0) {
      this.ctx.count('framesSettled', n);
      if (this.jumpTo !== undefined && this.offering === null) this.gap(); // an older frame of ours may have gone
    }
    if (this.pendingHead > 64 && this.pendingHead * 2 > this.pending.length) this.pending.splice(0, this.pendingHead), (this.pendingHead = 0);
  }

  private readonly settleFrame = (f: InFrame): void => {
    if (f.deadLetters !== null) this.carrier.deadLetter(f.seq, f.deadLetters, f.reason);
    this.carrier.settle(f.seq);
  };

  private later(): void {
    if (this.woken || this.stopped) return;
    this.woken = true;
    queueMicrotask(this.wake); // after the connection finished its own bookkeeping
  }

  delivered(count: number): void {
    this.settledPos += count;
    this.later();
  }

  deadLettered(messages: readonly StreamMessage[], error: unknown): void {
    // The oldest unsettled messages: each goes to the frame it came in.
    let k = this.pendingHead;
    for (let i = 0; i < messages.length; i++) {
      const pos = this.settledPos + i;
      while (k < this.pending.length && this.pending[k]!.end <= pos) k++;
      const f = this.pending[k];
      if (f === undefined) break;
      (f.deadLetters ??= []).push(messages[i]!);
      f.reason ||= errorMessage(error);
    }
    this.settledPos += messages.length;
    this.ctx.count('deadLettered', messages.length);
    this.later();
  }

  dropped(count: number, reason: DropReason): void {
    if (reason === 'shutdown' || reason === 'circuitOpen') this.lost = true;
    else this.ctx.count('droppedHere', count);
    this.settledPos += count;
    this.later();
  }

  retrying(): void {
    for (let k = this.pendingHead; k < this.pending.length; k++) this.carrier.working(this.pending[k]!.seq);
  }

  moved(): void {
    this.later(); // half-open or closed again: ask for what fits
  }

  private linked(state: CarrierLinkState, error?: Error): void {
    this.ctx.report({ kind: 'state', state: state === 'up' ? 'connected' : state === 'down' ? 'reconnecting' : 'closed', ...(error ? { detail: error.message } : {}) });
  }

  /** Frames not settled stay with the carrier: a consumer end that replaces this one gets them. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.out?.watch(null);
    this.barrier?.close();
    if (this.recheck !== undefined) this.ctx.clock.clearTimeout(this.recheck);
    if (this.stall !== undefined) this.ctx.clock.clearTimeout(this.stall);
    const unsettled = this.pending.length - this.pendingHead + (this.barrier?.size ?? 0) + this.early.size + (this.offering ? 1 : 0);
    if (unsettled > 0) this.ctx.count('unsettledAtStop', unsettled);
    void this.carrier.close();
  }
}
