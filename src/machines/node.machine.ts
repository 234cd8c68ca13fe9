import { assign, setup, type ActorRefFrom } from 'xstate';
import type { Batch } from '../message.js';
import type { Dormancy } from './dormancy.js';

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
  | { type: 'node.start' }
  | { type: 'node.pause' }
  | { type: 'node.resume' }
  | { type: 'node.complete' }
  | { type: 'node.fail'; error: string }
  | { type: 'node.stop' };

type NodeInput = { nodeId: string; sink: BatchSink };
const nodeContext = (input: NodeInput) => ({ nodeId: input.nodeId, sink: input.sink, error: null as string | null });

/**
 * A node as an actor. Lifecycle: `idle` (created, deliveries wait) → `running` (every batch
 * goes to its sink) ⇄ `paused` (deliveries wait: connections back up instead of losing
 * anything) → `completed` (its inputs ended, or a source finished) or `failed` (context.error);
 * `stopped` when the engine or workflow stops it. The last three are final.
 *
 * @example
 * ```ts
 * const node = createActor(nodeMachine, { input: { nodeId: 'n1', sink: { ingest: (b) => console.log(b) } } }).start();
 * ```
 */
export const nodeMachine = setup({
  types: {
    context: {} as { readonly nodeId: string; readonly sink: BatchSink; readonly error: string | null },
    events: {} as NodeEvent,
    input: {} as NodeInput,
  },
  actions: {
    ingestBatch: ({ context, event }) => {
      if (event.type === 'batch.ready') context.sink.ingest(event.batch);
    },
    recordError: assign({ error: ({ event }) => (event.type === 'node.fail' ? event.error : null) }),
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => nodeContext(input),
  initial: 'idle',
  on: {
    'node.stop': { target: '.stopped' },
    'node.fail': { target: '.failed', actions: 'recordError' },
  },
  states: {
    idle: {
      on: { 'node.start': { target: 'running' } },
    },
    running: {
      on: {
        'batch.ready': { actions: 'ingestBatch' },
        'node.pause': { target: 'paused' },
        'node.complete': { target: 'completed' },
      },
    },
    paused: {
      on: { 'node.resume': { target: 'running' }, 'node.complete': { target: 'completed' } },
    },
    completed: { type: 'final' },
    failed: { type: 'final' },
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

/**
 * What a node actor does without XState: lifecycle moves without context (a failure records
 * its error, so it starts the actor) and, while running, each batch handed to its sink.
 *
 * @example
 * ```ts
 * nodeDormancy.on.idle!['node.start']; // 'running'
 * ```
 * @internal
 */
export const nodeDormancy: Dormancy<NodeInput, ReturnType<typeof nodeContext>> = {
  initial: 'idle',
  context: nodeContext,
  on: {
    idle: { 'node.start': 'running', 'node.stop': 'stopped' },
    running: { 'node.pause': 'paused', 'node.complete': 'completed', 'node.stop': 'stopped' },
    paused: { 'node.resume': 'running', 'node.complete': 'completed', 'node.stop': 'stopped' },
  },
  direct: { running: { 'batch.ready': 'running' } },
  final: ['completed', 'failed', 'stopped'],
};
