import { describe, expect, it } from 'vitest';
import { Window } from '../../../src/io/mqtt/window.js';

describe('Window: the in-flight limit of mqtt out', () => {
  it('runs at most size tasks at once, in order, hands a freed slot to the next waiter, and fails waiters at close', async () => {
    const w = new Window(2);
    const release: Array<() => void> = [];
    const started: number[] = [];
    let peak = 0;
    const task = (i: number) => () => {
      started.push(i);
      peak = Math.max(peak, w.inFlight);
      return new Promise<number>((r) => release.push(() => r(i)));
    };
    const done = [1, 2, 3, 4].map((i) => w.run(task(i)));
    await Promise.resolve();
    expect(started).toEqual([1, 2]);
    release.shift()!();
    await expect(done[0]).resolves.toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1, 2, 3]);
    expect(w.inFlight).toBe(2);
    w.close();
    await expect(done[3]).rejects.toThrow(/stopped/);
    expect(peak).toBe(2);
  });
});
