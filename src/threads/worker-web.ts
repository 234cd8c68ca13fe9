// The Web Worker entry: adapts a dedicated worker's global scope to the platform-free worker core.
// Imports nothing platform-specific beyond the worker globals, so it bundles for any browser target.
import { WEB_WORKER_CLOSED, WEB_WORKER_READY } from './web-exit.js';
import { serveWorker } from './worker-core.js';

// The DedicatedWorkerGlobalScope as used here (the repo's lib is DOM, which has no worker scope).
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
if (typeof (globalThis as { document?: unknown }).document !== 'undefined') throw new Error('worker-web.js runs only as a Web Worker');

// A worker that ends itself fires nothing on the main side: say so first, so its jobs move on.
const close = scope.close.bind(scope);
scope.close = () => {
  scope.postMessage(WEB_WORKER_CLOSED, []);
  close();
};

serveWorker({
  post: (m, transfer) => scope.postMessage(m, transfer),
  listen: (fn) => scope.addEventListener('message', (e) => fn(e.data)),
  // Ignored by bundlers: the specifier is a URL known only at run time (docs/threads.md, "In the browser").
  load: (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<Record<string, unknown>>,
});
// Loaded and listening: from now on an error event is a death, not a script that cannot load.
scope.postMessage(WEB_WORKER_READY, []);
