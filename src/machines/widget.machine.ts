import { setup, type ActorRefFrom } from 'xstate';
import type { Batch } from '../actors/types.js';
import type { BatchSink } from './node.machine.js';

/**
 * Events of a widget actor: one `batch.ready` per flushed batch, plus stop.
 *
 * @example
 * ```ts
 * widget.actor.send({ type: 'widget.stop' } satisfies WidgetEvent);
 * ```
 */
export type WidgetEvent = { type: 'batch.ready'; batch: Batch } | { type: 'widget.stop' };

/**
 * A widget's engine side: `waiting` until the first batch, then `live`; every batch goes to the
 * widget runtime, which keeps a bounded window and notifies observers once per batch.
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
    input: {} as { widgetId: string; sink: BatchSink },
  },
  actions: {
    ingestBatch: ({ context, event }) => {
      if (event.type === 'batch.ready') context.sink.ingest(event.batch);
    },
  },
}).createMachine({
  id: 'widget',
  context: ({ input }) => ({ widgetId: input.widgetId, sink: input.sink }),
  initial: 'waiting',
  on: { 'widget.stop': { target: '.stopped' } },
  states: {
    waiting: {
      on: { 'batch.ready': { target: 'live', actions: 'ingestBatch' } },
    },
    live: {
      on: { 'batch.ready': { actions: 'ingestBatch' } },
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
