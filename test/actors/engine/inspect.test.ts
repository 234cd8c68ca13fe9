import { describe, expect, it } from 'vitest';
import { SimulatedClock, type InspectionEvent } from 'xstate';
import { StreamEngine } from '../../../src/index.js';
import { msg } from '../../support/helpers.js';

describe('XState inspection', () => {
  it('every actor the engine creates reports to the inspect observer, per transition or batch, never per message', () => {
    const events: InspectionEvent[] = [];
    const clock = new SimulatedClock();
    const engine = new StreamEngine({ maxBatchSize: 50 }, { clock, inspect: (e) => events.push(e) });
    engine.createWidget('w');
    const c = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
    const ids = new Set(events.filter((e) => e.type === '@xstate.actor').map((e) => (e.actorRef as unknown as { logic: { id?: string } }).logic.id));
    // 'system': the silent root of each kind's shared system (nodes, widgets, connections).
    expect(ids).toEqual(new Set(['engine', 'system', 'widget', 'node', 'connection']));
    const before = events.length;
    for (let i = 0; i < 1000; i++) c.offer(msg(clock));
    const batchEvents = events.slice(before).filter((e) => e.type === '@xstate.event');
    expect(batchEvents).toHaveLength(20); // 1000 messages / 50 per batch
    expect(batchEvents.every((e) => (e as { event: { type: string } }).event.type === 'batch.ready')).toBe(true);
    engine.dispose();
  });
});
