/**
 * What a Web Worker running `worker-web.js` posts once its script has loaded and it serves. Until
 * then an `error` event means the script itself did not load (a wrong URL, a server that answers
 * HTML, a syntax error): a fresh worker would fail the same way, so the link fails the jobs
 * instead of reporting a death (which would start another worker, again and again). The Node
 * entry (`worker-node.ts`) posts it too, read the same way by `port-node.ts`.
 *
 * @example
 * ```ts
 * scope.postMessage(WEB_WORKER_READY, []); // the last line of worker-web.ts
 * ```
 * @internal
 */
export const WEB_WORKER_READY = 'nodeflow.worker.ready';

/**
 * What a Web Worker posts just before it ends itself (`self.close()`): unlike a worker_threads
 * worker, a closed Web Worker fires no event on the main side, so without this its jobs would wait
 * for their delivery timeout. Neither sentinel is a `FromWorker` message: only the web link reads them.
 *
 * @example
 * ```ts
 * if (e.data === WEB_WORKER_CLOSED) die(new Error('the worker closed itself'));
 * ```
 * @internal
 */
export const WEB_WORKER_CLOSED = 'nodeflow.worker.closed';
