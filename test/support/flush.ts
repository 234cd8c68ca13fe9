/**
 * Lets every promise chain the engine started settle: deliveries that resolve, writer waits,
 * the hooks of a batch. Ten turns of the microtask queue cover the deepest chain in the
 * engine (a writer's write → offer → delivery → settle → pump), with room to spare; timers
 * are not touched, so simulated time stays where the test put it.
 */
export async function flushMicrotasks(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** One turn of the event loop (setImmediate): for work that waits on I/O-phase callbacks. */
export function nextMacrotask(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
