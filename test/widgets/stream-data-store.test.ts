import { describe, expect, test } from 'vitest';
import { StreamEngine } from '../../src/index.js';
import { FrameLoop, type FrameSource } from '../../src/widgets/index.js';
import { StreamDataStore } from '../../src/widgets/stream-data-store.js';
import { fakeEngine } from './fake-engine.js';

/** A frame source the test ticks by hand, on its own time. */
function manualFrames() {
  let pending: ((now: number) => void) | undefined;
  let t = 0;
  const source: FrameSource = { now: () => t, request: (cb) => (pending = cb), cancel: () => (pending = undefined) };
  return {
    loop: new FrameLoop(source),
    /** Advances `ms` and runs the frame callback, if one is requested. */
    tick(ms: number) {
      t += ms;
      const cb = pending;
      pending = undefined;
      cb?.(t);
    },
  };
}

const opts = { bufferSize: 50, updateInterval: 16, enableBackpressure: false };

describe('StreamDataStore over an EngineLike', () => {
  test('tells the widget what the hook wants, again on pause and when the governor widens, and releases on unsubscribe', () => {
    const f = fakeEngine();
    const frames = manualFrames();
    const store = new StreamDataStore(f.widget, opts, frames.loop, f.engine.clock);
    expect(f.observed).toEqual([]); // building a store (a render) asks for nothing
    const off = store.subscribe(() => {});
    expect(f.observed).toEqual([{ bufferSize: 50, updateInterval: 16, paused: false }]);
    store.setPaused(true);
    expect(f.observed.at(-1)).toEqual({ bufferSize: 50, updateInterval: 16, paused: true });
    expect(f.held.size).toBe(1); // the previous observation was released, not leaked
    store.setPaused(true); // no change: no call
    expect(f.observed).toHaveLength(2);
    store.setPaused(false);
    expect(f.observed.at(-1)?.paused).toBe(false);
    // Slow frames (50 ms apart at 60 Hz) make the governor widen the interval.
    for (let i = 0; i < 40 && f.observed.at(-1)!.updateInterval === 16; i++) {
      f.push(i);
      frames.tick(50);
    }
    expect(f.observed.at(-1)!.updateInterval).toBeGreaterThan(16);
    expect(f.held.size).toBe(1);
    off();
    expect(f.held.size).toBe(0);
  });

  test('metrics show what the source dropped; a widget whose link is down is not live', () => {
    const f = fakeEngine();
    const frames = manualFrames();
    const store = new StreamDataStore(f.widget, opts, frames.loop, f.engine.clock);
    const off = store.subscribe(() => {});
    f.setDropped(7);
    f.push(1, 2, 3);
    frames.tick(17);
    expect(store.getSnapshot().metrics).toMatchObject({ messageCount: 3, dropped: 7, windowSize: 3 });
    expect(store.getSnapshot().live).toBe(true);
    f.setLinked(false);
    frames.tick(17);
    expect(store.getSnapshot().live).toBe(false);
    expect(store.getSnapshot().data).toHaveLength(3); // the last window stays on screen
    f.setLinked(true);
    frames.tick(17);
    expect(store.getSnapshot().live).toBe(true);
    off();
  });

  test('a local widget reports dropped 0 (it skips nothing for a hook)', () => {
    const engine = new StreamEngine();
    const widget = engine.createWidget('chart');
    const frames = manualFrames();
    const store = new StreamDataStore(widget, opts, frames.loop, engine.clock);
    expect(store.getSnapshot().metrics.dropped).toBe(0);
    expect(store.getSnapshot().live).toBe(true);
    engine.dispose();
  });
});
