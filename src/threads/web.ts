// The `@nodeflow/runtime/threads/web` entry (and `@nodeflow/runtime/threads` under a bundler's
// `browser` condition): the same API as the Node entry, on Web Workers. Nothing here reaches a
// node: module (test/threads/web-entry.test.ts checks the import graph). See docs/threads.md.
export { threadNode, threadNodeType } from './web-nodes.js';
export type { ThreadOptions, ThreadNodeHandle, ThreadNodeTypeDef } from './thread-nodes.js';
export type { NodeThreadOptions } from './options.js';
export { threadPool, type WebWorkerEntry } from './port-web.js';
export { ThreadPool, type ThreadPoolOptions, type ThreadPoolStats } from './pool.js';
export type { ThreadWork } from './work.js';
export type { ThreadFn, ThreadResult } from './worker-core.js';
export type { ThreadDelivery } from './thread-carrier.js';
export type { OutletReadout as ThreadNodeReadout } from '../transport/outlet-end.js';
export { encodeValues, decodeValues, transferList, type EncodedValues } from './codec.js';
