/** What the close order needs of a connection: its two ends. @internal */
export interface Edge {
  readonly sourceNodeId: string;
  readonly targetNodeId: string;
}

/**
 * Closes `edges` source-first (docs/semantics.md, "The order of a graceful stop()"): an edge is
 * closed once every edge into its source node has closed, so a node that is still finishing its
 * last batches emits into outputs that are open. Event-driven, not in waves: each edge starts
 * closing the moment its source's last input closed, so a long chain costs one pass (O(edges)),
 * and independent branches drain in parallel. Edges left on a cycle (every one fed by an open
 * edge) close together once nothing else is closing. Resolves when every close did; rejects with
 * the first close that rejected.
 *
 * @example
 * ```ts
 * await closeSourceFirst([...connections], (c) => c.close());
 * ```
 * @internal
 */
export function closeSourceFirst<E extends Edge>(edges: readonly E[], close: (edge: E) => Promise<void>): Promise<void> {
  const openInputs = new Map<string, number>();
  const outgoing = new Map<string, E[]>();
  for (const e of edges) {
    openInputs.set(e.targetNodeId, (openInputs.get(e.targetNodeId) ?? 0) + 1);
    const out = outgoing.get(e.sourceNodeId);
    if (out) out.push(e);
    else outgoing.set(e.sourceNodeId, [e]);
  }
  const open = new Set(edges);
  let closing = 0;
  return new Promise<void>((resolve, reject) => {
    const start = (e: E): void => {
      if (!open.delete(e)) return;
      closing++;
      let closed: Promise<void>;
      try {
        closed = close(e);
      } catch (error) {
        closed = Promise.reject(error);
      }
      closed.then(() => {
        closing--;
        const left = openInputs.get(e.targetNodeId)! - 1;
        openInputs.set(e.targetNodeId, left);
        if (left === 0) for (const next of outgoing.get(e.targetNodeId) ?? []) start(next);
        idle();
      }, reject);
    };
    const idle = (): void => {
      if (closing > 0) return;
      if (open.size === 0) return resolve();
      // Nothing is closing and edges are left: each is fed by an open edge, so they are cycles
      // (and what hangs off them): all of them at once.
      for (const e of [...open]) start(e);
    };
    for (const e of edges) if (!openInputs.has(e.sourceNodeId)) start(e);
    idle();
  });
}
