import { NodeflowError } from '../errors.js';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import type { Batch, Inbox, StreamMessage } from '../message.js';
import type { EngineEvent } from '../actors/types.js';

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
  /**
   * Calls `ended` once if the target stops or goes away (a widget stopped or removed, a node
   * ended, a connection closed, the engine stopped or disposed), so a paused or live replay ends
   * too instead of waiting for a batch it could never show. Returns the unsubscribe.
   */
  onEnd(ended: () => void): () => void;
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
    const onEnd = (ended: () => void) => {
      const sub = widget.status$.subscribe({ next: (s) => s === 'stopped' && ended(), complete: ended });
      return () => sub.unsubscribe();
    };
    return { ...inboxSink(widget, port), onEnd };
  }
  const node = engine.findNode(into) as (Inbox & { readonly state: string }) | undefined;
  if (node) {
    if (node.state === 'completed' || node.state === 'failed' || node.state === 'stopped') throw stopped(into, `node (${node.state})`);
    return { ...inboxSink(node, port), onEnd: watch(engine, (e) => e.type === 'node.state' && e.nodeId === into && ENDED.has(e.to)) };
  }
  const c = engine.getConnection(into);
  if (!c.isOpen) throw new NodeflowError('CONNECTION_CLOSED', `Cannot replay into connection ${c.id}: it is ${c.currentState}`, { connectionId: c.id });
  return {
    id: c.id,
    onEnd: watch(engine, (e) => (e.type === 'connection.removed' && e.connectionId === c.id) || (e.type === 'connection.state' && e.connectionId === c.id && e.to === 'closed')),
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

const ENDED = new Set(['completed', 'failed', 'stopped']);

/** The engine's lifecycle events: `ended` on a matching one, or when the stream ends (stop, dispose). */
function watch(engine: StreamEngine, ends: (e: EngineEvent) => boolean): ReplaySink['onEnd'] {
  return (ended) => {
    const sub = engine.lifecycle$.subscribe({ next: (e) => ends(e) && ended(), complete: ended });
    return () => sub.unsubscribe();
  };
}

function inboxSink(inbox: Inbox, port: string): Omit<ReplaySink, 'onEnd'> {
  const connectionId = `replay->${inbox.id}:${port}`;
  return { id: inbox.id, put: (messages) => inbox.deliver({ connectionId, port, messages } satisfies Batch) };
}

function stopped(id: string, what: string): NodeflowError {
  return new NodeflowError('TARGET_STOPPED', `Cannot replay into ${what} ${id}: it is stopped`, { id });
}
