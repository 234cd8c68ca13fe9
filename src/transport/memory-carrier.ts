import { realClock, type EngineClock } from '../clock.js';
import type { StreamMessage } from '../message.js';
import type { ConsumerCarrier, ConsumerEvents, Frame, ProducerCarrier, ProducerEvents } from './carrier.js';
import { CarrierWire, type CarrierFaults } from './carrier-wire.js';

/**
 * Options of {@link memoryCarrier}.
 *
 * @example
 * ```ts
 * const options: MemoryCarrierOptions = { seed: 7, faults: { drop: 0.1, duplicate: 0.1, reorder: 0.2, delayMs: [0, 5] }, ackWaitMs: 50 };
 * ```
 */
export interface MemoryCarrierOptions {
  /** Seeds the fault schedule: the same seed (and clock) gives the same run. */
  readonly seed?: number;
  readonly faults?: CarrierFaults;
  /** Timers go through this clock (a `SimulatedClock` in tests). Default: the real clock. */
  readonly clock?: EngineClock;
  /** A frame handed out and neither settled nor `working` for this long is handed out again. Default 1000. */
  readonly ackWaitMs?: number;
}

/**
 * A carrier in memory, for one edge: the two ends' property tests run against it. It behaves
 * like JetStream on purpose: it keeps every frame until the consumer end settles it; a frame
 * handed out and not settled within `ackWaitMs` (its delivery was lost, or the consumer died)
 * is handed out again, marked `redelivered`; with faults it loses, repeats, delays and reorders
 * deliveries, and loses settled hints too (the producer then hears the floor after `ackWaitMs`,
 * as the JetStream carrier polls the consumer's ack floor). A consumer end can be closed and a
 * new one opened: what the old one did not settle goes to the new one.
 *
 * @example
 * ```ts
 * const carrier = memoryCarrier({ clock, seed: 1, faults: { drop: 0.05 } });
 * wf.registerNodeType(outletNodeType(() => carrier.producer()));
 * wf2.registerNodeType(inletNodeType(() => carrier.consumer()));
 * ```
 */
export function memoryCarrier(options: MemoryCarrierOptions = {}): MemoryCarrier {
  return new MemoryCarrier(options);
}

/**
 * A dead letter the memory carrier recorded.
 *
 * @example
 * ```ts
 * carrier.deadLetters.map((d) => d.seq);
 * ```
 */
export interface MemoryDeadLetter {
  readonly seq: number;
  readonly messages: readonly StreamMessage[];
  readonly reason: string;
}

interface Held {
  readonly frame: Frame;
  deliveries: number;
  /** The ackWait timer while handed out; undefined while it waits to be handed out. */
  timer: unknown;
  deadLettered: boolean;
}

interface Consumer {
  readonly events: ConsumerEvents;
  credit: number;
  open: boolean;
}

/**
 * The carrier {@link memoryCarrier} makes: one producer end and any number of consumer ends in
 * turn, with its state readable for tests.
 *
 * @example
 * ```ts
 * const c = memoryCarrier();
 * c.held; // frames kept, not yet settled
 * ```
 */
export class MemoryCarrier {
  private readonly frames = new Map<number, Held>();
  private readonly wire: CarrierWire;
  private readonly ackWaitMs: number;
  private producerEvents: ProducerEvents | undefined = undefined;
  private current: Consumer | undefined = undefined;
  private lastSeq = 0;
  private toldFloor = 0;
  private poll: unknown = undefined;
  /** The most frames ever held at once. */
  maxHeld = 0;
  /** Dead letters recorded, in order. */
  readonly deadLetters: MemoryDeadLetter[] = [];
  /** Frames handed out again (lost deliveries, replaced consumers) and duplicates made on purpose. */
  redeliveries = 0;
  duplicates = 0;

  constructor(options: MemoryCarrierOptions) {
    this.wire = new CarrierWire(options.clock ?? realClock, options.seed ?? 1, options.faults ?? {});
    this.ackWaitMs = options.ackWaitMs ?? 1000;
  }

  /** Frames kept now, not yet settled. */
  get held(): number {
    return this.frames.size;
  }

  producer(): ProducerCarrier {
    return {
      open: async (events) => {
        this.producerEvents = events;
        events.link('up');
      },
      send: (frame) => this.received(frame),
      close: async () => {
        this.producerEvents?.link('closed');
        this.producerEvents = undefined;
        this.endIfIdle();
      },
    };
  }

  consumer(): ConsumerCarrier {
    let me: Consumer | undefined;
    return {
      open: async (events) => {
        if (this.current) this.current.open = false; // replaced: it hears nothing more
        me = this.current = { events, credit: 0, open: true };
        events.link('up');
        // The oldest frame held, or where the next one starts: memory knows both.
        const first = this.frames.keys().next();
        return first.done ? this.lastSeq + 1 : first.value;
      },
      oldest: async () => this.oldest(),
      request: (frames) => {
        if (me?.open !== true) return;
        me.credit += frames;
        this.pump();
      },
      settle: (seq) => this.settle(seq),
      deadLetter: (seq, messages, reason) => {
        const h = this.frames.get(seq);
        if (!h || h.deadLettered) return;
        h.deadLettered = true;
        this.deadLetters.push({ seq, messages, reason });
        const count = messages.length;
        this.wire.notify(() => this.producerEvents?.deadLettered(seq, count), false);
      },
      working: (seq) => {
        const h = this.frames.get(seq);
        if (h?.timer !== undefined) this.armAckWait(h);
      },
      close: async () => {
        if (me === undefined || !me.open) return;
        me.open = false;
        if (this.current === me) this.current = undefined;
        me.events.link('closed');
        this.endIfIdle();
      },
    };
  }

  // A producer that replaces a dead one starts past every seq its predecessor used (a `first`
  // frame), so only a repeated publish falls below: one copy kept (Nats-Msg-Id). The dead one's
  // frames already held stay and are delivered, as JetStream's stored messages do.
  private received(frame: Frame): void {
    if (frame.seq <= this.lastSeq) return;
    this.lastSeq = frame.seq;
    this.frames.set(frame.seq, { frame, deliveries: 0, timer: undefined, deadLettered: false });
    if (this.frames.size > this.maxHeld) this.maxHeld = this.frames.size;
    this.pump();
  }

  // Hands out the oldest frames not handed out, as far as the consumer's credit goes.
  private pump(): void {
    const c = this.current;
    if (!c?.open) return;
    for (const h of this.frames.values()) {
      if (c.credit <= 0) break;
      if (h.timer !== undefined) continue;
      h.deliveries++;
      if (h.deliveries > 1) this.redeliveries++;
      this.armAckWait(h);
      const redelivered = h.deliveries > 1;
      // A lost delivery keeps its credit (JetStream: the pull that did not deliver is re-issued),
      // so the redelivery after ackWait has credit to go on.
      if (this.wire.lost()) continue;
      c.credit--;
      const copies = this.wire.copies();
      if (copies > 1) this.duplicates++;
      for (let i = 0; i < copies; i++) {
        const again = redelivered || i > 0;
        this.wire.deliver(() => c.open && c.events.frame({ seq: h.frame.seq, messages: h.frame.messages, redelivered: again, first: h.frame.first === true }));
      }
    }
  }

  private armAckWait(h: Held): void {
    if (h.timer !== undefined) this.wire.clear(h.timer);
    h.timer = this.wire.after(() => {
      h.timer = undefined;
      this.pump();
    }, this.ackWaitMs);
  }

  private settle(seq: number): void {
    const h = this.frames.get(seq);
    if (!h) return;
    if (h.timer !== undefined) this.wire.clear(h.timer);
    this.frames.delete(seq);
    const floor = this.floor();
    if (floor <= this.toldFloor) return;
    // A hint may be lost: the producer then hears the floor when the poll comes.
    if (this.wire.notify(() => this.tellFloor(floor), true)) return;
    this.poll ??= this.wire.after(() => {
      this.poll = undefined;
      const floor = this.floor(); // now: frames sent later are not settled
      this.wire.notify(() => this.tellFloor(floor), false);
    }, this.ackWaitMs);
  }

  /** The oldest frame held (frames are held in seq order), or undefined. */
  oldest(): number | undefined {
    const first = this.frames.keys().next();
    return first.done ? undefined : first.value;
  }

  /** Every frame up to this one is settled. */
  private floor(): number {
    const first = this.frames.keys().next();
    return first.done ? this.lastSeq : first.value - 1;
  }

  private tellFloor(floor: number): void {
    if (floor <= this.toldFloor) return;
    this.toldFloor = floor;
    this.producerEvents?.settled(floor);
  }

  // Both ends closed: no timer of ours is left (frames stay held for a later consumer).
  private endIfIdle(): void {
    if (this.producerEvents !== undefined || this.current !== undefined) return;
    for (const h of this.frames.values()) {
      if (h.timer !== undefined) this.wire.clear(h.timer);
      h.timer = undefined;
    }
    this.poll = undefined;
    this.wire.clearAll();
  }
}
