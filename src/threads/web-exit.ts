/**
 * What a Web Worker posts just before it ends itself (`self.close()`): unlike a worker_threads
 * worker, a closed Web Worker fires no event on the main side, so without this its jobs would wait
 * for their delivery timeout. Not a {@link FromWorker} message: only the web link reads it.
 *
 * @internal
 */
export const WEB_WORKER_CLOSED = 'nodeflow.worker.closed';
