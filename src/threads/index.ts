// The `@nodeflow/runtime/threads` entry (Node: worker_threads). See docs/threads.md.
export { threadNode, threadNodeType, type ThreadOptions, type ThreadNodeHandle, type ThreadNodeTypeDef } from './thread-node.js';
export type { NodeThreadOptions } from './options.js';
export { threadPool } from './port-node.js';
export { ThreadPool, type ThreadPoolOptions, type ThreadPoolStats } from './pool.js';
export type { ThreadWork } from './work.js';
export type { ThreadFn, ThreadResult } from './worker-core.js';
export type { ThreadDelivery } from './thread-carrier.js';
export type { OutletReadout as ThreadNodeReadout } from '../transport/outlet-end.js';
export { encodeValues, decodeValues, transferList, type EncodedValues } from './codec.js';
