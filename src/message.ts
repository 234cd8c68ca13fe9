import { NodeflowError, describe } from './errors.js';

/**
 * Priority classes, lowest first. `critical` is never shed (see the flow-control semantics).
 *
 * @example
 * ```ts
 * const p: Priority = 'high';
 * ```
 */
export type Priority = 'low' | 'normal' | 'high' | 'critical';

/**
 * One message on a connection, as the spec defines it. Immutable once sent: fan-out shares the
 * same object with every edge, it is never cloned.
 *
 * @example
 * ```ts
 * const msg: StreamMessage = {
 *   id: 'msg-1', timestamp: Date.now(), sourceNodeId: 'sourceNode',
 *   targetNodeId: 'targetNode', port: 'outputPort', data: { value: 42 },
 * };
 * ```
 */
export interface StreamMessage<T = unknown> {
  /** A string or a finite number (`INVALID_MESSAGE` otherwise). */
  readonly id: string | number;
  /** Epoch milliseconds at creation; latency is measured from it. */
  readonly timestamp: number;
  readonly sourceNodeId: string;
  readonly targetNodeId: string;
  readonly port: string;
  readonly data: T;
  readonly priority?: Priority;
  /** Identity for `conflate` (latest value per key): a string or a finite number. */
  readonly key?: string | number;
}

/**
 * A message emitted on a node's output port. Routing is by node and port, and one object fans
 * out to every edge, so `targetNodeId` is optional here.
 *
 * @example
 * ```ts
 * engine.node('sensor').output('out').emit({ id: 1, timestamp: Date.now(), sourceNodeId: 'sensor', port: 'out', data: 3 });
 * ```
 */
export type OutgoingMessage<T = unknown> = Omit<StreamMessage<T>, 'targetNodeId'> & {
  readonly targetNodeId?: string;
};

/**
 * What happened to one message offered to a connection:
 * - `accepted`: buffered, the connection is flowing;
 * - `backpressured`: buffered, but the connection is at or above its threshold: slow down;
 * - `dropped`: shed by the backpressure handler (it was the lowest priority), counted;
 * - `full`: refused, not buffered (the caller still owns it; `send` throws instead).
 *
 * @example
 * ```ts
 * if (connection.offer(msg) === 'full') setTimeout(() => connection.offer(msg), 10);
 * ```
 */
export type OfferResult = 'accepted' | 'backpressured' | 'dropped' | 'full';

/**
 * Why an accepted message was dropped (see the semantics for each).
 *
 * @example
 * ```ts
 * const r: DropReason = 'overflow';
 * ```
 */
export type DropReason = 'overflow' | 'priority' | 'timeout' | 'expired' | 'shutdown' | 'circuitOpen';

/**
 * A batch: a contiguous run of one connection's FIFO order, delivered as ONE actor event.
 *
 * @example
 * ```ts
 * engine.node('sink').batches$.subscribe((b: Batch) => console.log(b.connectionId, b.messages.length));
 * ```
 */
export interface Batch<T = unknown> {
  readonly connectionId: string;
  /** The target's input port. */
  readonly port: string;
  readonly messages: readonly StreamMessage<T>[];
}

/**
 * Anything a connection can deliver to: a node actor, a widget actor, a ReadableStream. A
 * returned promise makes the delivery asynchronous (the next batch waits for it); a throw or a
 * rejection is a failed delivery.
 *
 * @example
 * ```ts
 * const inbox: Inbox = { id: 'log', deliver: (b) => console.log(b.messages.length) };
 * ```
 */
export interface Inbox {
  readonly id: string;
  deliver(batch: Batch): void | PromiseLike<void>;
}

const PRIORITIES: ReadonlySet<unknown> = new Set(['low', 'normal', 'high', 'critical']);

/**
 * Throws `INVALID_MESSAGE` naming the first missing or mistyped field; returns nothing. Cheap
 * enough for the hot path (a handful of typeof checks, no allocation on success).
 *
 * @example
 * ```ts
 * assertMessage({ id: 1 }, true); // throws NodeflowError INVALID_MESSAGE (timestamp)
 * ```
 */
export function assertMessage(m: unknown, needsTarget: boolean): asserts m is StreamMessage {
  // A message whose fields cannot be read (a throwing getter, a revoked proxy) is an invalid
  // message like any other: the caller gets INVALID_MESSAGE, never the getter's own error.
  try {
    check(m, needsTarget);
  } catch (error) {
    if (error instanceof NodeflowError) throw error;
    throw new NodeflowError('INVALID_MESSAGE', 'Invalid message: its fields cannot be read (a getter or proxy threw)', { field: 'message' });
  }
}

function check(m: unknown, needsTarget: boolean): void {
  // Fast path: one pass of typeof checks, no call, no allocation. Anything off goes to the
  // slow path below, which names the first bad field.
  if (m !== null && typeof m === 'object') {
    const msg = m as Record<string, unknown>;
    const id = msg.id;
    const ts = msg.timestamp;
    const key = msg.key;
    if (
      // An id or key that is a number is finite: NaN is no identity (NaN !== NaN), and neither
      // survives JSON (a recording, a wire), where it would come back null.
      (typeof id === 'string' || (typeof id === 'number' && id - id === 0)) &&
      typeof ts === 'number' &&
      ts - ts === 0 && // finite
      typeof msg.sourceNodeId === 'string' &&
      (!needsTarget || typeof msg.targetNodeId === 'string') &&
      typeof msg.port === 'string' &&
      'data' in msg &&
      (msg.priority === undefined || PRIORITIES.has(msg.priority)) &&
      (key === undefined || typeof key === 'string' || (typeof key === 'number' && key - key === 0)) &&
      !Array.isArray(m)
    ) {
      return;
    }
  }
  explain(m, needsTarget);
}

function explain(m: unknown, needsTarget: boolean): never {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    throw bad('message', 'a StreamMessage object', m);
  }
  const msg = m as Record<string, unknown>;
  const id = msg.id;
  if (typeof id !== 'string' && (typeof id !== 'number' || !Number.isFinite(id))) throw bad('id', 'a string or a finite number', id);
  if (typeof msg.timestamp !== 'number' || !Number.isFinite(msg.timestamp)) {
    throw bad('timestamp', 'a finite number (epoch ms)', msg.timestamp);
  }
  if (typeof msg.sourceNodeId !== 'string') throw bad('sourceNodeId', 'a string', msg.sourceNodeId);
  if (needsTarget && typeof msg.targetNodeId !== 'string') {
    throw bad('targetNodeId', 'a string', msg.targetNodeId);
  }
  if (typeof msg.port !== 'string') throw bad('port', 'a string', msg.port);
  if (!('data' in msg)) throw bad('data', 'present (any value, null included)', undefined);
  if (msg.priority !== undefined && !PRIORITIES.has(msg.priority)) throw bad('priority', "'low' | 'normal' | 'high' | 'critical'", msg.priority);
  const key = msg.key;
  if (key !== undefined && typeof key !== 'string' && (typeof key !== 'number' || !Number.isFinite(key))) throw bad('key', 'absent, a string or a finite number', key);
  // Every field passed here and failed the first look: a getter or proxy that answered
  // differently the second time.
  throw bad('message', 'fields that read the same each time (a getter or proxy answered differently)', m);
}

function bad(field: string, expected: string, got: unknown): NodeflowError {
  return new NodeflowError('INVALID_MESSAGE', `Invalid message: ${field} must be ${expected}, got ${describe(got)}`, {
    field,
  });
}
