import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NodeflowError } from '../errors.js';
import type { FromWorker } from './protocol.js';
import type { WorkerLink, WorkerSpawner } from './link.js';
import { ThreadPool, type ThreadPoolOptions } from './pool.js';

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
    const worker = new Worker(entry);
    let ended = false;
    return {
      post: (m, transfer) => worker.postMessage(m, transfer),
      listen(message, exited) {
        worker.on('message', (m: FromWorker) => message(m));
        worker.on('error', (e) => {
          if (!ended) (ended = true), exited(e);
        });
        worker.on('exit', (code) => {
          if (!ended) (ended = true), exited(new Error(`worker exited with code ${code}`));
        });
      },
      async terminate() {
        ended = true;
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
  return new ThreadPool(nodeWorkers(options.entry), options);
}
