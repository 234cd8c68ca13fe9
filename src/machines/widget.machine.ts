import { setup, type ActorRefFrom } from 'xstate';
import type { Batch } from '../message.js';
import type { BatchSink } from './node.machine.js';
import type { Dormancy } from './dormancy.js';

/**
 * Events of a widget actor: one `batch.ready` per flushed batch; the two edges of a paced UI
 * (`consumer.lagging` when its paced consumer has not seen what it already holds,
 * `consumer.caughtUp` when it has); and stop.
 *
 * @example
 * ```ts
 * widget.actor.send({ type: 'widget.stop' } satisfies WidgetEvent);
 * ```
 */
export type WidgetEvent =
  | { type: 'batch.ready'; batch: Batch }
  | { type: 'consumer.lagging' }
  | { type: 'consumer.caughtUp' }
  | { type: 'widget.stop' };

type WidgetInput = { widgetId: string; sink: BatchSink };
const widgetContext = (input: WidgetInput) => ({ widgetId: input.widgetId, sink: input.sink });

/**
 * A widget's engine side: `waiting` until the first batch, then `live`; every batch goes to the
 * widget runtime, which keeps a bounded window and notifies observers once per batch. With a
 * paced consumer (`useStreamData(..., { enableBackpressure: true })`) the widget is
 * `backpressured` while the UI has not consumed what it holds: the runtime then leaves the next
 * batch with its connection, which backs up and backpressures its producer.
 *
 * @example
 * ```ts
 * const w = createActor(widgetMachine, { input: { widgetId: 'chart', sink } }).start();
 * w.send({ type: 'batch.ready', batch }); // → live
 * ```
 */
export const widgetMachine = setup({
  types: {
    context: {} as { readonly widgetId: string; readonly sink: BatchSink },
    events: {} as WidgetEvent,
    input: {} as WidgetInput,
  },
  actions: {
    ingestBatch: ({ context, event }) => {
      if (event.type === 'batch.ready') context.sink.ingest(event.batch);
    },
  },
}).createMachine({
  id: 'widget',
  context: ({ input }) => widgetContext(input),
  initial: 'waiting',
  on: { 'widget.stop': { target: '.stopped' } },
  states: {
    waiting: {
      on: { 'batch.ready': { target: 'live', actions: 'ingestBatch' } },
    },
    live: {
      on: {
        'batch.ready': { actions: 'ingestBatch' },
        'consumer.lagging': { target: 'backpressured' },
      },
    },
    backpressured: {
      on: {
        'consumer.caughtUp': { target: 'live' },
        // Only the runtime sends batches, and it holds them here; a stray one is still kept.
        'batch.ready': { actions: 'ingestBatch' },
      },
    },
    stopped: { type: 'final' },
  },
});

/**
 * A running widget actor.
 *
 * @example
 * ```ts
 * const ref: WidgetActorRef = engine.widget('chart').actor;
 * ```
 */
export type WidgetActorRef = ActorRefFrom<typeof widgetMachine>;

/**
 * What a widget actor does without XState: it can be stopped, and each batch is handed to its
 * sink (the first one moves it from waiting to live).
 *
 * @example
 * ```ts
 * widgetDormancy.on.waiting!['widget.stop']; // 'stopped'
 * ```
 * @internal
 */
export const widgetDormancy: Dormancy<WidgetInput, ReturnType<typeof widgetContext>> = {
  initial: 'waiting',
  context: widgetContext,
  on: { waiting: { 'widget.stop': 'stopped' } },
  direct: { waiting: { 'batch.ready': 'live' }, live: { 'batch.ready': 'live' }, backpressured: { 'batch.ready': 'backpressured' } },
  final: ['stopped'],
};
