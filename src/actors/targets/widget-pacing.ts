import { NodeflowError } from '../../errors.js';

/**
 * A paced consumer of a widget (what `useStreamData(..., { enableBackpressure: true })` holds).
 * While an active pacer has not acknowledged `credit` messages, the widget does not take the
 * next batch: the delivery stays pending, so the connection buffers behind it, turns
 * `backpressured`, and its overflow strategy decides (instead of the window overwriting
 * messages nobody saw).
 *
 * @example
 * ```ts
 * const pacer = widget.pace();
 * requestAnimationFrame(() => { draw(widget.window.toArray()); pacer.ack(); });
 * // later: pacer.release();
 * ```
 */
export interface WidgetPacer {
  /** The consumer has seen everything delivered so far. */
  ack(): void;
  /** An inactive pacer (a hidden widget) never holds deliveries back. */
  setActive(active: boolean): void;
  /** Unregisters; a held batch is taken if nothing else holds it. */
  release(): void;
  /** True while this widget holds a batch back. */
  readonly holding: boolean;
}

interface PacerState {
  acked: number;
  active: boolean;
  readonly credit: number;
}

/**
 * The paced consumers of one widget and their credit: it decides when the widget must hold its
 * next batch back. Plain counting, once per batch; the widget owns the held batch itself.
 *
 * @example
 * ```ts
 * let seen = 0;
 * const pacers = new PacerSet();
 * const pacer = pacers.add(100, () => seen, () => console.log('take the held batch?'), () => false);
 * seen += 80; // a batch of 80 taken, not yet drawn
 * pacers.lagging(seen, 40); // true: 120 unseen would exceed the credit of 100
 * pacer.ack(); // drawn: nothing holds the next batch back
 * ```
 * @internal
 */
export class PacerSet {
  private readonly pacers = new Set<PacerState>();

  get size(): number {
    return this.pacers.size;
  }

  /**
   * Registers a consumer with `credit` unseen messages allowed, that has seen everything so far
   * (`seen()`, the widget's message count). `changed` runs after each ack, setActive and release:
   * the widget may then take the batch it holds. `holding` answers `pacer.holding`.
   */
  add(credit: number, seen: () => number, changed: () => void, holding: () => boolean): WidgetPacer {
    if (!Number.isInteger(credit) || credit < 1) throw new NodeflowError('INVALID_ARGUMENT', 'pace: credit must be an integer >= 1', { field: 'credit' });
    const p: PacerState = { acked: seen(), active: true, credit };
    this.pacers.add(p);
    return {
      ack: () => {
        p.acked = seen();
        changed();
      },
      setActive: (active) => {
        p.active = active;
        p.acked = seen();
        changed();
      },
      release: () => {
        this.pacers.delete(p);
        changed();
      },
      get holding() {
        return holding();
      },
    };
  }

  /**
   * Taking `n` more would leave some active pacer more than its credit behind. A pacer that has
   * seen everything always takes one batch, so a credit below the batch size cannot stall.
   */
  lagging(seen: number, n: number): boolean {
    for (const p of this.pacers) {
      const unseen = seen - p.acked;
      if (p.active && unseen > 0 && unseen + n > p.credit) return true;
    }
    return false;
  }

  clear(): void {
    this.pacers.clear();
  }
}
