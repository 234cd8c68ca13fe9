import type { AnyActorRef } from 'xstate';
import type { Batch } from '../../message.js';

/**
 * How a node or widget runtime hands a batch to its actor, and gets it back: `send` delivers
 * the batch as ONE `batch.ready` event (never one event per message), the actor's
 * `ingestBatch` action calls the runtime's `ingest`, which reports it with `took`.
 *
 * Why the round trip is tracked: XState keeps a reference to the last event an actor
 * processed. Left alone, that pins the batch's messages past a young-generation GC, V8 then
 * pretenures the producer's message allocation site, and every message is born in old space:
 * measured here, 2x slower and a Mark-Compact every ~80 ms. Once the actor has handed the
 * batch to its sink, the batch is unhooked from the event and the messages die young.
 *
 * One per runtime, shared by nodes and widgets so the fix lives in one place; it allocates
 * nothing but the event itself.
 *
 * @example
 * ```ts
 * const handoff = new BatchHandoff();
 * // in the runtime:   deliver(batch) { handoff.send(this.actor, batch); }
 * // in its sink:      ingest(batch)  { handoff.took(batch); ... }
 * ```
 * @internal
 */
export class BatchHandoff {
  private last: Batch | undefined = undefined;

  /** The sink has the batch now (called from the actor's action, during `send`). */
  took(batch: Batch): void {
    this.last = batch;
  }

  /** Sends `batch` to `actor` as one `batch.ready` event, then unhooks it from the event. */
  send(actor: AnyActorRef, batch: Batch): void {
    const event: { type: 'batch.ready'; batch: Batch | null } = { type: 'batch.ready', batch };
    actor.send(event);
    const taken = this.last;
    this.last = undefined;
    // A re-entrant send is queued, not handled yet: leave that event intact.
    if (taken === batch) event.batch = null;
  }
}
