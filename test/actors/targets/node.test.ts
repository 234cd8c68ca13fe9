import { describe, expect, expectTypeOf, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { EngineEvent } from '../../../src/index.js';
import { NodeRuntime } from '../../../src/actors/targets/node.js';
import type { Batch } from '../../../src/message.js';
import { msg, simEngine } from '../../support/helpers.js';
import { flushMicrotasks } from '../../support/flush.js';

// A node runtime outside any engine: its host is a simulated clock and an event log.
function bare(options: ConstructorParameters<typeof NodeRuntime>[2] = {}, inspected = false) {
  const clock = new SimulatedClock();
  const events: EngineEvent[] = [];
  const node = new NodeRuntime('n', { clock, inspect: undefined, emit: (e) => events.push(e), eager: () => inspected }, options);
  const batch = (k = 2): Batch => ({ connectionId: 'c', port: 'in', messages: Array.from({ length: k }, () => msg(clock)) });
  return { clock, events, node, batch };
}

describe('node lifecycle', () => {
  it('autoStart: false waits in idle, deliveries wait; start() lets them through in order', async () => {
    const got: Batch[] = [];
    const { node, batch } = bare({ autoStart: false, process: (b) => void got.push(b) });
    expect(node.state).toBe('idle');
    const [a, b] = [batch(), batch()];
    const pa = node.deliver(a);
    const pb = node.deliver(b);
    expect(got).toEqual([]);
    node.start();
    await expect(pa).resolves.toBeUndefined();
    await expect(pb).resolves.toBeUndefined();
    expect(got).toEqual([a, b]);
    expect(node.received).toBe(4);
  });

  it('reports every state change (and only changes) as a node.state event', () => {
    const { node, events } = bare();
    // The state is typed from the machine (tsc checks this line), not a hand-kept string.
    expectTypeOf(node.state).toEqualTypeOf<'idle' | 'running' | 'paused' | 'completed' | 'failed' | 'stopped'>();
    node.pause();
    node.pause(); // no change: no event
    node.resume();
    node.complete();
    expect(events.map((e) => (e.type === 'node.state' ? `${e.from}>${e.to}:${e.event}` : e.type))).toEqual([
      'idle>running:node.start',
      'running>paused:node.pause',
      'paused>running:node.resume',
      'running>completed:node.complete',
    ]);
  });

  it('fail() is final and records the error as text', () => {
    const { node } = bare();
    node.fail(new Error('disk full'));
    expect(node.state).toBe('failed');
    expect(node.actor.getSnapshot().context.error).toBe('disk full');
  });

  it('pause holds deliveries (the connection backs up), resume delivers them in order', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 2 });
    const got: unknown[] = [];
    const node = engine.node('t', { process: (b) => void got.push(...b.messages) });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    node.pause();
    expect(node.actor.getSnapshot().value).toBe('paused');
    const sent = Array.from({ length: 6 }, () => msg(clock));
    for (const m of sent) c.offer(m);
    expect(got).toHaveLength(0);
    expect(c.stats().inFlight).toBe(6);
    node.resume();
    await flushMicrotasks();
    expect(got).toEqual(sent);
    engine.dispose();
  });
});

describe('node deliveries', () => {
  it('batches$ sees every batch delivered to the node', () => {
    const { clock, engine } = simEngine({ maxBatchSize: 3 });
    const sizes: number[] = [];
    engine.node('t').batches$.subscribe((b) => sizes.push(b.messages.length));
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    for (let i = 0; i < 7; i++) c.offer(msg(clock));
    clock.increment(16);
    expect(sizes).toEqual([3, 3, 1]);
    engine.dispose();
  });

  it('hands back what process returns: a promise makes the delivery asynchronous', async () => {
    let settle!: () => void;
    const pending = new Promise<void>((r) => (settle = r));
    const { node, batch } = bare({ process: () => pending });
    const r = node.deliver(batch());
    expect(r).toBe(pending);
    settle();
    await expect(r).resolves.toBeUndefined();
    node.setProcess(() => undefined);
    expect(node.deliver(batch())).toBeUndefined();
  });

  it('a throwing process fails that delivery only, with its own error', () => {
    const boom = new Error('boom');
    let calls = 0;
    const { node, batch } = bare({ process: () => { if (++calls === 1) throw boom; } });
    expect(() => node.deliver(batch())).toThrow(boom);
    expect(node.deliver(batch())).toBeUndefined(); // the failure was not left behind
    expect(calls).toBe(2);
  });

  it('while nodes are inspected a batch goes through the actor, and is unhooked from its last event, as widgets do', () => {
    const { node, batch } = bare({ process: () => undefined }, true);
    const seen: { type: string; batch?: unknown }[] = [];
    const b = batch();
    const spy = node.actor.send.bind(node.actor);
    node.actor.send = ((e: { type: string; batch?: unknown }) => { seen.push(e); spy(e as never); }) as typeof node.actor.send;
    node.deliver(b);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.type).toBe('batch.ready');
    expect(seen[0]!.batch).toBeNull();
    expect(node.received).toBe(2);
  });

  it('while nobody inspects nodes a batch is a plain call: no actor event, no actor started', () => {
    const got: Batch[] = [];
    const { node, batch } = bare({ process: (b) => void got.push(b) });
    const b = batch();
    node.deliver(b);
    expect(got).toEqual([b]);
    expect((node as unknown as { slot: { awake: boolean } }).slot.awake).toBe(false);
    const seen: string[] = [];
    node.actor.subscribe(() => seen.push('snapshot'));
    node.deliver(batch());
    expect(got).toHaveLength(2);
    expect(seen).toEqual([]); // running --batch.ready--> running changes nothing a subscriber sees
  });

  it('a stopped node refuses a delivery with TARGET_STOPPED', () => {
    const { node, batch } = bare();
    node.stop();
    expect(() => node.deliver(batch())).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED', details: { nodeId: 'n', state: 'stopped' } }));
  });

  it('a completed or failed node refuses with TARGET_STOPPED too (it takes nothing more)', () => {
    const a = bare();
    a.node.complete();
    expect(() => a.node.deliver(a.batch())).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED', details: { nodeId: 'n', state: 'completed' } }));
    const b = bare();
    b.node.fail('x');
    expect(() => b.node.deliver(b.batch())).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED', details: { nodeId: 'n', state: 'failed' } }));
  });

  it('stopping a paused node rejects its waiting deliveries with TARGET_STOPPED', async () => {
    const got: Batch[] = [];
    const { node, batch } = bare({ process: (b) => void got.push(b) });
    node.pause();
    const waiting = node.deliver(batch());
    node.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'TARGET_STOPPED' });
    expect(got).toEqual([]);
  });

  it('a stopped engine node: its connection retries and dead-letters the batch (no silent loss)', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 5 });
    const letters: unknown[] = [];
    engine.deadLetters$.subscribe((d) => letters.push(d.error));
    const node = engine.node('t', { process: () => undefined });
    const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
    (node as NodeRuntime).stop();
    for (let i = 0; i < 5; i++) c.offer(msg(clock));
    for (let i = 0; i < 50; i++) {
      clock.increment(1000);
      await flushMicrotasks();
    }
    expect(letters).toEqual([expect.objectContaining({ code: 'TARGET_STOPPED' })]);
    expect(c.stats()).toMatchObject({ delivered: 0, deadLettered: 5, inFlight: 0 });
    engine.dispose();
  });

  it('output(): one port per name, and names are checked', () => {
    const { node } = bare();
    expect(node.output('out')).toBe(node.output('out'));
    expect(node.existingOutput('other')).toBeUndefined();
    expect(() => node.output('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('isObserved: a handler or a subscriber relies on the node', () => {
    const { node } = bare();
    expect(node.isObserved()).toBe(false);
    const sub = node.batches$.subscribe();
    expect(node.isObserved()).toBe(true);
    sub.unsubscribe();
    node.setProcess(() => undefined);
    expect(node.isObserved()).toBe(true);
  });
});
