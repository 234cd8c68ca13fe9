import type { EngineClock } from '../clock.js';

/**
 * Faults a test carrier puts on its wire on purpose, each a probability per delivery (or per
 * settled hint, for `drop`): `drop` loses it, `duplicate` delivers a second copy, `reorder`
 * holds it back past later ones; `delayMs` is each delivery's delay, uniform in [min, max].
 *
 * @example
 * ```ts
 * const faults: CarrierFaults = { delayMs: [0, 3], drop: 0.05, duplicate: 0.05, reorder: 0.1 };
 * ```
 */
export interface CarrierFaults {
  readonly delayMs?: readonly [number, number];
  readonly drop?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
}

/**
 * The wire under an in-memory carrier: a seeded fault schedule and the clock's timers, every one
 * of them tracked so closing leaves none. Frames go out on independent timers (so faults can
 * reorder them); notices to the producer keep their order (one queue, one timer), as on one
 * connection to a server.
 *
 * @example
 * ```ts
 * const wire = new CarrierWire(clock, 42, { drop: 0.1 });
 * wire.deliver(() => console.log('arrived'));
 * ```
 * @internal
 */
export class CarrierWire {
  private state: number;
  private readonly timers = new Set<unknown>();
  private readonly notices: Array<{ at: number; fn: () => void }> = [];
  private noticeTimer: unknown = undefined;
  private lastNoticeAt = 0;

  constructor(
    private readonly clock: EngineClock,
    seed: number,
    private readonly faults: CarrierFaults,
  ) {
    this.state = seed >>> 0 || 1;
  }

  /** Uniform in [0, 1), mulberry32: small, seeded, good enough for a fault schedule. */
  random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private chance(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.random() < p;
  }

  private delay(): number {
    const [min, max] = this.faults.delayMs ?? [0, 0];
    const d = min + (max - min) * this.random();
    return this.chance(this.faults.reorder) ? d + max + 1 + max * this.random() : d;
  }

  /** 2 when this delivery is duplicated on purpose, else 1. */
  copies(): number {
    return this.chance(this.faults.duplicate) ? 2 : 1;
  }

  /** Is this delivery lost on purpose (`drop`)? */
  lost(): boolean {
    return this.chance(this.faults.drop);
  }

  /** Delivers `fn` after a delay (reordered past later ones with `reorder`). */
  deliver(fn: () => void): void {
    this.after(fn, this.delay());
  }

  /** Tells the producer, in order; a `lossy` notice may be lost (false then). */
  notify(fn: () => void, lossy: boolean): boolean {
    if (lossy && this.chance(this.faults.drop)) return false;
    const [min, max] = this.faults.delayMs ?? [0, 0];
    const at = Math.max(this.clock.now() + min + (max - min) * this.random(), this.lastNoticeAt);
    this.lastNoticeAt = at;
    this.notices.push({ at, fn });
    if (this.noticeTimer === undefined) this.armNotices();
    return true;
  }

  private armNotices(): void {
    const head = this.notices[0];
    if (head === undefined) return;
    this.noticeTimer = this.after(() => {
      this.noticeTimer = undefined;
      const now = this.clock.now();
      while (this.notices.length > 0 && this.notices[0]!.at <= now) this.notices.shift()!.fn();
      this.armNotices();
    }, Math.max(0, head.at - this.clock.now()));
  }

  /** A tracked timer. */
  after(fn: () => void, ms: number): unknown {
    const id = this.clock.setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    this.timers.add(id);
    return id;
  }

  clear(id: unknown): void {
    if (this.timers.delete(id)) this.clock.clearTimeout(id);
  }

  /** Cancels every timer and notice (both ends closed). */
  clearAll(): void {
    for (const id of this.timers) this.clock.clearTimeout(id);
    this.timers.clear();
    this.notices.length = 0;
    this.noticeTimer = undefined;
  }

  /** Timers pending now. */
  get pending(): number {
    return this.timers.size;
  }
}
