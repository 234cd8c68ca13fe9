import type { ClusterLink } from './cluster.js';
import { encode, subjects, type Sample } from './protocol.js';
import { sendPart } from './send-part.js';
import type { WorkflowSplit } from './split.js';

/**
 * What happens to a run's processes: a worker started its part, went silent (`lost`: its
 * process died or hangs), left it (`left`: its process was stopped, SIGTERM/SIGINT, or it gave
 * the part up as orphaned), took its part again (`rejoined`: a replacement, or the same process
 * once it answered), or finished its part.
 *
 * @example
 * ```ts
 * run.lifecycle$.subscribe((e) => e.type === 'worker.lost' && console.warn(e.worker, 'lost'));
 * ```
 */
export type ClusterEvent =
  | { readonly type: 'worker.started' | 'worker.rejoined' | 'worker.lost' | 'worker.left'; readonly run: string; readonly worker: string; readonly at: number }
  | { readonly type: 'worker.finished'; readonly run: string; readonly worker: string; readonly state: Sample['state']; readonly at: number }
  | { readonly type: 'run.finished'; readonly run: string; readonly state: Sample['state']; readonly at: number };

const TERMINAL = new Set(['completed', 'failed', 'stopped']);

interface Worker {
  /** The process incarnation that holds the part now (from its start reply): samples of any other are refused. */
  holder: string;
  lastSeen: number;
  lost: boolean;
  rejoining: boolean;
  finished: boolean;
}

/**
 * The coordinator's view of a run's workers: which incarnation holds each part (fencing), which
 * are lost or left (their part is offered again each tick until a worker of that name takes it),
 * which have finished.
 * @internal
 */
export class RunWorkers {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly link: ClusterLink,
    private readonly run: string,
    private readonly split: WorkflowSplit,
    private readonly lostAfterMs: number,
    private readonly emit: (e: ClusterEvent) => void,
    private readonly listening: () => boolean,
  ) {}

  add(name: string, incarnation: string): void {
    const now = Date.now();
    this.workers.set(name, { holder: incarnation, lastSeen: now, lost: false, rejoining: false, finished: false });
    this.emit({ type: 'worker.started', run: this.run, worker: name, at: now });
  }

  names(): string[] {
    return [...this.workers.keys()];
  }

  /** A worker whose fresh sample is not waited for (finished, lost or left). */
  idle(name: string): boolean {
    const w = this.workers.get(name);
    return w === undefined || w.finished || w.lost;
  }

  allFinished(): boolean {
    return [...this.workers.values()].every((w) => w.finished);
  }

  /** The workers to ask to stop, with the incarnation that holds each part. */
  running(): Array<[string, string]> {
    return [...this.workers].filter(([, w]) => !w.finished && !w.lost).map(([n, w]) => [n, w.holder]);
  }

  finishAll(): void {
    for (const w of this.workers.values()) w.finished = true;
  }

  /**
   * Whether sample `s` counts. One from another incarnation than the holder's is refused, and
   * that incarnation is told to stop its copy of the part (fenced), unless a start is under way
   * (its reply names the new holder, and may come after the new holder's first sample). A
   * `left` sample makes the part free: offered again from the next tick.
   */
  accept(s: Sample): boolean {
    const w = this.workers.get(s.worker);
    if (!w) return false;
    if (s.incarnation !== w.holder) {
      if (!w.rejoining) this.fence(s.worker, s.incarnation);
      return false;
    }
    w.lastSeen = Date.now();
    if (s.left === true) {
      if (!w.finished && !w.lost) {
        w.lost = true;
        this.emit({ type: 'worker.left', run: this.run, worker: s.worker, at: w.lastSeen });
      }
      return false;
    }
    if (w.lost && !w.rejoining) {
      w.lost = false;
      this.emit({ type: 'worker.rejoined', run: this.run, worker: s.worker, at: w.lastSeen });
    }
    if (TERMINAL.has(s.state) && !w.finished) {
      w.finished = true;
      this.emit({ type: 'worker.finished', run: this.run, worker: s.worker, state: s.state, at: w.lastSeen });
    }
    return true;
  }

  /** A silent worker is lost; a lost or left worker's part is offered again until one of that name takes it. True if one was newly lost. */
  watch(): boolean {
    const now = Date.now();
    let newlyLost = false;
    for (const [name, w] of this.workers) {
      if (w.finished) continue;
      if (!w.lost && now - w.lastSeen > this.lostAfterMs) {
        w.lost = newlyLost = true;
        this.emit({ type: 'worker.lost', run: this.run, worker: name, at: now });
      }
      if (!w.lost || w.rejoining) continue;
      w.rejoining = true;
      const part = this.split.parts.find((p) => p.worker === name)!;
      void sendPart(this.link, this.run, part, 1000, this.listening()).then(
        ({ incarnation }) => {
          // Fence the old holder now, not when its next sample comes: a frozen process finds
          // the fence among what it reads first on waking, so it stops before settling frames.
          if (w.holder !== incarnation) this.fence(name, w.holder);
          w.holder = incarnation;
          w.rejoining = false;
          w.lost = false;
          w.lastSeen = Date.now();
          this.emit({ type: 'worker.rejoined', run: this.run, worker: name, at: w.lastSeen });
        },
        () => void (w.rejoining = false),
      );
    }
    return newlyLost;
  }

  /** Tells `incarnation` of worker `name` to stop its copy of this run's part: another holds it. */
  private fence(name: string, incarnation: string): void {
    this.link.publish(subjects.fence(name), encode({ run: this.run, incarnation }));
  }
}
