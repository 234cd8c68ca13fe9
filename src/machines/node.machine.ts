import { setup, type ActorRefFrom } from 'xstate';
import type { Batch } from '../actors/types.js';

/**
 * Where a node or widget actor hands each batch it receives: the plain runtime object that
 * owns its buffers and subscribers. One call per batch, never per message.
 *
 * @example
 * ```ts
 * const sink: BatchSink = { ingest: (batch) => console.log(batch.messages.length) };
 * ```
 */
export interface BatchSink {
  ingest(batch: Batch): void;
}

/**
 * Events of a node actor: one `batch.ready` per delivered batch, plus lifecycle edges.
 *
 * @example
 * ```ts
 * node.actor.send({ type: 'node.pause' } satisfies NodeEvent); // prefer node.pause()
 * ```
 */
export type NodeEvent =
  | { type: 'batch.ready'; batch: Batch }
  | { type: 'node.pause' }
  | { type: 'node.resume' }
  | { type: 'node.stop' };

/**
 * A workflow node as an actor: `running` hands every batch to its sink; `paused` holds
 * deliveries (the runtime keeps them waiting, so connections back up instead of losing them);
 * `stopped` is final.
 *
 * @example
 * ```ts
 * const node = createActor(nodeMachine, { input: { nodeId: 'n1', sink: { ingest: (b) => console.log(b) } } }).start();
 * ```
 */
export const nodeMachine = setup({
  types: {
    context: {} as { readonly nodeId: string; readonly sink: BatchSink },
    events: {} as NodeEvent,
    input: {} as { nodeId: string; sink: BatchSink },
  },
  actions: {
    ingestBatch: ({ context, event }) => {
      if (event.type === 'batch.ready') context.sink.ingest(event.batch);
    },
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => ({ nodeId: input.nodeId, sink: input.sink }),
  initial: 'running',
  on: { 'node.stop': { target: '.stopped' } },
  states: {
    running: {
      on: {
        'batch.ready': { actions: 'ingestBatch' },
        'node.pause': { target: 'paused' },
      },
    },
    paused: {
      on: { 'node.resume': { target: 'running' } },
    },
    stopped: { type: 'final' },
  },
});

/**
 * A running node actor.
 *
 * @example
 * ```ts
 * const ref: NodeActorRef = engine.node('n1').actor;
 * ```
 */
export type NodeActorRef = ActorRefFrom<typeof nodeMachine>;
