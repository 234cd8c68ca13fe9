import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, NodeflowError } from '../errors.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { WEB_WORKER_READY } from './web-exit.js';
import type { WorkerLink, WorkerSpawner } from './link.js';
import { ThreadPool, type ThreadPoolOptions } from './pool.js';
import { readPoolOptions } from './pool-options.js';

/**
 * The worker_threads adapter: a spawner of workers that run `entry` (default: this package's
 * `worker-node.js`, next to this file once built). The one main-side file that imports a node:
 * module. A test that runs from TypeScript sources passes a bundled entry (test/threads/entry.ts).
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(nodeWorkers(), { size: 2 });
 * ```
 * @internal
 */
export function nodeWorkers(entry: URL | string = new URL('./worker-node.js', import.meta.url)): WorkerSpawner {
  // A missing entry would make every worker die at birth and be replaced, again and again.
  const file = entry instanceof URL ? (entry.protocol === 'file:' ? fileURLToPath(entry) : undefined) : entry.startsWith('file:') ? fileURLToPath(entry) : entry;
  if (file !== undefined && !existsSync(file)) throw new NodeflowError('MISSING_DEPENDENCY', `the worker entry ${file} does not exist (running from TypeScript sources? pass threadPool({ entry }) a JavaScript build of src/threads/worker-node.ts)`, { entry: file });
  return () => {
    // A "file:" string is a URL, which Worker takes only as a URL object (a string is a path).
    const worker = new Worker(typeof entry === 'string' && entry.startsWith('file:') ? new URL(entry) : entry);
    // An idle worker does not hold the process open (an engine no one stopped exits, as one with
    // inline nodes does); one with jobs out does, until they are answered.
    let out = 0;
    const jobs = (delta: number): void => {
      const was = out;
      out = Math.max(0, out + delta);
      if (was === 0 && out > 0) worker.ref();
      else if (was > 0 && out === 0) worker.unref();
    };
    worker.unref();
    // As in the browser (port-web.ts): a worker that dies before it said it serves did not load
    // (its entry threw, a bad import): a fresh one would die the same way, again and again, so its
    // jobs fail with MISSING_DEPENDENCY (retried, then dead-lettered) and no death is reported.
    let state: 'starting' | 'serving' | 'unloadable' | 'ended' = 'starting';
    let unloadable: NodeflowError | undefined;
    const starting: number[] = [];
    let deliver: (m: FromWorker) => void = () => {};
    const refuse = (jobs: readonly number[]): void => {
      const e = unloadable!;
      if (jobs.length > 0) setImmediate(() => deliver({ answers: jobs.map((job) => ({ t: 'failed', job, error: { name: e.name, message: e.message, code: e.code } })) }));
    };
    return {
      post(m: ToWorker, transfer) {
        if (m.t === 'run' && state === 'unloadable') return refuse(m.jobs.map((j) => j.job));
        if (m.t === 'run' && state === 'starting') for (const j of m.jobs) starting.push(j.job);
        if (state === 'starting' || state === 'serving') {
          if (m.t === 'run') jobs(m.jobs.length);
          worker.postMessage(m, transfer);
        }
      },
      listen(message, exited, ready) {
        deliver = message;
        const die = (error: Error): void => {
          if (state === 'starting') {
            state = 'unloadable';
            unloadable = new NodeflowError('MISSING_DEPENDENCY', `the worker's entry did not load (${error.message}): check threadPool({ entry })`, { entry: file ?? String(entry) });
            return refuse(starting.splice(0));
          }
          if (state !== 'serving') return;
          state = 'ended';
          exited(error);
        };
        worker.on('message', (m: FromWorker | string) => {
          if (m !== WEB_WORKER_READY) {
            jobs(-(m as FromWorker).answers.length);
            return message(m as FromWorker);
          }
          if (state !== 'starting') return;
          state = 'serving';
          ready();
        });
        worker.on('error', (e) => die(e));
        worker.on('exit', (code) => die(new Error(`worker exited with code ${code}`)));
      },
      async terminate() {
        state = 'ended';
        await worker.terminate();
      },
    } satisfies WorkerLink;
  };
}

/**
 * A pool of worker_threads workers (see {@link ThreadPool}); `entry` overrides the worker script.
 *
 * @example
 * ```ts
 * const pool = threadPool({ size: 2 });
 * threadNode(engine, 'heavy', work, { pool });
 * ```
 */
export function threadPool(options: ThreadPoolOptions & { readonly entry?: URL | string } = {}): ThreadPool {
  readPoolOptions(options); // a bad option is a ConfigError before any worker script is looked for
  const { entry } = options as { entry?: unknown };
  if (entry !== undefined && typeof entry !== 'string' && !(entry instanceof URL)) throw new ConfigError('entry', 'a path or file: URL string, or a URL', entry);
  return new ThreadPool(nodeWorkers(options.entry), options);
}
