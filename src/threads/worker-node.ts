// The worker_threads entry: adapts `parentPort` to the platform-free worker core. The only file
// on the worker side that imports a node: module (a Web Worker gets its own entry).
import { parentPort } from 'node:worker_threads';
import { WEB_WORKER_READY } from './web-exit.js';
import { serveWorker } from './worker-core.js';

const port = parentPort;
if (port === null) throw new Error('worker-node.js runs only as a worker_threads worker');
serveWorker({
  post: (m, transfer) => port.postMessage(m, transfer),
  listen: (fn) => port.on('message', fn),
  load: (specifier) => import(specifier) as Promise<Record<string, unknown>>,
});
// Loaded and listening: from now on a death is a crash, not an entry that cannot load (port-node.ts).
port.postMessage(WEB_WORKER_READY);
