import type { OfferResult, StreamMessage } from '../../message.js';
import type { Connection } from '../connection/connection.js';
import type { OutputPort } from '../targets/output-port.js';

/** What an outbox counts on its node: messages that went out, and messages left at a stop. */
interface OutboxCounts {
  emitted: number;
  discarded: number;
}

// Compact the arrays once this many entries at their front are spent (and they are half spent):
// amortised O(1) per message instead of an O(n) shift.
const COMPACT_AT = 1024;

/**
 * The messages a transform emitted that an output refused as full, kept in order. While any
 * wait, later emits queue behind them (per-node FIFO), and the node's delivery completes only
 * once the outbox has gone out: that is how backpressure travels upstream.
 *
 * The outbox never polls. When the head message is refused it waits on the room signal
 * (`Connection.onRoom`) of exactly the connections that refused it, since a fan-out is all or
 * nothing, and offers again once every one of them has called back.
 *
 * @example
 * ```ts
 * const outbox = new Outbox(node);
 * const r = outbox.offer(port, message); // 'full': kept, in order
 * await outbox.drain(); // resolves once everything kept went out
 * ```
 * @internal
 */
export class Outbox {
  private ports: OutputPort[] = [];
  private messages: StreamMessage[] = [];
  private head = 0;
  private draining: Promise<void> | undefined;
  private resolve: (() => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;
  /** Bumped by each wait and by discard(): a room callback from an older wait does nothing. */
  private generation = 0;

  constructor(private readonly counts: OutboxCounts) {}

  /** Messages kept, not yet out. */
  get size(): number {
    return this.messages.length - this.head;
  }

  /** Offers `m` on `port`, or keeps it (returning `'full'`) behind messages already kept. */
  offer(port: OutputPort, m: StreamMessage): OfferResult | 'unrouted' {
    if (this.size > 0) {
      this.keep(port, m);
      return 'full';
    }
    const r = port.emitValid(m);
    if (r === 'full') this.keep(port, m);
    else if (r !== 'unrouted') this.counts.emitted++;
    return r;
  }

  /** Settles once every kept message went out (undefined: nothing kept); rejects if an offer throws. */
  drain(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    if (this.draining) return this.draining;
    this.draining = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const draining = this.draining;
    this.step();
    return draining;
  }

  /** The run stopped: what is kept is counted discarded (never lost silently), and a drain settles. */
  discard(): void {
    this.counts.discarded += this.size;
    this.clear();
    this.generation++;
    this.settle();
  }

  private keep(port: OutputPort, m: StreamMessage): void {
    this.ports.push(port);
    this.messages.push(m);
  }

  // Offers from the head until something refuses (then waits on room) or all went out.
  private step(): void {
    if (!this.draining) return;
    try {
      while (this.size > 0) {
        const refusing = this.offerHead();
        if (refusing === null) continue;
        if (!this.wait(refusing)) return;
      }
    } catch (error) {
      const reject = this.reject!;
      this.counts.discarded += this.size;
      this.clear();
      this.draining = this.resolve = this.reject = undefined;
      reject(error);
      return;
    }
    this.settle();
  }

  /** Offers the head message: null if it went out, else the connections that refused it. */
  private offerHead(): readonly Connection[] | null {
    const port = this.ports[this.head]!;
    const m = this.messages[this.head]!;
    const cs = port.connections;
    if (cs.length === 0) {
      // Its connections were removed while it waited (a stop disposes them): it can go nowhere.
      this.counts.discarded++;
      this.pop();
      return null;
    }
    if (cs.length > 1) {
      // Ask each edge once here (refuses() counts the refusal, as emitValid's own check would):
      // the edges that refuse are the ones whose room to wait on. If none does, emitValid's
      // check finds the same, synchronously, and every edge takes the message.
      const refusing = cs.filter((c) => c.refuses(m));
      if (refusing.length > 0) return refusing;
    }
    const r = port.emitValid(m);
    if (r === 'full') return cs.slice(0, 1);
    if (r !== 'unrouted') this.counts.emitted++;
    this.pop();
    return null;
  }

  /**
   * Waits until every refusing connection signalled room. True when all of them called back at
   * once (they stopped accepting): the caller offers again in its loop rather than recursing.
   */
  private wait(refusing: readonly Connection[]): boolean {
    const generation = ++this.generation;
    let pending = refusing.length;
    let sync = true;
    let ready = false;
    const onRoom = () => {
      if (--pending > 0 || generation !== this.generation) return;
      if (sync) ready = true;
      else this.step();
    };
    for (const c of refusing) c.onRoom(onRoom);
    sync = false;
    return ready;
  }

  private pop(): void {
    this.head++;
    if (this.head === this.messages.length) this.clear();
    else if (this.head >= COMPACT_AT && this.head * 2 >= this.messages.length) {
      this.ports.splice(0, this.head);
      this.messages.splice(0, this.head);
      this.head = 0;
    }
  }

  private clear(): void {
    this.ports.length = 0;
    this.messages.length = 0;
    this.head = 0;
  }

  private settle(): void {
    const resolve = this.resolve;
    this.draining = this.resolve = this.reject = undefined;
    resolve?.();
  }
}
