import { TaskQueue } from './task-queue.js';

/**
 * How many deliveries may nest on one stack before the next hop is queued instead. A hop costs
 * a few dozen frames (the connection, the target's XState actor, the user's process, the output
 * port), so 16 hops stay far below any stack limit while a shallow workflow never waits.
 */
export const MAX_NESTED_DELIVERIES = 16;

/**
 * One per engine: keeps the stack flat however deep the topology is (Node-RED and Akka do the
 * same with an explicit scheduler). A delivery runs the target's code, which may emit into the
 * next connection, whose pump may deliver again, hop after hop on one stack: at 250 hops that
 * overflowed, and the RangeError was taken for a failed delivery and retried (duplicates). Up
 * to {@link MAX_NESTED_DELIVERIES} deep a pump runs at once, as before; deeper, it is queued and
 * run, in the order queued, by the outermost pump once the stack has unwound. Per-connection
 * order and accounting do not change: the messages are buffered and counted when offered; only
 * when their batch leaves is deferred, within the same synchronous turn. `defer` queues a pump
 * and the outermost pump calls `drain` ({@link TaskQueue}).
 *
 * @example
 * ```ts
 * const t = new DeliveryTrampoline();
 * if (t.depth >= MAX_NESTED_DELIVERIES) t.defer(() => connection.flush());
 * ```
 */
export class DeliveryTrampoline extends TaskQueue {
  /** Deliveries in progress on the current stack. */
  depth = 0;
}
