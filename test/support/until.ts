/**
 * Waits until `check()` is truthy (it may be async), polling every `everyMs`, and throws `timed
 * out waiting for <what>` after `ms`. For conditions met by other processes or threads (a broker,
 * a socket, a worker), where there is no event of our own to await.
 */
export async function until(check: () => unknown, what: string | (() => string) = 'condition', ms = 10_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
