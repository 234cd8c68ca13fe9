import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { connectionMachine, type ConnectionPort } from '../../src/index.js';
import { MODES } from '../../src/actors/connection/modes.js';

function setup(pressured = false) {
  const clock = new SimulatedClock();
  const port: ConnectionPort & { pressured: boolean } = {
    pressured,
    entered: vi.fn(),
    isPressured: () => port.pressured,
    redeliver: vi.fn(),
    allowProbes: vi.fn(),
    halfOpenTimeout: () => 300,
    probeTimedOut: vi.fn(),
  };
  const actor = createActor(connectionMachine, { input: { connectionId: 'c1', port }, clock }).start();
  const value = () => actor.getSnapshot().value;
  return { clock, port, actor, value };
}

describe('connection machine', () => {
  it('starts flowing and follows the watermark edges with hysteresis handled by the mailbox', () => {
    const { actor, value } = setup();
    expect(value()).toBe('flowing');
    actor.send({ type: 'mailbox.pressure' });
    expect(value()).toBe('backpressured');
    actor.send({ type: 'mailbox.pressure' }); // not a real edge: no change
    expect(value()).toBe('backpressured');
    actor.send({ type: 'mailbox.relief' });
    expect(value()).toBe('flowing');
  });

  it('retrying: the retry timer fires redeliver after the delay, on simulated time', () => {
    const { actor, value, clock, port } = setup();
    actor.send({ type: 'delivery.retry', attempt: 1, delay: 100 });
    expect(value()).toBe('retrying');
    expect(actor.getSnapshot().context.retry).toEqual({ attempt: 1, delay: 100 });
    clock.increment(99);
    expect(port.redeliver).not.toHaveBeenCalled();
    clock.increment(1);
    expect(port.redeliver).toHaveBeenCalledTimes(1);
    // The next failure re-enters with a fresh timer.
    actor.send({ type: 'delivery.retry', attempt: 2, delay: 200 });
    clock.increment(199);
    expect(port.redeliver).toHaveBeenCalledTimes(1);
    clock.increment(1);
    expect(port.redeliver).toHaveBeenCalledTimes(2);
  });

  it('leaves retrying for flowing or backpressured depending on the mailbox, and drops retry data', () => {
    const a = setup(false);
    a.actor.send({ type: 'delivery.retry', attempt: 1, delay: 10 });
    a.actor.send({ type: 'delivery.recovered' });
    expect(a.value()).toBe('flowing');
    expect(a.actor.getSnapshot().context.retry).toBeNull();
    const b = setup(true);
    b.actor.send({ type: 'delivery.retry', attempt: 1, delay: 10 });
    b.actor.send({ type: 'delivery.deadLettered' });
    expect(b.value()).toBe('backpressured');
  });

  it('circuitOpen → halfOpen on the reset timer; probes allowed; success settles', () => {
    const { actor, value, clock, port } = setup();
    actor.send({ type: 'breaker.open', openFor: 1000 });
    expect(value()).toBe('circuitOpen');
    expect(actor.getSnapshot().context.openFor).toBe(1000);
    clock.increment(999);
    expect(value()).toBe('circuitOpen');
    clock.increment(1);
    expect(value()).toBe('halfOpen');
    expect(actor.getSnapshot().context.openFor).toBeNull();
    expect(port.allowProbes).toHaveBeenCalledTimes(1);
    actor.send({ type: 'breaker.probeSucceeded' });
    expect(value()).toBe('flowing');
  });

  it('a failed probe re-opens with the new open time', () => {
    const { actor, value, clock } = setup();
    actor.send({ type: 'breaker.open', openFor: 10 });
    clock.increment(10);
    expect(value()).toBe('halfOpen');
    actor.send({ type: 'breaker.open', openFor: 20 });
    expect(value()).toBe('circuitOpen');
    clock.increment(19);
    expect(value()).toBe('circuitOpen');
    clock.increment(1);
    expect(value()).toBe('halfOpen');
  });

  it('half-open is bounded: the probe timer reports a timeout; breaker.close settles from open', () => {
    const { actor, value, clock, port } = setup();
    actor.send({ type: 'breaker.open', openFor: 10 });
    clock.increment(10);
    expect(value()).toBe('halfOpen');
    clock.increment(299);
    expect(port.probeTimedOut).not.toHaveBeenCalled();
    clock.increment(1);
    expect(port.probeTimedOut).toHaveBeenCalledTimes(1);
    actor.send({ type: 'breaker.open', openFor: 20 });
    expect(value()).toBe('circuitOpen');
    actor.send({ type: 'breaker.close' });
    expect(value()).toBe('flowing');
    clock.increment(1000);
    expect(value()).toBe('flowing'); // the reset timer left with the state
  });

  it('closing waits for mailbox.drained, ignores breaker events, and ends closed (final); fail ends failed', () => {
    const { actor, value } = setup();
    actor.send({ type: 'connection.close' });
    expect(value()).toBe('closing');
    actor.send({ type: 'breaker.open', openFor: 5 });
    expect(value()).toBe('closing');
    actor.send({ type: 'mailbox.drained' });
    expect(value()).toBe('closed');
    expect(actor.getSnapshot().status).toBe('done');
    const b = setup();
    b.actor.send({ type: 'connection.fail', reason: 'overflow' });
    expect(b.value()).toBe('failed');
    expect(b.actor.getSnapshot().context.failure).toBe('overflow');
  });

  it('reports every state it enters, once per entry, through the port (never the transient settled)', () => {
    const { actor, clock, port } = setup();
    actor.send({ type: 'mailbox.pressure' });
    actor.send({ type: 'delivery.retry', attempt: 1, delay: 5 });
    actor.send({ type: 'delivery.retry', attempt: 2, delay: 5 }); // re-entry: reported again
    actor.send({ type: 'breaker.open', openFor: 10 });
    clock.increment(10);
    actor.send({ type: 'breaker.probeSucceeded' });
    actor.send({ type: 'connection.close' });
    actor.send({ type: 'mailbox.drained' });
    expect(vi.mocked(port.entered!).mock.calls.map(([s]) => s)).toEqual([
      'flowing', 'backpressured', 'retrying', 'retrying', 'circuitOpen', 'halfOpen', 'flowing', 'closing', 'closed',
    ]);
  });

  it('a repeated breaker.open while open changes nothing: the reset timer keeps its time', () => {
    const { actor, value, clock, port } = setup();
    actor.send({ type: 'breaker.open', openFor: 1000 });
    clock.increment(500);
    actor.send({ type: 'breaker.open', openFor: 2000 });
    expect(actor.getSnapshot().context.openFor).toBe(1000);
    clock.increment(500);
    expect(value()).toBe('halfOpen');
    expect(vi.mocked(port.entered!).mock.calls.filter(([s]) => s === 'circuitOpen')).toHaveLength(1);
  });

  it('the runtime has a mode record for every state the machine can report', () => {
    const states = Object.keys(connectionMachine.root.states).filter((k) => k !== 'settled');
    expect(Object.keys(MODES).sort()).toEqual(states.sort());
    for (const k of states) expect(MODES[k as keyof typeof MODES].state).toBe(k);
  });
});
