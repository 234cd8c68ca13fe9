import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { BatchHandoff } from '../../../src/actors/targets/batch-handoff.js';
import type { Batch } from '../../../src/message.js';

// The smallest actor with the targets' shape: `batch.ready` runs an action that hands the
// batch to a sink; the inspector keeps the event objects the actor processed.
function target(sink: (b: Batch) => void) {
  const m = setup({ types: { events: {} as { type: 'batch.ready'; batch: Batch } | { type: 'other' } } }).createMachine({
    on: { 'batch.ready': { actions: ({ event }) => sink(event.batch) } },
  });
  const events: { type: string; batch?: Batch | null }[] = [];
  const actor = createActor(m, { inspect: (e) => void (e.type === '@xstate.event' && e.event.type === 'batch.ready' && events.push(e.event)) }).start();
  return { actor, events };
}

const batch = (): Batch => ({ connectionId: 'c', port: 'in', messages: [{ id: 1, timestamp: 0, sourceNodeId: 's', targetNodeId: 't', port: 'out', data: 1 }] });

describe('BatchHandoff', () => {
  it('sends one batch.ready event, and unhooks the batch once the sink took it (pretenuring)', () => {
    const handoff = new BatchHandoff();
    const got: Batch[] = [];
    const { actor, events } = target((b) => {
      handoff.took(b);
      got.push(b);
    });
    const b = batch();
    handoff.send(actor, b);
    expect(got).toEqual([b]); // the sink saw the batch itself
    expect(events).toHaveLength(1);
    expect(events[0]!.batch).toBeNull(); // the event the actor retains no longer pins it
  });

  it('leaves the event intact when the sink did not take this batch (a queued re-entrant send)', () => {
    const handoff = new BatchHandoff();
    const { actor, events } = target(() => {}); // never reports `took`
    const b = batch();
    handoff.send(actor, b);
    expect(events[0]!.batch).toBe(b);
  });

  it('a take is used once: a later send that is not taken keeps its batch', () => {
    const handoff = new BatchHandoff();
    let take = true;
    const { actor, events } = target((b) => take && handoff.took(b));
    handoff.send(actor, batch());
    take = false;
    const second = batch();
    handoff.send(actor, second);
    expect(events.map((e) => e.batch)).toEqual([null, second]);
  });
});
