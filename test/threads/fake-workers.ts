import type { SimulatedClock } from 'xstate';
import { decodeValues, encodeValues } from '../../src/threads/codec.js';
import type { WorkerLink, WorkerSpawner } from '../../src/threads/link.js';
import type { FromWorker, RunJob, ToWorker } from '../../src/threads/protocol.js';

/** What a fake worker does with one job: answer after `ms`, fail, die (crash) or hang. */
export type JobFate = { readonly kind: 'ok' | 'fail' | 'crash'; readonly ms: number } | { readonly kind: 'hang' };

/**
 * Deterministic fake workers on a simulated clock: each runs its jobs one at a time (like a real
 * worker), doubling numbers, and answers each job as it finishes; the fate of the n-th job any
 * worker starts is `fates[n % length]`. Messages cross by structured clone both ways, as with a
 * real port: a post of what cannot be cloned throws `DataCloneError`, and a result that cannot be
 * cloned back answers its job with the typed failure the real worker sends (src/threads/worker-core.ts).
 * A worker serves `startMs` after it was spawned (never, if Infinity), and runs nothing before.
 */
export function fakeWorkers(clock: SimulatedClock, fates: readonly JobFate[], startMs = 0) {
  let started = 0;
  const live = new Set<FakeWorker>();
  const spawn: WorkerSpawner = () => {
    const w = new FakeWorker(clock, () => fates[started++ % fates.length]!, () => live.delete(w), startMs);
    live.add(w);
    return w;
  };
  return { spawn, live };
}

class FakeWorker implements WorkerLink {
  private readonly queue: RunJob[] = [];
  private busy = false;
  private dead = false;
  private timer: ReturnType<SimulatedClock['setTimeout']> | undefined = undefined;
  private message: (m: FromWorker) => void = () => {};
  private exited: (e: Error) => void = () => {};

  constructor(
    private readonly clock: SimulatedClock,
    private readonly fate: () => JobFate,
    private readonly gone: () => void,
    private readonly startMs: number,
  ) {}
  private serving = false;

  post(m: ToWorker): void {
    if (this.dead) return;
    const copy = structuredClone(m); // throws on a function, as postMessage does
    if (copy.t !== 'run') return;
    this.queue.push(...copy.jobs);
    this.next();
  }

  listen(message: (m: FromWorker) => void, exited: (e: Error) => void, ready: () => void): void {
    this.message = message;
    this.exited = exited;
    const serve = () => {
      this.serving = true;
      ready();
      this.next();
    };
    if (this.startMs === 0) serve();
    else if (this.startMs !== Infinity) this.timer = this.clock.setTimeout(() => ((this.timer = undefined), serve()), this.startMs);
  }

  terminate(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  private end(): void {
    this.dead = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.gone();
  }

  private answer(job: RunJob, values: unknown[]): void {
    const m: FromWorker = { answers: [{ t: 'done', job: job.job, out: { ports: ['out'], values: [encodeValues(values)] } }] };
    try {
      this.message(structuredClone(m));
    } catch (error) {
      this.message({ answers: [{ t: 'failed', job: job.job, error: { name: 'NodeflowError', code: 'INVALID_MESSAGE', message: (error as Error).message } }] });
    }
  }

  private next(): void {
    if (this.busy || this.dead || !this.serving) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    this.busy = true;
    const f = this.fate();
    if (f.kind === 'hang') return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.busy = false;
      if (f.kind === 'crash') {
        this.end();
        return this.exited(new Error('fake crash'));
      }
      if (f.kind === 'fail') this.message({ answers: [{ t: 'failed', job: job.job, error: { name: 'Error', message: 'fake failure' } }] });
      else this.answer(job, decodeValues(job.data).map((v) => (typeof v === 'number' ? v * 2 : v)));
      this.next();
    }, f.ms);
  }
}
