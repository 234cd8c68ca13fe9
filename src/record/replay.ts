import { Observable, Subject } from 'rxjs';
import type { EngineClock } from '../clock.js';
import { NodeflowError } from '../errors.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { LiveFeed, trim } from './live-feed.js';
import { checkReadFrom } from './read-from.js';
import type { ReadFrom, RecordedBatch, RecordLog } from './record-log.js';
import { checkReplayOptions, checkSpeed, noHistory, type ReplayOptions, type ReplaySpeed } from './replay-options.js';
import type { ReplayState } from './replay-state.js';
import { replaySink, type ReplaySink } from './replay-target.js';

type Status = ReplayState['status'];

/**
 * Replays `log` into `into` (a widget id, a node id fed as its input, or a connection id) and
 * returns its controller. Validates everything first: a bad speed is `INVALID_CONFIG`, a start
 * outside the retained history `OUT_OF_RANGE`, a stopped target `TARGET_STOPPED`.
 *
 * @example
 * ```ts
 * const r = replay(engine, log, 'chart', { from: { seq: 1 }, speed: 10 });
 * await r.done; // { status: 'ended', ... }
 * ```
 */
export function replay(engine: StreamEngine, log: RecordLog, into: string, options: ReplayOptions = {}): Replay {
  const o = checkReplayOptions(options);
  const sink = replaySink(engine, into, o.port);
  const bounds = log.bounds();
  const from = o.from ?? (bounds ? { seq: bounds.first.seq } : undefined);
  if (from !== undefined) checkReadFrom(from, bounds);
  else if (o.live === undefined) throw noHistory();
  return new Replay(engine.clock, log, sink, o, from);
}

/**
 * A replay's controller: pause, resume, step (one batch), seek, speed; `state()` and `state$`
 * say where it is. History is read batch by batch from the log (never the whole log in memory)
 * and each batch waits for the target to take the one before (its backpressure). Timed replays
 * wait the recorded gaps divided by `speed` on the engine's clock, from one anchor (so errors
 * do not add up over a long replay); a pause is not replayed as a gap.
 *
 * @example
 * ```ts
 * const r = replay(engine, log, 'chart', { speed: 1, paused: true });
 * await r.step();              // shows one batch
 * r.seek({ at: t0 }); r.setSpeed(20); r.resume();
 * ```
 */
export class Replay {
  readonly done: Promise<ReplayState>;
  readonly state$: Observable<ReplayState>;
  private status: Status;
  private phase: 'history' | 'live' = 'history';
  private speed: ReplaySpeed;
  private it: AsyncIterator<RecordedBatch> | undefined = undefined;
  /** Bumped by seek and stop: a batch pulled by an older read is thrown away. */
  private gen = 0;
  private pending: RecordedBatch | undefined = undefined;
  private shownUpTo: number | undefined = undefined;
  private lastAt = 0;
  private shown = 0;
  private error: unknown = undefined;
  /** The timing anchor: recorded time `vt0` was due at clock time `wall0`. */
  private vt0: number | undefined = undefined;
  private wall0 = 0;
  private steps: Array<() => void> = [];
  private wake: (() => void) | undefined = undefined;
  /** A poke came while the loop was not asleep: its next sleep returns at once (no lost wake-up). */
  private nudged = false;
  private timer: unknown = undefined;
  private readonly feed: LiveFeed | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private offEnd: (() => void) | undefined;
  /** The live source stopped: once the feed is drained, the replay has shown everything. */
  private liveEnded = false;
  private readonly changes = new Subject<ReplayState>();
  private finish!: (s: ReplayState) => void;

  /** @internal */
  constructor(
    private readonly clock: EngineClock,
    /** The log it replays (a timeline reads its bounds to draw the scrubber). */
    readonly log: RecordLog,
    private readonly sink: ReplaySink,
    options: ReturnType<typeof checkReplayOptions>,
    from: ReadFrom | undefined,
  ) {
    this.speed = options.speed;
    this.status = options.paused ? 'paused' : 'playing';
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.state$ = new Observable((sub) => {
      sub.next(this.state());
      return this.changes.subscribe(sub);
    });
    if (options.live) {
      // Subscribed before the log is read: every batch is then in the read or in the feed.
      const feed = (this.feed = new LiveFeed(options.liveBuffer));
      feed.onPush = () => this.phase === 'live' && this.poke();
      this.unsubscribe = options.live.subscribe(
        (b) => feed.push(b),
        () => {
          this.liveEnded = true;
          this.poke();
        },
      );
    }
    // A target that stops or goes away ends the replay (failed, TARGET_STOPPED) whatever it is
    // doing: paused, waiting for live batches, or asleep until the next batch's time.
    this.offEnd = sink.onEnd(() => {
      if (this.final) return;
      this.error = new NodeflowError('TARGET_STOPPED', `Replay into ${sink.id}: the target stopped`, { id: sink.id });
      this.end('failed');
    });
    if (from !== undefined) this.open(from);
    else {
      // Nothing recorded yet: the view starts with the next live batch (and any the feed
      // loses before the loop runs is read back from the log as a gap).
      this.phase = 'live';
      this.shownUpTo = options.live!.nextSeq - 1;
    }
    void this.loop();
  }

  state(): ReplayState {
    const base = { phase: this.phase, speed: this.speed, position: this.shownUpTo === undefined || this.shown === 0 ? undefined : { seq: this.shownUpTo, at: this.lastAt }, shown: this.shown };
    return this.status === 'failed' ? { ...base, status: 'failed', error: this.error } : { ...base, status: this.status };
  }

  pause(): void {
    if (this.status !== 'playing') return;
    this.reanchor();
    this.set('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.wall0 = this.clock.now();
    this.set('playing');
    this.poke();
  }

  /** Pauses, shows the next batch at once, and resolves once the target has it. */
  step(): Promise<void> {
    if (this.final) return Promise.reject(new NodeflowError('INVALID_ARGUMENT', `Cannot step a replay that is ${this.status}`, { status: this.status }));
    this.pause();
    return new Promise<void>((resolve) => {
      this.steps.push(resolve);
      this.poke();
    });
  }

  /** Goes on from `from` (checked now: `OUT_OF_RANGE` outside the retained history). */
  seek(from: ReadFrom): void {
    if (this.final) throw new NodeflowError('INVALID_ARGUMENT', `Cannot seek a replay that is ${this.status}`, { status: this.status });
    checkReadFrom(from, this.log.bounds());
    this.gen++;
    this.open(from);
    this.vt0 = undefined;
    this.emit();
    this.poke();
  }

  /** A new speed from now on (`INVALID_CONFIG` unless 'instant' or 1..100). */
  setSpeed(speed: ReplaySpeed): void {
    checkSpeed(speed);
    this.reanchor();
    this.speed = speed;
    this.emit();
    this.poke();
  }

  /** Stops the replay (the target keeps what it was shown); resolves with the final state. */
  stop(): Promise<ReplayState> {
    if (!this.final) this.end('stopped');
    return this.done;
  }

  private get final(): boolean {
    return this.status === 'ended' || this.status === 'stopped' || this.status === 'failed';
  }

  private open(from: ReadFrom): void {
    release(this.it);
    this.it = this.log.read(from);
    this.phase = 'history';
    this.pending = undefined;
    this.shownUpTo = 'seq' in from ? from.seq - 1 : undefined;
  }

  private async loop(): Promise<void> {
    try {
      while (!this.final) {
        if (this.status === 'paused' && this.steps.length === 0) {
          await this.sleep(undefined);
          continue;
        }
        const gen = this.gen;
        const b = this.pending ?? (await this.next());
        if (gen !== this.gen || this.final) continue; // sought or stopped while reading
        if (b === undefined) {
          if (this.phase === 'history') this.historyShown();
          else if (this.liveEnded) this.end('ended');
          else await this.sleep(undefined);
          continue;
        }
        this.pending = b;
        const wait = this.steps.length > 0 || this.phase === 'live' ? 0 : this.due(b);
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
        this.pending = undefined;
        await this.show(b);
        const step = this.steps.shift();
        if (step) {
          this.vt0 = b.at;
          this.wall0 = this.clock.now();
          step();
        }
      }
    } catch (error) {
      if (!this.final) {
        this.error = error;
        this.end('failed');
      }
    }
  }

  private async next(): Promise<RecordedBatch | undefined> {
    if (this.phase === 'history') {
      const r = await this.it!.next();
      return r.done ? undefined : r.value;
    }
    const t = this.feed!.take(this.shownUpTo);
    if (t !== 'gap') return t;
    // The feed lost batches (it is bounded): they are in the log, read them from there.
    this.open({ seq: this.shownUpTo! + 1 });
    return this.next();
  }

  private historyShown(): void {
    release(this.it);
    this.it = undefined;
    if (this.feed === undefined) return this.end('ended');
    this.phase = 'live';
    this.emit();
  }

  /** Ms until `b` is due at this speed (0: now); the first batch after a seek sets the anchor. */
  private due(b: RecordedBatch): number {
    if (this.speed === 'instant') return 0;
    const now = this.clock.now();
    if (this.vt0 === undefined) {
      this.vt0 = b.at;
      this.wall0 = now;
      return 0;
    }
    return this.wall0 + (b.at - this.vt0) / this.speed - now;
  }

  private reanchor(): void {
    if (this.vt0 === undefined || this.speed === 'instant' || this.status !== 'playing') return;
    const now = this.clock.now();
    this.vt0 += (now - this.wall0) * this.speed;
    this.wall0 = now;
  }

  private async show(batch: RecordedBatch): Promise<void> {
    const upTo = this.shownUpTo;
    const end = batch.seq + batch.messages.length - 1;
    if (upTo !== undefined && end <= upTo) return; // already shown: the no-duplicate rule
    const b = upTo === undefined ? batch : trim(batch, upTo + 1);
    // A target that refuses (throws) has not been shown it. Once handed over it counts as shown,
    // before the target's pushback resolves, so a seek meanwhile sets its own start after this.
    const r = this.sink.put(b.messages);
    this.shownUpTo = end;
    this.lastAt = b.at;
    this.shown += b.messages.length;
    if (this.changes.observed) this.emit();
    if (r !== undefined) await r;
  }

  private sleep(ms: number | undefined): Promise<void> {
    // Poked while awake (a live batch pushed while the loop awaited the feed): look again now.
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      if (ms !== undefined) this.timer = this.clock.setTimeout(() => this.poke(), ms);
    });
  }

  private poke(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.wake;
    this.wake = undefined;
    if (w) w();
    else this.nudged = true;
  }

  private set(status: Status): void {
    this.status = status;
    this.emit();
  }

  private emit(): void {
    if (this.changes.observed) this.changes.next(this.state());
  }

  private end(status: 'ended' | 'stopped' | 'failed'): void {
    this.gen++;
    this.set(status);
    release(this.it);
    this.it = undefined;
    this.unsubscribe?.();
    this.offEnd?.();
    this.poke();
    for (const s of this.steps.splice(0)) s();
    this.changes.complete();
    this.finish(this.state());
  }
}

// Lets a read go (a file log closes its segment); a read that fails to close has nothing left to say.
function release(it: AsyncIterator<RecordedBatch> | undefined): void {
  it?.return?.()?.then(undefined, () => {});
}
