import type { AnyActorRef } from 'xstate';
import type { Batch } from '../../message.js';

/**
 * Sends one batch to a node or widget actor as ONE `batch.ready` event.
 *
 * XState keeps a reference to the last event an actor processed. Left alone, that pins the
 * batch's messages past a young-generation GC, V8 then pretenures the producer's message
 * allocation site, and every message is born in old space: measured here, 2x slower and a
 * Mark-Compact every ~80 ms. Once the actor has handed the batch to its sink (`taken` says so),
 * the batch is unhooked from the event and the messages die young.
 * @internal
 */
export function sendBatch(actor: AnyActorRef, batch: Batch, taken: () => Batch | undefined): void {
  const event: { type: 'batch.ready'; batch: Batch | null } = { type: 'batch.ready', batch };
  actor.send(event);
  // A re-entrant send is queued, not handled yet: leave that event intact.
  if (taken() === batch) event.batch = null;
}
