import type { FromWorker } from './protocol.js';
import type { WorkerLink, WorkerSpawner } from './link.js';
import { ThreadPool, type ThreadPoolOptions } from './pool.js';
import { WEB_WORKER_CLOSED } from './web-exit.js';

/**
 * Which script a Web Worker runs: a URL of a module worker script, or a function that makes the
 * `Worker` (the form bundlers see through: `() => new Worker(new URL('./my-worker.js',
 * import.meta.url), { type: 'module' })`). Default: this package's `worker-web.js`.
 *
 * @example
 * ```ts
 * const entry: WebWorkerEntry = () => new Worker(new URL('./heavy-worker.js', import.meta.url), { type: 'module' });
 * ```
 */
export type WebWorkerEntry = URL | string | (() => Worker);

// The literal `new Worker(new URL(..., import.meta.url), { type: 'module' })` is the pattern Vite,
// webpack 5 and Parcel recognise to bundle the worker script with the app: keep it verbatim.
const defaultWorker = (): Worker => new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' });

/**
 * The Web Worker adapter: a spawner of module workers running `entry`. A Web Worker has no exit
 * event: an `error` event on the `Worker` (its script failed to load, or an exception escaped it)
 * and a worker that closes itself count as its death, as a crash does in Node: it is terminated,
 * replaced, and its jobs run again on the fresh one.
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
    let ended = false;
    return {
      post: (m, transfer) => worker.postMessage(m, transfer),
      listen(message, exited) {
        const die = (error: Error): void => {
          if (!ended) (ended = true), exited(error);
        };
        worker.onmessage = (e: MessageEvent) => (e.data === WEB_WORKER_CLOSED ? die(new Error('the worker closed itself')) : message(e.data as FromWorker));
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault(); // handled here: not also reported as uncaught on the page
          die(new Error(e.message || 'the worker failed to start (its script did not load)'));
        };
        // A message that cannot be deserialised is lost: only a fresh worker makes its job settle.
        worker.onmessageerror = () => die(new Error('a message from the worker could not be deserialised'));
      },
      terminate() {
        ended = true;
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
  return new ThreadPool(webWorkers(options.entry), options);
}
