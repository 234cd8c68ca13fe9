import type { FromWorker, ToWorker } from './protocol.js';

/**
 * The main thread's side of one worker, whatever the platform: `port-node.ts` makes it from a
 * worker_threads `Worker` (`port-web.ts` from a Web `Worker`). `exited` fires once, when the
 * worker ended without being asked to (a crash, `process.exit`); `ready` once, when it serves
 * (its entry loaded: from then on a batch's time is its own run, not the worker's start).
 *
 * @example
 * ```ts
 * const link = spawn();
 * link.listen((m) => console.log(m.t), (error) => console.error('worker died', error), () => console.log('serving'));
 * link.post({ t: 'load', fn: 1, spec }, []);
 * ```
 * @internal
 */
export interface WorkerLink {
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  listen(message: (m: FromWorker) => void, exited: (error: Error) => void, ready: () => void): void;
  /** Ends the worker now (its running job is abandoned); resolves once it is gone. */
  terminate(): Promise<void>;
}

/**
 * Starts one worker: the platform adapter a pool is given.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(nodeWorkers(), { size: 2 });
 * ```
 * @internal
 */
export type WorkerSpawner = () => WorkerLink;
