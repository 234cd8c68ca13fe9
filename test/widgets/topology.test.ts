import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { StreamEngine, type NodeflowWarning } from '../../src/index.js';
import { resolveStream, streamResolver, warnIfUnknown } from '../../src/widgets/topology.js';
import { topologyOf, type EngineLike } from '../../src/widgets/index.js';
import { pendingTimers, simEngine } from '../support/helpers.js';
import { fakeEngine } from './fake-engine.js';

describe('resolveStream', () => {
  it('a widget id, a connection id or a port resolves to the widget and its live feeds; unknown ids to nothing', async () => {
    const { engine } = simEngine();
    engine.createWidget('chart');
    const a = engine.createConnection('s1', 'chart', 'out', 'in');
    const b = engine.createConnection('s2', 'chart', 'out', 'in');
    engine.createConnection('s1', 'other', 'out', 'in');
    expect(resolveStream(engine, 'chart').feeds.map((c) => c.id)).toEqual([a, b]);
    expect(resolveStream(engine, b).widget?.id).toBe('chart');
    expect(resolveStream(engine, 's2:out').widget?.id).toBe('chart');
    expect(resolveStream(engine, 's1:out').widget).toBeUndefined(); // two connections leave s1.out
    expect(resolveStream(engine, 'nope')).toEqual({ widget: undefined, feeds: [] });
    await engine.removeConnection(a);
    expect(resolveStream(engine, 'chart').feeds.map((c) => c.id)).toEqual([b]);
    engine.dispose();
  });
});

describe('streamResolver', () => {
  it('keeps its result while the stream is unchanged, however the rest of the topology moves', async () => {
    const { engine } = simEngine();
    engine.createWidget('chart');
    const off = topologyOf(engine).subscribe(() => {});
    const resolve = streamResolver(engine, 'chart');
    const first = resolve();
    expect(resolve()).toBe(first);
    const id = engine.createConnection('x', 'y', 'out', 'in'); // elsewhere
    engine.createWidget('table');
    expect(resolve()).toBe(first);
    engine.createConnection('s', 'chart', 'out', 'in'); // a feed: a new resolution
    const second = resolve();
    expect(second).not.toBe(first);
    expect(second.feeds).toHaveLength(1);
    await engine.removeConnection(id);
    expect(resolve()).toBe(second);
    off();
    engine.dispose();
  });
});

describe('warnIfUnknown', () => {
  it('warns about an id naming nothing after the grace period; an engine without a warnings channel is left alone', () => {
    const clock = new SimulatedClock();
    const said: NodeflowWarning[] = [];
    const engine = new StreamEngine({}, { clock, warnings: (w) => said.push(w) });
    warnIfUnknown(engine, 'chrat');
    clock.increment(1000);
    expect(said.map((w) => w.code)).toEqual(['UNKNOWN_STREAM']);
    engine.dispose();
    // A hand-written EngineLike has no (internal) warnings member: no timer, no throw.
    const other = new SimulatedClock();
    const bare: EngineLike = { ...fakeEngine().engine, clock: other };
    const cancel = warnIfUnknown(bare, 'chrat');
    expect(pendingTimers(other)).toBe(0);
    cancel();
  });
});
