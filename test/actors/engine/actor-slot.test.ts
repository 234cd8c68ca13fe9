import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, type AnyActorRef } from 'xstate';
import { ActorSlot } from '../../../src/actors/engine/actor-slot.js';
import type { ActorHost } from '../../../src/actors/types.js';
import { connectionDormancy, connectionMachine, type ConnectionPort } from '../../../src/machines/connection.machine.js';
import { nodeDormancy, nodeMachine } from '../../../src/machines/node.machine.js';
import type { Batch } from '../../../src/message.js';
import { simEngine } from '../../support/helpers.js';

const batch: Batch = { connectionId: 'c', port: 'in', messages: [] };
const hostWith = (over: Partial<ActorHost> = {}): ActorHost & { woken: string[] } => {
  const woken: string[] = [];
  return { clock: new SimulatedClock(), inspect: undefined, woke: (_a: AnyActorRef, kind, id) => woken.push(`${kind}:${id}`), woken, ...over };
};
const portWith = (entered: (s: string) => void): ConnectionPort => ({ entered, isPressured: () => false, redeliver() {}, allowProbes() {}, halfOpenTimeout: () => 5000, probeTimedOut() {} });

describe('ActorSlot: an engine actor started when first needed', () => {
  it('takes dormant edges without an actor, reporting each entered state once, as the machine would', () => {
    const entered = vi.fn();
    const host = hostWith();
    const slot = new ActorSlot(connectionMachine, { kind: 'connection', id: 'c', host, dormancy: connectionDormancy, input: { connectionId: 'c', port: portWith(entered) }, entered });
    slot.send({ type: 'mailbox.pressure' });
    slot.send({ type: 'mailbox.relief' });
    slot.send({ type: 'connection.close' });
    slot.send({ type: 'connection.close' }); // closing → closing: no new report
    expect(slot.awake).toBe(false);
    expect(host.woken).toEqual([]);
    expect(entered.mock.calls.map((c) => c[0])).toEqual(['flowing', 'backpressured', 'flowing', 'closing']);
    slot.send({ type: 'mailbox.drained' });
    expect([slot.value, slot.status]).toEqual(['closed', 'done']);
    slot.send({ type: 'mailbox.pressure' }); // a finished actor ignores events, as XState does
    expect(entered).toHaveBeenCalledTimes(5);
    expect(slot.awake).toBe(false);
  });

  it('any other event starts the actor where the dormant state is, without running entry actions again', () => {
    const entered = vi.fn();
    const host = hostWith();
    const slot = new ActorSlot(connectionMachine, { kind: 'connection', id: 'c', host, dormancy: connectionDormancy, input: { connectionId: 'c', port: portWith(entered) }, entered });
    slot.send({ type: 'mailbox.pressure' });
    slot.send({ type: 'delivery.retry', attempt: 1, delay: 50 });
    expect(slot.awake).toBe(true);
    expect(host.woken).toEqual(['connection:c']);
    expect(slot.ref.getSnapshot().value).toBe('retrying');
    expect(slot.ref.getSnapshot().context.retry).toEqual({ attempt: 1, delay: 50 });
    expect(entered.mock.calls.map((c) => c[0])).toEqual(['flowing', 'backpressured', 'retrying']);
  });

  it('reading ref starts it in the dormant state; batches start a node, which hands them to its sink', () => {
    const ingest = vi.fn();
    const slot = new ActorSlot(nodeMachine, { kind: 'node', id: 'n', host: hostWith(), dormancy: nodeDormancy, input: { nodeId: 'n', sink: { ingest } } });
    slot.send({ type: 'node.start' });
    expect([slot.awake, slot.value]).toEqual([false, 'running']);
    slot.send({ type: 'batch.ready', batch });
    expect(slot.awake).toBe(true);
    expect(ingest).toHaveBeenCalledWith(batch);
    expect(slot.ref.getSnapshot().value).toBe('running');
  });

  it('retired while dormant: stopped, and a late read gives a stopped actor outside any system', () => {
    const host = hostWith({ system: () => { throw new Error('no system after retirement'); } });
    const slot = new ActorSlot(nodeMachine, { kind: 'node', id: 'n', host, dormancy: nodeDormancy, input: { nodeId: 'n', sink: { ingest() {} } } });
    slot.retire();
    expect(slot.status).toBe('stopped');
    slot.send({ type: 'node.start' });
    expect(slot.value).toBe('idle');
    expect(slot.ref.getSnapshot().status).toBe('stopped');
    expect(host.woken).toEqual([]);
  });

  it('starts at once when its kind is inspected or the host has an inspect observer', () => {
    const eager = hostWith({ eager: (k) => k === 'node' });
    const a = new ActorSlot(nodeMachine, { kind: 'node', id: 'n', host: eager, dormancy: nodeDormancy, input: { nodeId: 'n', sink: { ingest() {} } } });
    expect(a.awake).toBe(true);
    const inspected = hostWith({ inspect: () => {} });
    expect(new ActorSlot(nodeMachine, { kind: 'node', id: 'm', host: inspected, dormancy: nodeDormancy, input: { nodeId: 'm', sink: { ingest() {} } } }).awake).toBe(true);
  });

  it('in an engine: a 300-connection topology with traffic starts no connection actor, and inspecting one kind starts that kind', () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    const ids = Array.from({ length: 300 }, (_, i) => engine.createConnection(`s${i}`, `t${i}`, 'out', 'in'));
    for (let i = 0; i < 300; i++) engine.emit(`s${i}`, 'out', { id: i, timestamp: clock.now(), sourceNodeId: `s${i}`, port: 'out', data: i });
    clock.increment(10);
    const awake = () => ids.filter((id) => (engine.getConnection(id) as unknown as { slot: ActorSlot<typeof connectionMachine> }).slot.awake).length;
    expect(awake()).toBe(0);
    const seen: string[] = [];
    const stop = engine.inspect((e, tag) => void (e.type === '@xstate.actor' && seen.push(tag.kind)), { kinds: ['connection'] });
    expect(seen.filter((k) => k === 'connection')).toHaveLength(300);
    expect(seen).not.toContain('node');
    expect(awake()).toBe(300);
    expect(engine.getConnection(ids[0]!).stats().delivered).toBe(1);
    stop();
    engine.dispose();
  });

  it('contexts are shallow: XState walks a restored context, so a runtime there would make each wake O(engine)', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('s', 'w', 'out', 'in');
    engine.createWidget('v');
    const contexts = [engine.node('s').actor.getSnapshot().context, engine.widget('v')!.actor.getSnapshot().context, engine.getConnection(id).actor.getSnapshot().context];
    for (const ctx of contexts) {
      for (const value of Object.values(ctx)) {
        if (value === null || typeof value !== 'object') continue;
        for (const inner of Object.values(value)) expect(typeof inner).toBe('function');
      }
    }
    engine.dispose();
  });
});
