import type { EngineClock } from '../clock.js';
import { NodeflowError, type NodeflowErrorCode } from '../errors.js';
import { transferList, type EncodedValues } from './codec.js';
import type { WorkerLink, WorkerSpawner } from './link.js';
import type { EncodedOutputs, FromWorker, LoadSpec, RunJob } from './protocol.js';
import { readPoolOptions, type ThreadPoolOptions } from './pool-options.js';

export type { ThreadPoolOptions } from './pool-options.js';

/**
 * How one job ended: its outputs, or the error that failed it (what the function threw, a
 * `DELIVERY_TIMEOUT`, or `THREAD_WORKER_DIED` after its worker died `maxCrashes` times under it).
 *
 * @example
 * ```ts
 * const done = (o: JobOutcome) => (o.ok ? emit(o.out) : fail(o.error));
 * ```
 * @internal
 */
export type JobOutcome = { readonly ok: true; readonly out: EncodedOutputs } | { readonly ok: false; readonly error: Error };

/** A job as the pool keeps it: its input is encoded again at each post (a transfer detaches it). */
interface Job {
  readonly id: number;
  readonly fn: number;
  readonly port: string;
  readonly encode: () => EncodedValues;
  readonly timeoutMs: number | undefined;
  readonly done: (o: JobOutcome) => void;
  /** Asked once, as the job is about to go to an idle worker: false withdraws it (see run). */
  gate: (() => boolean) | undefined;
  crashes: number;
  timer: unknown;
  at: Slot | undefined;
}

interface Slot {
  link: WorkerLink;
  /** In the order posted, which is the order the worker runs them: the first is the one running. */
  readonly jobs: Set<Job>;
  /** Jobs for this worker in this turn of the event loop, posted together at its end. */
  outbox: RunJob[];
  transfer: ArrayBuffer[];
  /** The worker said it serves: until then its first batch's time is the start's, bounded by STARTUP_MS. */
  ready: boolean;
}

/**
 * How long a fresh worker may take to start (thread, entry, imports) on top of its first batch's
 * deliveryTimeout: a start is not the batch's run, but one that never ends must still fail it.
 */
const STARTUP_MS = 10_000;


/**
 * Counters of a pool, exact when read.
 *
 * @example
 * ```ts
 * pool.stats().respawned; // workers started to replace one that died or hung
 * ```
 */
export interface ThreadPoolStats {
  readonly workers: number;
  readonly queued: number;
  readonly running: number;
  /** Workers started to replace one that died or hung. */
  readonly respawned: number;
  /** Jobs run again on a fresh worker because theirs died. */
  readonly requeued: number;
  readonly timedOut: number;
}

/**
 * A pool of workers, platform-free (a {@link WorkerSpawner} starts them). Workers start on the
 * first job and all end when the last user releases the pool, so an idle pool holds no worker.
 * A job goes to the worker with the fewest queued, up to `perWorker` each; beyond that it waits
 * here (bounded by the callers' credit). A worker that dies has its jobs run again on a fresh
 * one; a job past its timeout fails with `DELIVERY_TIMEOUT` and its worker is replaced.
 *
 * @example
 * ```ts
 * const pool = threadPool({ size: 2 });
 * ```
 */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly loads = new Map<number, LoadSpec>();
  private nextFn = 0;
  private nextJob = 0;
  private users = 0;
  private respawned = 0;
  private requeued = 0;
  private timedOut = 0;
  private flushing = false;
  private closed = false;
  readonly size: number;
  private readonly perWorker: number;
  private readonly maxCrashes: number;
  /** @internal */
  readonly clock: EngineClock;

  /** Made by a platform's `threadPool()` (`@nodeflow/runtime/threads` in Node). @internal */
  constructor(
    private readonly spawn: WorkerSpawner,
    options: ThreadPoolOptions = {},
  ) {
    const o = readPoolOptions(options);
    this.size = o.size;
    this.perWorker = o.perWorker;
    this.maxCrashes = o.maxCrashes;
    this.clock = o.clock;
  }

  /** A node starts using the pool with function `spec`; returns its id for `run`. @internal */
  acquire(spec: LoadSpec): number {
    const fn = ++this.nextFn;
    this.users++;
    this.loads.set(fn, spec);
    for (const s of this.slots) s.link.post({ t: 'load', fn, spec }, []);
    return fn;
  }

  /** The node is done with the pool; with no user left, every worker ends. @internal */
  release(fn: number): Promise<void> {
    if (!this.loads.delete(fn)) return Promise.resolve();
    // What still waits for a worker is not run: its node is gone (its results would be ignored).
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.fn === fn) this.queue.splice(i, 1);
    if (--this.users > 0) {
      for (const s of this.slots) s.link.post({ t: 'unload', fn }, []);
      return Promise.resolve();
    }
    return this.end();
  }

  /**
   * Runs one batch of function `fn`; `done` is called once. With a `gate` the job waits, first in
   * line, for a worker with nothing else to run (so it starts as it is posted, after every answer
   * before it was heard), and `gate()` is asked then: `false` withdraws it (`done` is never
   * called). A retry uses it to start only if its circuit lets it at that moment, as an in-thread
   * retry does. @internal
   */
  run(fn: number, port: string, encode: () => EncodedValues, timeoutMs: number | undefined, done: (o: JobOutcome) => void, gate?: () => boolean): void {
    if (this.closed) return done({ ok: false, error: new NodeflowError('THREAD_POOL_CLOSED', 'the thread pool was closed (pool.close()): give the node a new pool') });
    if (!this.loads.has(fn)) return done({ ok: false, error: new NodeflowError('THREAD_POOL_CLOSED', 'the thread pool was released') });
    // Also tops up after a worker that died idle was not replaced (see replace()).
    while (this.slots.length < this.size) this.slots.push(this.start());
    this.queue.push({ id: ++this.nextJob, fn, port, encode, timeoutMs, done, gate, crashes: 0, timer: undefined, at: undefined });
    this.pump();
  }

  stats(): ThreadPoolStats {
    let running = 0;
    for (const s of this.slots) running += s.jobs.size;
    return { workers: this.slots.length, queued: this.queue.length, running, respawned: this.respawned, requeued: this.requeued, timedOut: this.timedOut };
  }

  /**
   * Ends every worker now, for good: queued and running jobs fail with `THREAD_POOL_CLOSED`, and
   * so does every batch after (no worker starts again: make a new pool). A pool its last node
   * released ends its workers too, but starts them again for the next node.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.end();
  }

  private async end(): Promise<void> {
    const slots = this.slots.splice(0);
    const jobs = this.queue.splice(0);
    for (const s of slots) for (const j of s.jobs) jobs.push(j);
    for (const j of jobs) this.finish(j, { ok: false, error: new NodeflowError('THREAD_POOL_CLOSED', 'the thread pool closed with this batch unfinished') });
    await Promise.all(slots.map((s) => s.link.terminate()));
  }

  private start(): Slot {
    const slot: Slot = { link: this.spawn(), jobs: new Set(), outbox: [], transfer: [], ready: false };
    slot.link.listen(
      (m) => this.answered(slot, m),
      (error) => this.died(slot, error),
      () => this.serving(slot),
    );
    for (const [fn, spec] of this.loads) slot.link.post({ t: 'load', fn, spec }, []);
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) if (s.jobs.size < this.perWorker && (best === undefined || s.jobs.size < best.jobs.size)) best = s;
      const head = this.queue[0]!;
      // A gated job holds the line (nothing passes it, so nothing starves it) until a worker is idle.
      if (best === undefined || (head.gate !== undefined && best.jobs.size > 0)) return;
      const job = this.queue.shift()!;
      if (job.gate !== undefined) {
        const gate = job.gate;
        // Once: a job run again after its worker died had started already.
        job.gate = undefined;
        if (!gate()) continue;
      }
      job.at = best;
      best.jobs.add(job);
      this.timeHead(best);
      const data = job.encode();
      for (const b of transferList(data)) best.transfer.push(b);
      best.outbox.push({ fn: job.fn, job: job.id, port: job.port, data });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(this.flush);
      }
    }
  }

  /**
   * A batch's deliveryTimeout counts its own run: the worker runs its jobs one at a time in the
   * order posted, so the first unanswered one is running, and its timer starts now (at its post
   * to an idle worker, or when the one before it answered). Time queued counts for nothing: a
   * slow batch never makes the finished ones behind it time out.
   */
  private timeHead(slot: Slot): void {
    const head = first(slot);
    if (head === undefined || head.timeoutMs === undefined || head.timer !== undefined) return;
    head.timer = this.clock.setTimeout(() => this.expired(head), head.timeoutMs + (slot.ready ? 0 : STARTUP_MS));
  }

  /** The worker serves: its first batch's time starts again, now, with its own deliveryTimeout. */
  private serving(slot: Slot): void {
    slot.ready = true;
    const head = first(slot);
    if (head?.timer !== undefined) this.clock.clearTimeout(head.timer);
    if (head !== undefined) head.timer = undefined;
    if (this.slots.includes(slot)) this.timeHead(slot);
  }

  // One message per worker per turn: a post costs more than encoding a small batch. The outbox
  // is taken before the post: a batch that cannot be cloned must not be sent again next turn.
  private readonly flush = (): void => {
    this.flushing = false;
    for (const s of this.slots) {
      if (s.outbox.length === 0) continue;
      const jobs = s.outbox;
      const transfer = s.transfer;
      s.outbox = [];
      s.transfer = [];
      try {
        s.link.post({ t: 'run', jobs }, transfer);
      } catch {
        // Some value cannot be structured-cloned (a function, a symbol...): post the jobs one by
        // one, and fail only those that cannot go (the input connection retries or dead-letters).
        for (const j of jobs) this.postOne(s, j);
      }
    }
    this.pump();
  };

  private postOne(slot: Slot, run: RunJob): void {
    try {
      slot.link.post({ t: 'run', jobs: [run] }, transferList(run.data));
    } catch (error) {
      const job = [...slot.jobs].find((j) => j.id === run.job);
      const why = error instanceof Error ? error.message : String(error);
      if (job !== undefined) this.finish(job, { ok: false, error: new NodeflowError('INVALID_MESSAGE', `a batch could not be sent to a worker: a value cannot be structured-cloned (${why})`, { reason: why }) });
    }
  }

  private answered(slot: Slot, m: FromWorker): void {
    for (const a of m.answers) {
      let job: Job | undefined;
      for (const j of slot.jobs) if (j.id === a.job) job = j;
      // Timed out or requeued already: its late answer counts for nothing.
      if (job !== undefined) this.finish(job, a.t === 'done' ? { ok: true, out: a.out } : { ok: false, error: remoteError(a.error) });
    }
    this.pump();
  }

  private finish(job: Job, outcome: JobOutcome): void {
    const slot = job.at;
    slot?.jobs.delete(job);
    job.at = undefined;
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    job.timer = undefined;
    // The next one on that worker starts now: its time starts too.
    if (slot !== undefined && this.slots.includes(slot)) this.timeHead(slot);
    job.done(outcome);
  }

  // A hung worker cannot be interrupted: it is replaced, and its other jobs go to the new one.
  private expired(job: Job): void {
    job.timer = undefined;
    const slot = job.at;
    this.timedOut++;
    this.finish(job, { ok: false, error: new NodeflowError('DELIVERY_TIMEOUT', `a worker did not finish the batch within deliveryTimeout (${job.timeoutMs} ms); the worker was replaced`, { timeout: job.timeoutMs }) });
    if (slot !== undefined) this.replace(slot, false);
  }

  private died(slot: Slot, error: Error): void {
    if (this.slots.includes(slot)) this.replace(slot, true, error);
  }

  private replace(slot: Slot, crashed: boolean, error?: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    void slot.link.terminate();
    // A worker that died with no batch is replaced only when the next batch comes: one that dies
    // on its own (a work module that exits at load) would otherwise be restarted again and again.
    if (crashed && slot.jobs.size === 0) {
      this.slots.splice(i, 1);
      return;
    }
    this.slots[i] = this.start();
    this.respawned++;
    const again: Job[] = [];
    // Only the job the worker was running (its first unanswered) can have killed it: the ones
    // queued behind it are run again without a strike.
    const running = first(slot);
    for (const j of slot.jobs) {
      j.at = undefined;
      // Its time starts again on the fresh worker: it did not hang, its worker did.
      if (j.timer !== undefined) this.clock.clearTimeout(j.timer);
      j.timer = undefined;
      if (crashed && j === running && ++j.crashes > this.maxCrashes) {
        this.finish(j, { ok: false, error: new NodeflowError('THREAD_WORKER_DIED', `the batch's worker died ${j.crashes} times (${error?.message ?? 'exited'})`, { crashes: j.crashes }) });
      } else again.push(j);
    }
    slot.jobs.clear();
    this.requeued += again.length;
    // Ahead of what waits: they were sent first.
    this.queue.unshift(...again);
    this.pump();
  }
}

function first(slot: Slot): Job | undefined {
  for (const j of slot.jobs) return j;
  return undefined;
}

function remoteError(e: { name: string; message: string; code?: string }): Error {
  // A typed error the worker made (a result it could not send back) stays typed.
  if (e.name === 'NodeflowError' && e.code !== undefined) return new NodeflowError(e.code as NodeflowErrorCode, e.message);
  const error = new Error(e.message);
  error.name = e.name;
  if (e.code !== undefined) (error as Error & { code?: string }).code = e.code;
  return error;
}
