import { NodeflowError } from '../errors.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { Batch, Inbox, StreamMessage } from '../message.js';

/**
 * Where a replay puts batches: `put` returns a promise while the target pushes back (a paced
 * widget, a paused node, a backpressured connection), and the replay waits for it before the
 * next batch, so nothing is buffered beyond the batch in hand.
 *
 * @example
 * ```ts
 * const r = sink.put(batch.messages);
 * if (r !== undefined) await r; // the target pushed back
 * ```
 * @internal
 */
export interface ReplaySink {
  readonly id: string;
  put(messages: readonly StreamMessage[]): void | PromiseLike<void>;
}

/**
 * Resolves `into` (a widget id, a node id fed as its input `port`, or a connection id) to a
 * sink; a stopped target is `TARGET_STOPPED` (a closed connection `CONNECTION_CLOSED`), an
 * unknown id `UNKNOWN_CONNECTION` naming the closest ids.
 *
 * @example
 * ```ts
 * const sink = replaySink(engine, 'chart', 'in');
 * ```
 * @internal
 */
export function replaySink(engine: StreamEngine, into: string, port: string): ReplaySink {
  const widget = engine.findWidget(into);
  if (widget) {
    if (widget.ended) throw stopped(into, 'widget');
    return inboxSink(widget, port);
  }
  const node = engine.findNode(into) as (Inbox & { readonly state: string }) | undefined;
  if (node) {
    if (node.state === 'completed' || node.state === 'failed' || node.state === 'stopped') throw stopped(into, `node (${node.state})`);
    return inboxSink(node, port);
  }
  const c = engine.getConnection(into);
  if (!c.isOpen) throw new NodeflowError('CONNECTION_CLOSED', `Cannot replay into connection ${c.id}: it is ${c.currentState}`, { connectionId: c.id });
  return {
    id: c.id,
    put(messages) {
      // Offered like any producer's messages: what the connection refuses as full waits for
      // room and is offered again; after a backpressured offer the replay waits for relief.
      for (let i = 0; i < messages.length; i++) {
        const r = c.offer(messages[i]!);
        if (r === 'full') return new Promise<void>((resolve) => c.onRoom(resolve)).then(() => this.put(messages.slice(i)));
      }
      if (c.isBackpressured) return new Promise<void>((resolve) => c.onFlowing(resolve));
    },
  };
}

function inboxSink(inbox: Inbox, port: string): ReplaySink {
  const connectionId = `replay->${inbox.id}:${port}`;
  return { id: inbox.id, put: (messages) => inbox.deliver({ connectionId, port, messages } satisfies Batch) };
}

function stopped(id: string, what: string): NodeflowError {
  return new NodeflowError('TARGET_STOPPED', `Cannot replay into ${what} ${id}: it is stopped`, { id });
}
