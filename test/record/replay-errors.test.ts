import { describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/record/memory-log.js';
import { record } from '../../src/record/record.js';
import { replay } from '../../src/record/replay.js';
import { simEngine } from '../support/helpers.js';
import { flushMicrotasks } from '../support/flush.js';
import { msgs } from './support.js';

function logOf(n: number, retention = {}): MemoryLog {
  const log = new MemoryLog(retention);
  for (let i = 0; i < n; i++) log.append({ seq: 1 + i * 2, at: 1000 + i * 10, messages: msgs(1 + i * 2, 2) });
  return log;
}

describe('replay: typed errors on bad input', () => {
  it('a range outside the retained history is OUT_OF_RANGE, at start and on seek', async () => {
    const { engine } = simEngine();
    engine.createWidget('view');
    const log = logOf(10, { maxBatches: 4 }); // holds seq 13..20, at 1060..1090
    for (const from of [{ seq: 1 }, { seq: 21 }, { at: 1000 }, { at: 5000 }]) {
      expect(() => replay(engine, log, 'view', { from }), JSON.stringify(from)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    }
    expect(() => replay(engine, new MemoryLog(), 'view')).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    const r = replay(engine, log, 'view', { paused: true });
    expect(() => r.seek({ seq: 3 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    await r.stop();
  });

  it('a stopped target is TARGET_STOPPED (a closed connection CONNECTION_CLOSED); one that stops mid-replay fails the replay', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    const w = engine.createWidget('gone');
    w.stop();
    expect(() => replay(engine, logOf(2), 'gone')).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED' }));
    (engine.node('n') as unknown as { stop(): void }).stop();
    expect(engine.node('n').state).toBe('stopped');
    expect(() => replay(engine, logOf(2), 'n')).toThrow(expect.objectContaining({ code: 'TARGET_STOPPED' }));
    // A closing connection (its batch still out) is still listed, and takes nothing new.
    let finish: () => void = () => {};
    engine.node('b', { process: () => new Promise<void>((res) => (finish = res)) });
    engine.createConnection('a', 'b', 'out', 'in');
    for (const m of msgs(1, 2)) engine.emit('a', 'out', m);
    const closing = engine.removeConnection('a:out->b:in');
    expect(() => replay(engine, logOf(2), 'a:out->b:in')).toThrow(expect.objectContaining({ code: 'CONNECTION_CLOSED' }));
    finish();
    await closing;

    const v = engine.createWidget('view');
    const r = replay(engine, logOf(10), 'view', { paused: true });
    await r.step();
    v.stop();
    r.resume();
    const end = await r.done;
    expect(end.status).toBe('failed');
    expect(end.status === 'failed' && end.error).toMatchObject({ code: 'TARGET_STOPPED' });
    expect(end.position?.seq).toBe(2); // the batch the stopped widget refused was not shown
  });

  it.each([0, 0.5, 101, Number.NaN, Infinity, -1, 'fast', null])('speed %s is INVALID_CONFIG, at start and in setSpeed', async (speed) => {
    const { engine } = simEngine();
    engine.createWidget('view');
    expect(() => replay(engine, logOf(2), 'view', { speed: speed as never })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'speed' }));
    const r = replay(engine, logOf(2), 'view', { paused: true });
    expect(() => r.setSpeed(speed as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(r.state().speed).toBe('instant');
    await r.stop();
  });

  it('an unknown option, a bad from, or stepping a finished replay are typed errors', async () => {
    const { engine } = simEngine();
    engine.createWidget('view');
    expect(() => replay(engine, logOf(2), 'view', { sped: 2 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => replay(engine, logOf(2), 'view', { from: { seq: 1.5 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const r = replay(engine, logOf(2), 'view');
    await r.done;
    await flushMicrotasks();
    await expect(r.step()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('replay: a target that goes away ends it, whatever the replay is doing', () => {
  const failed = { status: 'failed', error: expect.objectContaining({ code: 'TARGET_STOPPED' }) };

  it('paused, into a widget: engine.stop() ends it as failed', async () => {
    const { engine } = simEngine();
    engine.createWidget('view');
    const r = replay(engine, logOf(5), 'view', { paused: true });
    await engine.stop();
    await expect(r.done).resolves.toMatchObject(failed);
  });

  it('in its live phase: removing the widget ends it, and so does disposing the engine', async () => {
    const { engine } = simEngine();
    engine.createWidget('view');
    const live = { nextSeq: 11, subscribe: () => () => {} };
    const r = replay(engine, logOf(5), 'view', { live });
    for (let i = 0; i < 20 && r.state().phase !== 'live'; i++) await flushMicrotasks();
    expect(r.state()).toMatchObject({ phase: 'live', status: 'playing' });
    engine.removeWidget('view');
    await expect(r.done).resolves.toMatchObject(failed);
    const { engine: e2 } = simEngine();
    e2.createWidget('view');
    const r2 = replay(e2, logOf(5), 'view', { live, paused: true });
    e2.dispose();
    await expect(r2.done).resolves.toMatchObject(failed);
  });

  it('into a node that completes, or a connection that is removed', async () => {
    const { engine } = simEngine();
    engine.node('sink', { process: () => {} });
    const r = replay(engine, logOf(5), 'sink', { paused: true });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const rc = replay(engine, logOf(5), id, { paused: true });
    engine.removeConnection(id);
    await expect(rc.done).resolves.toMatchObject({ status: 'failed' });
    await engine.stop();
    await expect(r.done).resolves.toMatchObject({ status: 'failed' });
  });
});

describe('replay-then-live: the live source ending', () => {
  it('ends the replay (ended) once what was recorded before the stop is shown', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    engine.createConnection('src', 'sink', 'out', 'in');
    engine.node('sink', { process: () => {} });
    const log = new MemoryLog();
    const rec = record(engine, 'src:out', log);
    const view = engine.createWidget('view', { bufferSize: 100 });
    const seen: number[] = [];
    view.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data as number)));
    for (const m of msgs(1, 4)) engine.emit('src', 'out', m);
    const r = replay(engine, log, 'view', { live: rec });
    for (const m of msgs(5, 4)) engine.emit('src', 'out', m);
    rec.stop();
    await expect(r.done).resolves.toMatchObject({ status: 'ended', phase: 'live' });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // A replay joining a recording that already stopped shows the history and ends.
    await expect(replay(engine, log, 'view', { live: rec }).done).resolves.toMatchObject({ status: 'ended' });
    await engine.stop();
  });
});
