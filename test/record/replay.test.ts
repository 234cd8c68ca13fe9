import { describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/record/memory-log.js';
import { replay } from '../../src/record/replay.js';
import { simEngine } from '../support/helpers.js';
import { flushMicrotasks } from '../support/flush.js';
import { msgs } from './support.js';

/** A log of `n` batches of `size`, batch i recorded at time gaps[i] (cumulative). */
function logOf(n: number, size: number, gap = (i: number) => i * 100): MemoryLog {
  const log = new MemoryLog();
  for (let i = 0; i < n; i++) log.append({ seq: 1 + i * size, at: 1000 + gap(i), messages: msgs(1 + i * size, size) });
  return log;
}

function viewOf(engine: ReturnType<typeof simEngine>['engine'], id = 'view') {
  const w = engine.createWidget(id, { bufferSize: 10_000 });
  const seen: number[] = [];
  const times: number[] = [];
  w.data$.subscribe((f) => {
    times.push(engine.clock.now());
    for (const m of f.batch.messages) seen.push(m.data as number);
  });
  return { w, seen, times };
}

describe('replay', () => {
  it('instant: every batch from the start into a widget, in order, then ended', async () => {
    const { engine } = simEngine();
    const { seen } = viewOf(engine);
    const r = replay(engine, logOf(20, 5), 'view');
    expect((await r.done).status).toBe('ended');
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(r.state()).toMatchObject({ position: { seq: 100, at: 2900 }, shown: 100 });
  });

  it('from a seq inside a batch shows from that message on', async () => {
    const { engine } = simEngine();
    const { seen } = viewOf(engine);
    await replay(engine, logOf(4, 5), 'view', { from: { seq: 8 } }).done;
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i + 8));
  });

  it('original timing: the recorded gaps divided by speed, on the engine clock', async () => {
    const { clock, engine } = simEngine();
    const { times } = viewOf(engine);
    const r = replay(engine, logOf(4, 1, (i) => [0, 100, 150, 400][i]!), 'view', { speed: 2 });
    const t0 = clock.now();
    for (let t = 0; t < 300; t++) {
      await flushMicrotasks();
      clock.increment(1);
    }
    expect((await r.done).status).toBe('ended');
    expect(times.map((t) => t - t0)).toEqual([0, 50, 75, 200]);
  });

  it('pause, step, seek, speed: the controller moves the position and keeps the anchor', async () => {
    const { clock, engine } = simEngine();
    const { seen } = viewOf(engine);
    const r = replay(engine, logOf(10, 1), 'view', { speed: 1, paused: true });
    const states: string[] = [];
    r.state$.subscribe((s) => states.push(`${s.status}:${s.position?.seq ?? '-'}`));
    await flushMicrotasks();
    expect(seen).toEqual([]);
    await r.step();
    await r.step();
    expect(seen).toEqual([1, 2]);
    r.resume();
    for (let t = 0; t < 100; t++) { clock.increment(1); await flushMicrotasks(); }
    expect(seen).toEqual([1, 2, 3]); // batch 3 was due 100 ms after batch 2
    r.pause();
    clock.increment(1000); // a pause is not replayed as a gap...
    await flushMicrotasks();
    r.resume();
    r.setSpeed(10);
    for (let t = 0; t < 10; t++) { clock.increment(1); await flushMicrotasks(); }
    expect(seen).toEqual([1, 2, 3, 4]); // ...and the new speed counts from now
    r.seek({ seq: 9 });
    r.setSpeed('instant');
    expect((await r.done).status).toBe('ended');
    expect(seen).toEqual([1, 2, 3, 4, 9, 10]);
    expect(states).toContain('paused:2');
    expect(states.at(-1)).toBe('ended:10');
  });

  it('into a node as its input port, waiting while the node holds deliveries', async () => {
    const { engine } = simEngine();
    const got: Array<[string, number]> = [];
    const node = engine.node('n', { process: (b) => void got.push([b.port, b.messages.length]) });
    node.pause();
    const r = replay(engine, logOf(3, 4), 'n', { port: 'history' });
    await flushMicrotasks();
    expect(got).toEqual([]);
    node.resume();
    await r.done;
    expect(got).toEqual([['history', 4], ['history', 4], ['history', 4]]);
  });

  it('into a connection: offered like a producer, waiting on its backpressure, so nothing is lost', async () => {
    const { clock, engine } = simEngine({ bufferSize: 8, maxBatchSize: 4, batchTimeout: 1 });
    let release: () => void = () => {};
    const got: number[] = [];
    engine.node('sink', { process: (b) => new Promise<void>((res) => (release = () => { for (const m of b.messages) got.push(m.data as number); res(); })) });
    engine.createConnection('replayer', 'sink', 'out', 'in');
    const r = replay(engine, logOf(10, 3), 'replayer:out->sink:in');
    for (let i = 0; i < 200 && got.length < 30; i++) {
      await flushMicrotasks();
      clock.increment(1);
      release();
      expect(engine.getConnection('replayer:out').stats().inFlight).toBeLessThanOrEqual(8);
    }
    await r.done;
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(engine.getConnection('replayer:out').stats().droppedTotal).toBe(0);
  });
});
