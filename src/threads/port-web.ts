import { ConfigError, NodeflowError } from '../errors.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { WorkerLink, WorkerSpawner } from './link.js';
import { ThreadPool, type ThreadPoolOptions } from './pool.js';
import { readPoolOptions } from './pool-options.js';
import { WEB_WORKER_CLOSED, WEB_WORKER_READY } from './web-exit.js';

/**
 * Which script a Web Worker runs: a URL of a module worker script (a build of this package's
 * `worker-web.js`), or a function that makes the `Worker` (the form bundlers see through:
 * `() => new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' })`).
 * Default: this package's `worker-web.js`.
 *
 * @example
 * ```ts
 * const entry: WebWorkerEntry = () => new Worker(new URL('./nodeflow-worker.js', import.meta.url), { type: 'module' });
 * ```
 */
export type WebWorkerEntry = URL | string | (() => Worker);

// The literal `new Worker(new URL(..., import.meta.url), { type: 'module' })` is the pattern Vite,
// webpack 5 and Parcel recognise to bundle the worker script with the app: keep it verbatim.
const defaultWorker = (): Worker => new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' });

/**
 * A link's life: `starting` until the worker says it serves (the jobs posted meanwhile are
 * remembered), `serving`, `unloadable` once its script failed to load (every job posted to it
 * fails with `MISSING_DEPENDENCY`), `ended` once it died or was terminated.
 */
type LinkState = { readonly t: 'starting'; readonly jobs: number[] } | { readonly t: 'serving' } | { readonly t: 'unloadable'; readonly error: NodeflowError } | { readonly t: 'ended' };

/**
 * The Web Worker adapter: a spawner of module workers running `entry`. A Web Worker has no exit
 * event: an `error` event on the `Worker` (an exception escaped it) and a worker that closes
 * itself count as its death, as a crash does in Node: it is terminated, replaced, and its jobs run
 * again on the fresh one. An `error` before the worker served means its script did not load: its
 * jobs fail with `MISSING_DEPENDENCY` (retried, then dead-lettered) and no other worker is started.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(webWorkers(), { size: 2 });
 * ```
 * @internal
 */
export function webWorkers(entry?: WebWorkerEntry): WorkerSpawner {
  const make = entry === undefined ? defaultWorker : typeof entry === 'function' ? entry : () => new Worker(entry, { type: 'module' });
  return () => {
    const worker = make();
    let state: LinkState = { t: 'starting', jobs: [] };
    let deliver: (m: FromWorker) => void = () => {};
    // Answered in a later task, as a worker would: never inside the pool's own post.
    const refuse = (jobs: readonly number[], error: NodeflowError): void => {
      if (jobs.length > 0) setTimeout(() => deliver({ answers: jobs.map((job) => ({ t: 'failed', job, error: { name: error.name, message: error.message, code: error.code } })) }), 0);
    };
    return {
      post(m: ToWorker, transfer) {
        if (m.t === 'run' && state.t === 'unloadable') return refuse(m.jobs.map((j) => j.job), state.error);
        if (m.t === 'run' && state.t === 'starting') for (const j of m.jobs) state.jobs.push(j.job);
        if (state.t !== 'ended' && state.t !== 'unloadable') worker.postMessage(m, transfer);
      },
      listen(message, exited, ready) {
        deliver = message;
        const die = (error: Error): void => {
          if (state.t === 'ended' || state.t === 'unloadable') return;
          state = { t: 'ended' };
          exited(error);
        };
        worker.onmessage = (e: MessageEvent) => {
          if (e.data === WEB_WORKER_READY) {
            if (state.t !== 'starting') return;
            state = { t: 'serving' };
            ready();
          } else if (e.data === WEB_WORKER_CLOSED) die(new Error('the worker closed itself'));
          else message(e.data as FromWorker);
        };
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault(); // handled here: not also reported as uncaught on the page
          if (state.t !== 'starting') return die(new Error(e.message || 'the worker failed'));
          const error = new NodeflowError('MISSING_DEPENDENCY', `the Web Worker's script did not load${e.message ? ` (${e.message})` : ''}: check threadPool({ entry }) and that the bundler emitted worker-web.js`);
          const jobs = state.jobs;
          state = { t: 'unloadable', error };
          worker.terminate();
          refuse(jobs, error);
        };
        // A message that cannot be deserialised is lost: only a fresh worker makes its job settle.
        worker.onmessageerror = () => die(new Error('a message from the worker could not be deserialised'));
      },
      terminate() {
        state = { t: 'ended' };
        worker.terminate();
        return Promise.resolve();
      },
    } satisfies WorkerLink;
  };
}

/**
 * A pool of Web Workers (see {@link ThreadPool}); `entry` overrides the worker script.
 *
 * @example
 * ```ts
 * const pool = threadPool({ size: 2 });
 * engine.node('heavy', { thread: { pool, work: { kind: 'function', fn: (v) => v } } });
 * ```
 */
export function threadPool(options: ThreadPoolOptions & { readonly entry?: WebWorkerEntry } = {}): ThreadPool {
  readPoolOptions(options); // a bad option is a ConfigError before any Worker is made
  const { entry } = options as { entry?: unknown };
  if (entry !== undefined && typeof entry !== 'string' && !(entry instanceof URL) && typeof entry !== 'function') throw new ConfigError('entry', 'a URL string, a URL, or a function that makes the Worker', entry);
  return new ThreadPool(webWorkers(options.entry), options);
}
