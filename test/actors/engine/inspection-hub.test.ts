import { describe, expect, it } from 'vitest';
import type { ActorTag } from '../../../src/index.js';
import { msg, simEngine } from '../../support/helpers.js';

describe('engine.inspect: XState inspection of every engine actor, on demand', () => {
  it('announces the actors that exist, follows new ones, filters by kind, and detaches', () => {
    const { clock, engine } = simEngine({ batchTimeout: 5 });
    engine.createWidget('w');
    const id = engine.createConnection('s', 'w', 'out', 'in');
    const all: string[] = [];
    const edges: ActorTag[] = [];
    const stopAll = engine.inspect((e, tag) => all.push(`${e.type} ${tag.kind}:${tag.id}`));
    const stopEdges = engine.inspect((e, tag) => void (e.type === '@xstate.snapshot' && edges.push(tag)), { kinds: ['engine', 'connection'] });
    // Existing actors are announced as XState announces new ones.
    expect(all.filter((x) => x.startsWith('@xstate.actor')).sort()).toEqual(['@xstate.actor connection:' + id, '@xstate.actor engine:engine', '@xstate.actor node:s', '@xstate.actor widget:w']);
    engine.getConnection(id).offer(msg(clock, 's', 'w'));
    clock.increment(10);
    expect(all).toContain('@xstate.event widget:w'); // the batch.ready event
    expect(edges.every((t) => t.kind === 'engine' || t.kind === 'connection')).toBe(true);
    // A connection created later is followed too.
    const id2 = engine.createConnection('s', 'x', 'out', 'in');
    expect(all).toContain(`@xstate.actor connection:${id2}`);
    stopAll();
    stopEdges();
    const before = all.length;
    engine.getConnection(id).offer(msg(clock, 's', 'w'));
    clock.increment(10);
    engine.getConnection(id2).close();
    expect(all.length).toBe(before);
    engine.dispose();
  });

  it('takes an XState observer object (as @statelyai/inspect gives) and rejects anything else', () => {
    const { engine } = simEngine();
    const seen: string[] = [];
    const stop = engine.inspect({ next: (e) => seen.push(e.type) });
    expect(seen).toContain('@xstate.actor');
    stop();
    expect(() => engine.inspect(42 as never)).toThrow(/inspect/);
    expect(() => engine.inspect(() => {}, { kinds: ['nodes' as never] })).toThrow(/kinds/);
    engine.dispose();
  });
});
